using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// The reconcile loop. One tick at a time, each in a fresh DI scope, with errors caught per tick (and per registration
/// inside it); between ticks it waits on a <see cref="PeriodicTimer"/> on the injected <see cref="TimeProvider"/> for
/// what <see cref="WatchSchedule"/> says is due next, or until the file changes or this replica becomes the leader.
/// Ticks never overlap: the next wait is armed only after a tick ends. On stop, no new write starts (the
/// <see cref="WriteGate"/> closes as soon as the host begins stopping), writes in flight finish, and the loop ends.
/// After a large tick, <see cref="IdleMemoryRelease"/> returns its memory before the wait.
/// </summary>
public sealed partial class WatchService(
    IServiceScopeFactory scopes,
    WatchSchedule schedule,
    DesiredFileMonitor monitor,
    IWriteLeadership leadership,
    WriteGate gate,
    IEnumerable<IWatchObserver> observers,
    IHostApplicationLifetime lifetime,
    WatchArguments arguments,
    TimeProvider time,
    IdleMemoryRelease memory,
    ILogger<WatchService> logger) : BackgroundService
{
    private readonly IWatchObserver[] _observers = observers.ToArray();
    private readonly WakeSignal _wake = new();
    private string? _lastHash;
    private long _ticks;
    private long _tickStarted;

    /// <summary>When the tick in progress started (a <see cref="TimeProvider"/> timestamp), or 0 between ticks.</summary>
    public long CurrentTickStarted => Interlocked.Read(ref _tickStarted);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        gate.Close("the service is stopping");

        // The host's shutdown timeout: past it, writes still in flight are cancelled (and reported as unknown).
        await using var abort = cancellationToken.Register(gate.Abort);
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first tick waits until the host has started (the listener is bound): a replica that cannot serve its
        // probes never writes.
        try
        {
            await HostStarted(lifetime, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        using var closeOnStopping = lifetime.ApplicationStopping.Register(() => gate.Close("the service is stopping"));
        leadership.LeadershipChanged += OnLeadershipChanged;
        monitor.Start(() => _wake.Set(WakeReasons.FileChanged));
        LogStarted(logger, arguments.File, arguments.Mode.ToString().ToLowerInvariant(), DurationText.Format(arguments.Interval),
            leadership.LeaseBlob?.ToString() ?? "none (single instance)");
        try
        {
            var reason = TickReason.Startup;
            while (true)
            {
                await TickAsync(reason, stoppingToken);
                reason = await WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            leadership.LeadershipChanged -= OnLeadershipChanged;
            LogStopped(logger, _ticks);
        }
    }

    /// <summary>Completes when the host has started every hosted service; cancelled with <paramref name="stoppingToken"/>.</summary>
    internal static async Task HostStarted(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
    }

    private async Task TickAsync(TickReason reason, CancellationToken stoppingToken)
    {
        var number = ++_ticks;
        var startedAt = time.GetUtcNow();
        Interlocked.Exchange(ref _tickStarted, time.GetTimestamp());
        Notify(o => o.OnTickStarted(number, reason));
        schedule.Begin(startedAt, forced: reason is TickReason.Startup or TickReason.FileChanged or TickReason.LeadershipGained);

        TickReport report;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            report = await scope.ServiceProvider.GetRequiredService<WatchTick>().RunAsync(number, reason, schedule, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogTickFailed(logger, e, number);
            report = new TickReport
            {
                Number = number,
                Reason = reason,
                StartedAt = startedAt,
                Duration = time.GetUtcNow() - startedAt,
                File = arguments.File,
                Mode = arguments.Mode,
                Error = WatchError.From(e),
            };
        }
        finally
        {
            Interlocked.Exchange(ref _tickStarted, 0);
        }

        _lastHash = report.DesiredSha256;
        schedule.Complete(time.GetUtcNow(), report.Registrations.Select(r => (r.Registration, r.Requeue)), report.Desired?.ToArray());
        Notify(o => o.OnTickCompleted(report));
        memory.AfterTick();
        stoppingToken.ThrowIfCancellationRequested();
    }

    /// <summary>Waits for the next tick and says why it is due. Skips file events that did not change the file's content.</summary>
    private async Task<TickReason> WaitAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            var wakeAt = schedule.NextWake;
            var due = schedule.NextWakeIsRetry ? TickReason.Retry : TickReason.Interval;
            var delay = wakeAt - time.GetUtcNow();
            WakeReasons woke;
            if (delay <= TimeSpan.Zero)
            {
                return due;
            }

            using (var timer = new PeriodicTimer(delay, time))
            {
                var signal = _wake.WaitAsync();
                var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                Notify(o => o.OnWaiting(delay, wakeAt));
                var first = await Task.WhenAny(tick, signal);
                stoppingToken.ThrowIfCancellationRequested();
                if (first == tick && await tick)
                {
                    return due;
                }

                woke = _wake.Consume();
            }

            if (woke.HasFlag(WakeReasons.LeadershipGained))
            {
                return TickReason.LeadershipGained;
            }

            if (woke.HasFlag(WakeReasons.FileChanged))
            {
                var hash = Desired.DesiredSet.TryHash(arguments.Files);
                if (!string.Equals(hash, _lastHash, StringComparison.Ordinal))
                {
                    LogFileChanged(logger, arguments.File, hash ?? "unreadable");
                    return TickReason.FileChanged;
                }
            }
        }
    }

    private void OnLeadershipChanged(bool leader)
    {
        if (leader)
        {
            _wake.Set(WakeReasons.LeadershipGained);
        }
    }

    private void Notify(Action<IWatchObserver> action)
    {
        foreach (var observer in _observers)
        {
            try
            {
                action(observer);
            }
            catch (Exception e)
            {
                LogObserverFailed(logger, e, observer.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 1, EventName = "WatchStarted", Level = LogLevel.Information,
        Message = "Watching {File}: mode {Mode}, interval {Interval}, lease {Lease}")]
    private static partial void LogStarted(ILogger logger, string file, string mode, string interval, string lease);

    [LoggerMessage(EventId = 2, EventName = "WatchStopped", Level = LogLevel.Information, Message = "Stopped after {Ticks} tick(s)")]
    private static partial void LogStopped(ILogger logger, long ticks);

    [LoggerMessage(EventId = 3, EventName = "TickFailed", Level = LogLevel.Error, Message = "Tick {Tick} failed unexpectedly")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, long tick);

    [LoggerMessage(EventId = 4, EventName = "FileChanged", Level = LogLevel.Information, Message = "{File} changed ({Sha256}): ticking now")]
    private static partial void LogFileChanged(ILogger logger, string file, string sha256);

    [LoggerMessage(EventId = 5, EventName = "ObserverFailed", Level = LogLevel.Error, Message = "Observer {Observer} failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer);
}

[Flags]
internal enum WakeReasons
{
    None = 0,
    FileChanged = 1,
    LeadershipGained = 2,
}

/// <summary>An auto-reset signal carrying why it was set: set from any thread, awaited and consumed by the loop.</summary>
internal sealed class WakeSignal
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _set = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WakeReasons _reasons;

    public void Set(WakeReasons reasons)
    {
        lock (_lock)
        {
            _reasons |= reasons;
            _set.TrySetResult();
        }
    }

    /// <summary>Completes when set (at once if it was set since the last <see cref="Consume"/>).</summary>
    public Task WaitAsync()
    {
        lock (_lock)
        {
            return _set.Task;
        }
    }

    public WakeReasons Consume()
    {
        lock (_lock)
        {
            var reasons = _reasons;
            _reasons = WakeReasons.None;
            if (_set.Task.IsCompleted)
            {
                _set = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return reasons;
        }
    }
}
