namespace TenantReconciler.Leasing;

/// <summary>Timing of <see cref="LeaderElector"/>. The intervals default to a third of <see cref="LeaseDuration"/>.</summary>
public sealed record LeaderElectionOptions
{
    private readonly TimeSpan? _renewInterval;
    private readonly TimeSpan? _retryInterval;

    /// <summary>How long each lease (and renewal) lasts: 15 to 60 seconds. A crashed leader is replaced within this plus <see cref="RetryInterval"/>.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the leader renews: more than zero and at most half of <see cref="LeaseDuration"/>.</summary>
    public TimeSpan RenewInterval
    {
        get => _renewInterval ?? LeaseDuration / 3;
        init => _renewInterval = value;
    }

    /// <summary>How often a follower tries to take the lease.</summary>
    public TimeSpan RetryInterval
    {
        get => _retryInterval ?? LeaseDuration / 3;
        init => _retryInterval = value;
    }

    /// <summary>
    /// How long before the lease could expire the leader gives up leadership when it could not renew in time: its
    /// writes stop before anyone else can take the lease. A tenth of <see cref="LeaseDuration"/>.
    /// </summary>
    internal TimeSpan SafetyMargin => LeaseRenewer.SafetyMarginFor(LeaseDuration);

    internal void Validate()
    {
        BlobLeaseLock.ValidateDuration(LeaseDuration, nameof(LeaseDuration));
        if (RenewInterval <= TimeSpan.Zero || RenewInterval > LeaseDuration / 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(RenewInterval), RenewInterval, "The renew interval must be more than zero and at most half of the lease duration.");
        }

        if (RetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryInterval), RetryInterval, "The retry interval must be more than zero.");
        }
    }
}
