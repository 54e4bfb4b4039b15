using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TenantReconciler.Leasing;

/// <summary>
/// Elects one leader among replicas that share a <see cref="BlobLeaseLock"/>: whoever holds the lease leads, renews it
/// every <see cref="LeaderElectionOptions.RenewInterval"/>, and the others try to take it every
/// <see cref="LeaderElectionOptions.RetryInterval"/>. A stopped leader releases the lease, so another replica takes
/// over within a retry interval; a crashed one loses it when it expires.
/// <para>
/// Writes must stop when leadership is lost: do them under <see cref="LeadershipToken"/>, which is cancelled as soon as
/// a renewal fails, and at the latest a safety margin before the lease could expire when a renewal hangs.
/// </para>
/// </summary>
public sealed class LeaderElector
{
    private static readonly CancellationTokenSource NoTerm = CreateCancelled();

    private readonly BlobLeaseLock _lease;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // One id for all the terms of this elector: after a renewal that failed for a transient reason, the lease may
    // still be ours, and acquiring it with the same id takes it back at once instead of waiting for it to expire.
    private readonly string _leaseId = Guid.NewGuid().ToString();

    private volatile bool _isLeader;
    private volatile CancellationTokenSource _term = NoTerm;
    private LeaseHandle? _handle;
    private long _validUntil;
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

    /// <summary>Whether this replica holds the lease now.</summary>
    public bool IsLeader => _isLeader;

    /// <summary>
    /// Cancelled when the current term of leadership ends (a new token per term); already cancelled when this
    /// replica is not the leader. Take it when starting a piece of work and pass it to every write.
    /// </summary>
    public CancellationToken LeadershipToken => _term.Token;

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
                var wait = _handle is null
                    ? await TryLeadAsync(stoppingToken)
                    : await RenewAsync(_handle, stoppingToken);
                await Task.Delay(wait, _time, stoppingToken);
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

    private async Task<TimeSpan> TryLeadAsync(CancellationToken stoppingToken)
    {
        var started = _time.GetTimestamp();
        LeaseHandle? handle;
        try
        {
            handle = await _lease.TryAcquireAsync(_options.LeaseDuration, _leaseId, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Errors are caught per try (a storage error, a credential that could not get a token, a timeout): try again later.
            _logger.LogWarning(ex, "Could not try to take the lease on {Blob}: {Message}", _lease.BlobUri, ex.Message);
            return _options.RetryInterval;
        }

        if (handle is null)
        {
            return _options.RetryInterval;
        }

        if (!StillValid(started))
        {
            // It took so long that the lease may expire before we could use it. It is ours under _leaseId: the next try takes it back.
            _logger.LogWarning("Took the lease on {Blob} too late to lead with it; trying again", _lease.BlobUri);
            return _options.RetryInterval;
        }

        _handle = handle;
        BecomeLeader();
        return _options.RenewInterval;
    }

    private async Task<TimeSpan> RenewAsync(LeaseHandle handle, CancellationToken stoppingToken)
    {
        var started = _time.GetTimestamp();
        var left = _time.GetElapsedTime(started, _validUntil);
        bool renewed;
        string? reason = null;
        using (var deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, deadline.Token))
        {
            try
            {
                renewed = await handle.RenewAsync(linked.Token);
                reason = renewed ? null : "the lease was lost (it expired and was taken, was broken, or the blob is gone)";
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested && deadline.IsCancellationRequested)
            {
                renewed = false;
                reason = "the renewal did not complete before the lease could expire";
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The outcome is unknown, so the lease may be lost: stop leading. If it is still ours, the next try takes it back.
                renewed = false;
                reason = "the renewal failed: " + ex.Message;
            }
        }

        if (renewed && !StillValid(started))
        {
            renewed = false;
            reason = "the renewal completed too late";
        }

        if (renewed)
        {
            return _options.RenewInterval;
        }

        _handle = null;
        StepDown(reason!);
        return _options.RetryInterval;
    }

    /// <summary>A lease acquired or renewed by a request sent at <paramref name="started"/> lasts at least until started + duration.</summary>
    private bool StillValid(long started)
    {
        var validUntil = started + (long)((_options.LeaseDuration - _options.SafetyMargin).TotalSeconds * _time.TimestampFrequency);
        if (_time.GetTimestamp() >= validUntil)
        {
            return false;
        }

        _validUntil = validUntil;
        return true;
    }

    private void BecomeLeader()
    {
        _term = new CancellationTokenSource();
        _isLeader = true;
        _logger.LogInformation("Became the leader: holding the lease on {Blob}", _lease.BlobUri);
        LeadershipChanged?.Invoke(true);
    }

    private void StepDown(string reason)
    {
        _isLeader = false;
        _logger.LogWarning("No longer the leader: {Reason}", reason);

        // Not disposed: tokens of the term may still be held (and linked) by work that is winding down.
        _term.Cancel();
        LeadershipChanged?.Invoke(false);
    }

    private async Task ResignAsync()
    {
        var handle = _handle;
        if (handle is null)
        {
            return;
        }

        _handle = null;
        try
        {
            StepDown("stopping");
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

    private static CancellationTokenSource CreateCancelled()
    {
        var source = new CancellationTokenSource();
        source.Cancel();
        return source;
    }
}
