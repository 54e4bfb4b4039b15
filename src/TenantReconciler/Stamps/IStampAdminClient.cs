namespace TenantReconciler.Stamps;

/// <summary>
/// The three reads of one stamp's admin API, in our own types. Every failure (a status, a page in a form that cannot be
/// used, no response) is an <see cref="Live.ArmRequestException"/>; cancellation propagates unchanged.
/// </summary>
public interface IStampAdminClient
{
    /// <summary>The activation: which registration the stamp reports its usage to.</summary>
    Task<StampActivation> GetActivationAsync(CancellationToken cancellationToken);

    /// <summary>Every user subscription, page by page, each given to <paramref name="onSubscription"/> as it is read.</summary>
    Task ListSubscriptionsAsync(Action<StampSubscription> onSubscription, CancellationToken cancellationToken);

    /// <summary>
    /// Every usage record reported in <paramref name="window"/> (daily), page by page, each given to
    /// <paramref name="onRecord"/> as (subscription, quantity) and not kept. Returns the number of records.
    /// </summary>
    Task<long> ReadUsageAsync(UsageWindow window, Action<Guid, decimal> onRecord, CancellationToken cancellationToken);
}
