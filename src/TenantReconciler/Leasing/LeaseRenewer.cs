using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TenantReconciler.Leasing;

/// <summary>
/// Keeps a <see cref="LeaseHandle"/> renewed and says when writes under it must stop. One rule, for <c>apply --lock</c>
/// and for the leader of <c>watch</c>: no write may START at or after the last successful renewal (counted from when
/// its request was sent) plus the lease duration minus a safety margin, whatever happens to the renewal in progress.
/// A renewal that hangs extends nothing.
/// <para>
/// <see cref="WritesMustStop"/> is cancelled by a timer on the handle's clock at that deadline; at once when a
/// renewal is refused (the lease is lost); and when the renewer is disposed. It is never un-cancelled: a new lease
/// needs a new renewer. A renewal that fails for another reason (a timeout, a network error) is logged, and the next
/// one is tried on schedule; only its success moves the deadline.
/// </para>
/// </summary>
public sealed class LeaseRenewer : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<bool>> _renew;
    private readonly TimeSpan _renewInterval;
    private readonly long _validFor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _blob;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _writesMustStop = new();
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITimer? _deadlineTimer; // null only while the constructor creates it (a timer due at once may fire before)
    private long _deadline;
    private int _endedFlag;
    private Task _loop = Task.CompletedTask;

    private LeaseRenewer(
        Func<CancellationToken, Task<bool>> renew, Uri blob, TimeSpan duration, TimeSpan renewInterval, long validFrom, TimeProvider time, ILogger? logger)
    {
        BlobLeaseLock.ValidateDuration(duration);
        if (renewInterval <= TimeSpan.Zero || renewInterval > duration / 2)
        {
            throw new ArgumentOutOfRangeException(
                nameof(renewInterval), renewInterval, "The renew interval must be more than zero and at most half of the lease duration.");
        }

        _renew = renew;
        _blob = blob;
        _renewInterval = renewInterval;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        SafetyMargin = SafetyMarginFor(duration);
        _validFor = ToTimestampTicks(duration - SafetyMargin, time);
        _deadline = validFrom + _validFor;
        var left = time.GetElapsedTime(time.GetTimestamp(), _deadline);
        _deadlineTimer = time.CreateTimer(_ => OnDeadline(), null, left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Cancelled when writes must stop being started: at the deadline (no renewal succeeded in time), when the lease is
    /// lost, or once this renewer is disposed. Check it before starting each write and pass it as the "start nothing
    /// new" signal; a write already in flight is the caller's to finish or abort.
    /// </summary>
    public CancellationToken WritesMustStop => _writesMustStop.Token;

    /// <summary>Completes, with the reason (for logs), when <see cref="WritesMustStop"/> has been cancelled.</summary>
    public Task<string> Ended => _ended.Task;

    /// <summary>How long before the lease could expire writes stop: a tenth of the lease duration.</summary>
    public TimeSpan SafetyMargin { get; }

    /// <summary>How long before a lease of <paramref name="duration"/> could expire writes stop: a tenth of it.</summary>
    public static TimeSpan SafetyMarginFor(TimeSpan duration) => duration / 10;

    /// <summary>
    /// Starts renewing <paramref name="handle"/> every <paramref name="renewInterval"/> (more than zero, at most half of
    /// its duration), on the clock it was acquired on. The first deadline counts from when the acquire was sent: a
    /// handle that took too long to get may be past it already, and then <see cref="WritesMustStop"/> is cancelled at once.
    /// The renewer never releases the lease: dispose the handle after the renewer.
    /// </summary>
    public static LeaseRenewer Start(LeaseHandle handle, TimeSpan renewInterval, ILogger? logger = null)
    {
        var renewer = Create(handle, renewInterval, logger);
        renewer.StartRenewing();
        return renewer;
    }

    /// <summary>A renewer of <paramref name="handle"/> whose deadline runs but which does not renew until <see cref="StartRenewing"/>.</summary>
    internal static LeaseRenewer Create(LeaseHandle handle, TimeSpan renewInterval, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return new LeaseRenewer(handle.RenewAsync, handle.BlobUri, handle.Duration, renewInterval, handle.RequestedAt, handle.Time, logger);
    }

    /// <summary>The deadline rule over any renewal (true: renewed; false: refused; an exception: outcome unknown). For tests.</summary>
    internal static LeaseRenewer Create(
        Func<CancellationToken, Task<bool>> renew, TimeSpan duration, TimeSpan renewInterval, long validFrom, TimeProvider time, ILogger? logger = null) =>
        new(renew, new Uri("urn:lease"), duration, renewInterval, validFrom, time, logger);

    internal void StartRenewing()
    {
        if (!ReferenceEquals(_loop, Task.CompletedTask))
        {
            throw new InvalidOperationException("The renewer is already renewing.");
        }

        _loop = RenewLoopAsync();
    }

    /// <summary>Stops renewing and cancels <see cref="WritesMustStop"/>. Does not release the lease.</summary>
    public async ValueTask DisposeAsync()
    {
        End("the lease is being given up");
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        if (_deadlineTimer is not null)
        {
            await _deadlineTimer.DisposeAsync();
        }
    }

    private async Task RenewLoopAsync()
    {
        var stop = _writesMustStop.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(_renewInterval, _time, stop);
                var sentAt = _time.GetTimestamp();
                bool renewed;
                try
                {
                    // Cancelled at the deadline: a renewal still running then would come too late anyway.
                    renewed = await _renew(stop);
                }
                catch (Exception ex) when (!stop.IsCancellationRequested)
                {
                    _logger.LogWarning(
                        ex, "Could not renew the lease on {Blob} ({Message}); writes stop in {Left} unless a later renewal succeeds",
                        _blob, ex.Message, TimeLeft());
                    continue;
                }

                if (!renewed)
                {
                    End("the lease was lost (it expired and was taken, was broken, or the blob is gone)");
                }
                else if (!Extend(sentAt))
                {
                    End("the renewal completed too late");
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>A renewal sent at <paramref name="sentAt"/> succeeded: the deadline moves to sentAt + duration − margin, unless that has passed.</summary>
    private bool Extend(long sentAt)
    {
        lock (_gate)
        {
            var deadline = sentAt + _validFor;
            var left = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
            if (_endedFlag != 0 || left <= TimeSpan.Zero)
            {
                return false;
            }

            _deadline = Math.Max(_deadline, deadline);
            _deadlineTimer?.Change(_time.GetElapsedTime(_time.GetTimestamp(), _deadline), Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    private void OnDeadline()
    {
        lock (_gate)
        {
            if (_endedFlag != 0)
            {
                return;
            }

            var left = _time.GetElapsedTime(_time.GetTimestamp(), _deadline);
            if (left > TimeSpan.Zero)
            {
                // Moved by a renewal meanwhile, or a timer that fired a hair early: wait for the rest.
                _deadlineTimer?.Change(left, Timeout.InfiniteTimeSpan);
                return;
            }

            _endedFlag = 1;
        }

        Cancel("no renewal succeeded in time: writes stop a safety margin before the lease could expire");
    }

    private void End(string reason)
    {
        lock (_gate)
        {
            if (_endedFlag != 0)
            {
                return;
            }

            _endedFlag = 1;
        }

        Cancel(reason);
    }

    /// <summary>Outside the lock: cancelling runs the callbacks registered on the token.</summary>
    private void Cancel(string reason)
    {
        _writesMustStop.Cancel();
        _ended.TrySetResult(reason);
    }

    private TimeSpan TimeLeft()
    {
        lock (_gate)
        {
            var left = _time.GetElapsedTime(_time.GetTimestamp(), _deadline);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    private static long ToTimestampTicks(TimeSpan span, TimeProvider time) =>
        checked((long)((Int128)span.Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond));
}
