using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TenantReconciler.Cli.Watch.Notifications;

/// <summary>
/// <c>watch --notify</c>: an observer of the loop that finds transitions (<see cref="TransitionDetector"/>) and hands
/// each notification to every target's bounded queue without waiting, and the hosted service that drains those
/// queues in the background. A tick is never delayed or failed by a notification. On stop (after the loop has
/// stopped: it is registered before it) the queues get one last try each, within the host's shutdown timeout.
/// </summary>
public sealed partial class WatchNotifier : IWatchObserver, IHostedService, IDisposable
{
    private readonly TransitionDetector _detector = new();
    private readonly BillingLeakTransitions _billing = new();
    private readonly NotificationSink[] _sinks;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly ILogger<WatchNotifier> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private Task _running = Task.CompletedTask;
    private long _queued;
    private int _disposed;

    public WatchNotifier(WatchArguments arguments, TimeProvider time, IMeterFactory meters, ILogger<WatchNotifier> logger)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        _time = time;
        _logger = logger;
        var options = arguments.Notify;
        var body = new NotificationBody(options.Format, arguments.ReplicaId);
        var metrics = new NotificationMetrics(meters);

        // No redirects (a webhook that moves is a failure to look at), no cookies; the timeout is per try, on the TimeProvider.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"tenant-reconciler/{ToolInfo.Version}");
        _sinks = options.Targets.Select(t => new NotificationSink(t, options, body, _http, time, metrics, logger) { Attempted = a => Attempted?.Invoke(a) }).ToArray();
    }

    /// <summary>Told after each try to deliver (on a background thread; for a retry, once its timer is armed).</summary>
    public event Action<DeliveryAttempt>? Attempted;

    /// <summary>Notifications found so far (each is queued once per target).</summary>
    public long Queued => Interlocked.Read(ref _queued);

    public void OnTickCompleted(TickReport report)
    {
        var now = _time.GetUtcNow();
        foreach (var notification in _detector.Next(report, now).Concat(_billing.Next(report, now)))
        {
            Interlocked.Increment(ref _queued);
            LogQueued(_logger, WatchNotification.KindText(notification.Kind), notification.Subject, notification.Tick, string.Join(", ", _sinks.Select(s => s.Target.Redacted)));
            foreach (var sink in _sinks)
            {
                sink.TryEnqueue(notification);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = Task.WhenAll(_sinks.Select(s => Task.Run(() => s.RunAsync(_stopping.Token, _abort.Token), CancellationToken.None)));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            sink.Complete();
        }

        await _stopping.CancelAsync();
        await using var abort = cancellationToken.Register(_abort.Cancel);
        await _running;
    }

    /// <summary>Idempotent: the container disposes it once per registration that returns it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _abort.Cancel();
        _http.Dispose();
        _stopping.Dispose();
        _abort.Dispose();
    }

    [LoggerMessage(EventId = 44, EventName = "NotificationQueued", Level = LogLevel.Information,
        Message = "Tick {Tick}: {Kind} for {Subject}, notifying {Targets}")]
    private static partial void LogQueued(ILogger logger, string kind, string subject, long tick, string targets);
}

/// <summary>The notification instruments, on the service's meter.</summary>
internal sealed class NotificationMetrics
{
    private readonly Counter<long> _sent;
    private readonly Counter<long> _dropped;

    public NotificationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(WatchMetrics.MeterName, ToolInfo.Version);
        _sent = meter.CreateCounter<long>("tenant_reconciler_notifications_total", description: "Notifications sent, by target (scheme and host only) and result: delivered, failed (after every try).");
        _dropped = meter.CreateCounter<long>("tenant_reconciler_notifications_dropped_total", description: "Notifications dropped because the target's queue was full, by target (scheme and host only).");
    }

    public void Sent(NotifyTarget target, string result) =>
        _sent.Add(1, new KeyValuePair<string, object?>("target", target.Redacted), new KeyValuePair<string, object?>("result", result));

    public void Dropped(NotifyTarget target) => _dropped.Add(1, new KeyValuePair<string, object?>("target", target.Redacted));
}
