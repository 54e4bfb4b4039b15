using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TenantReconciler.Leasing;

/// <summary>
/// Elects one leader among replicas that share a <see cref="BlobLeaseLock"/>: whoever holds the lease leads, and the
/// others try to take it every <see cref="LeaderElectionOptions.RetryInterval"/>. A term of leadership is one
/// <see cref="LeaseRenewer"/>, which renews every <see cref="LeaderElectionOptions.RenewInterval"/>. A stopped leader
/// releases the lease, so another replica takes over within a retry interval; a crashed one loses it when it expires.
/// <para>
/// Writes must stop when leadership is lost: start them only under <see cref="LeadershipToken"/>, the term's
/// <see cref="LeaseRenewer.WritesMustStop"/>. It is cancelled when a renewal is refused, and at the latest at the last
/// successful renewal plus the lease duration minus a safety margin, however long a renewal hangs.
/// </para>
/// </summary>
public sealed class LeaderElector
{
    private static readonly CancellationToken NoTerm = new(canceled: true);

    private readonly BlobLeaseLock _lease;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // One id for all the terms of this elector: after a term that ended for a transient reason, the lease may still
    // be ours, and acquiring it with the same id takes it back at once instead of waiting for it to expire.
    private readonly string _leaseId = Guid.NewGuid().ToString();

    private volatile LeaseRenewer? _term;
    private LeaseHandle? _handle;
    private int _running;

    public LeaderElector(BlobLeaseLock lease, LeaderElectionOptions options, TimeProvider time, ILogger<LeaderElector>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _lease = lease;
        _options = options;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Whether this replica may write now: it holds the lease and its term's deadline has not passed.</summary>
    public bool IsLeader => !LeadershipToken.IsCancellationRequested;

    /// <summary>
    /// Cancelled when the current term of leadership ends (a new token per term); already cancelled when this
    /// replica is not the leader. Take it when starting a piece of work and pass it to every write.
    /// </summary>
    public CancellationToken LeadershipToken => _term?.WritesMustStop ?? NoTerm;

    /// <summary>Raised on the election loop with true when this replica becomes the leader and false when it stops being it.</summary>
    public event Action<bool>? LeadershipChanged;

    /// <summary>
    /// Runs the election until <paramref name="stoppingToken"/> is cancelled; then gives up leadership, releases the
    /// lease and returns without throwing. Call once.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("RunAsync may be called only once per elector.");
        }

        try
        {
            while (true)
            {
                if (await TryLeadAsync(stoppingToken) is { } term)
                {
                    var reason = await term.Ended.WaitAsync(stoppingToken);
                    await StepDownAsync(term, reason);
                }

                await Task.Delay(_options.RetryInterval, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await ResignAsync();
        }
    }

    /// <summary>Tries to take the lease; on success, the new term (already announced). Null when not leading.</summary>
    private async Task<LeaseRenewer?> TryLeadAsync(CancellationToken stoppingToken)
    {
        LeaseHandle? handle;
        try
        {
            handle = await _lease.TryAcquireAsync(_options.LeaseDuration, _leaseId, _time, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Errors are caught per try (a storage error, a credential that could not get a token, a timeout): try again later.
            _logger.LogWarning(ex, "Could not try to take the lease on {Blob}: {Message}", _lease.BlobUri, ex.Message);
            return null;
        }

        if (handle is null)
        {
            return null;
        }

        var term = LeaseRenewer.Create(handle, _options.RenewInterval, _logger);
        if (term.WritesMustStop.IsCancellationRequested)
        {
            // It took so long that the lease may expire before we could use it. It is ours under _leaseId: the next try takes it back.
            await term.DisposeAsync();
            _logger.LogWarning("Took the lease on {Blob} too late to lead with it; trying again", _lease.BlobUri);
            return null;
        }

        _handle = handle;
        _term = term;
        _logger.LogInformation("Became the leader: holding the lease on {Blob}", _lease.BlobUri);
        LeadershipChanged?.Invoke(true);
        term.StartRenewing();
        return term;
    }

    /// <summary>The term is over (its token is cancelled already): announce it. The lease is not released: it may be lost.</summary>
    private async Task StepDownAsync(LeaseRenewer term, string reason)
    {
        _handle = null;
        await term.DisposeAsync();
        _logger.LogWarning("No longer the leader: {Reason}", reason);
        LeadershipChanged?.Invoke(false);
    }

    private async Task ResignAsync()
    {
        var handle = _handle;
        if (handle is null || _term is not { } term)
        {
            return;
        }

        try
        {
            await StepDownAsync(term, "stopping");
        }
        finally
        {
            // Bounded: if it cannot be released, it expires within the lease duration anyway.
            using var timeout = new CancellationTokenSource(_options.LeaseDuration, _time);
            try
            {
                await handle.ReleaseAsync(timeout.Token);
                _logger.LogInformation("Released the lease on {Blob}", _lease.BlobUri);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Could not release the lease on {Blob}; it expires within {Duration}", _lease.BlobUri, _options.LeaseDuration);
            }
        }
    }
}
