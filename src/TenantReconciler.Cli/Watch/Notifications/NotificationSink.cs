using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace TenantReconciler.Cli.Watch.Notifications;

/// <summary>How one try to deliver a notification ended.</summary>
public enum DeliveryOutcome
{
    Delivered,

    /// <summary>Failed; the next try is due after <see cref="DeliveryAttempt.RetryIn"/> (its timer is already armed).</summary>
    Retrying,

    /// <summary>Failed for good: not retryable, out of tries, or the service is stopping.</summary>
    Failed,
}

/// <summary>One try, as the log and a test see it: the target is redacted.</summary>
public sealed record DeliveryAttempt(string Target, WatchNotification Notification, int Attempt, DeliveryOutcome Outcome, string Detail, TimeSpan? RetryIn);

/// <summary>
/// One <c>--notify</c> target: a bounded queue drained in order by one task, each notification retried with
/// exponential back-off (on the injected <see cref="TimeProvider"/>, honouring <c>Retry-After</c>) on a network error,
/// a timeout, 408, 429 or 5xx. A full queue drops the new notification and counts it. Targets never wait on each other.
/// </summary>
internal sealed partial class NotificationSink(
    NotifyTarget target, NotifyArguments options, NotificationBody body, HttpClient http, TimeProvider time, NotificationMetrics metrics, ILogger logger)
{
    private readonly Channel<WatchNotification> _queue = Channel.CreateBounded<WatchNotification>(
        new BoundedChannelOptions(Math.Max(1, options.QueueCapacity)) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    public NotifyTarget Target => target;

    /// <summary>Told after each try (for a retry, once its timer is armed).</summary>
    public Action<DeliveryAttempt>? Attempted { get; init; }

    /// <summary>Never waits: false (and counted as dropped) when the queue is full or closed.</summary>
    public bool TryEnqueue(WatchNotification notification)
    {
        if (_queue.Writer.TryWrite(notification))
        {
            return true;
        }

        metrics.Dropped(target);
        LogDropped(logger, WatchNotification.KindText(notification.Kind), notification.Subject, target.Redacted, options.QueueCapacity);
        return false;
    }

    /// <summary>No more notifications: the queue drains and <see cref="RunAsync"/> ends.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Delivers until the queue is completed and empty. <paramref name="stopping"/> ends the waits between tries; <paramref name="abort"/> ends everything.</summary>
    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        try
        {
            await foreach (var notification in _queue.Reader.ReadAllAsync(abort))
            {
                try
                {
                    await DeliverAsync(notification, stopping, abort);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A bug: this notification is lost, the next ones are still sent. Only the type: the message may quote the URL.
                    metrics.Sent(target, "failed");
                    LogFailed(logger, WatchNotification.KindText(notification.Kind), notification.Subject, target.Redacted, 0, e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(WatchNotification notification, CancellationToken stopping, CancellationToken abort)
    {
        var (content, contentType) = body.Render(notification);
        var kind = WatchNotification.KindText(notification.Kind);
        for (var attempt = 1; ; attempt++)
        {
            var (ok, retryable, detail, retryAfter) = await PostAsync(content, contentType, abort);
            if (ok)
            {
                metrics.Sent(target, "delivered");
                LogDelivered(logger, kind, notification.Subject, target.Redacted, attempt);
                Attempted?.Invoke(new DeliveryAttempt(target.Redacted, notification, attempt, DeliveryOutcome.Delivered, detail, null));
                return;
            }

            if (!retryable || attempt >= options.Attempts || stopping.IsCancellationRequested)
            {
                metrics.Sent(target, "failed");
                LogFailed(logger, kind, notification.Subject, target.Redacted, attempt, detail);
                Attempted?.Invoke(new DeliveryAttempt(target.Redacted, notification, attempt, DeliveryOutcome.Failed, detail, null));
                return;
            }

            var delay = Backoff(attempt, retryAfter);
            var wait = Task.Delay(delay, time, stopping);
            LogRetrying(logger, kind, notification.Subject, target.Redacted, attempt, detail, DurationText.Format(delay));
            Attempted?.Invoke(new DeliveryAttempt(target.Redacted, notification, attempt, DeliveryOutcome.Retrying, detail, delay));
            try
            {
                await wait;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopping: one last try, without waiting further.
            }
        }
    }

    private async Task<(bool Ok, bool Retryable, string Detail, TimeSpan? RetryAfter)> PostAsync(byte[] content, string contentType, CancellationToken abort)
    {
        using var timeout = new CancellationTokenSource(options.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(abort, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(content) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            var retryable = status is 408 or 429 or >= 500;
            return (response.IsSuccessStatusCode, retryable, $"HTTP {status}", RetryAfter(response));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            return (false, true, $"no response within {DurationText.Format(options.Timeout)}", null);
        }
        catch (HttpRequestException e)
        {
            // Only the kind of error: an exception's message may quote the URL, and the URL is a secret.
            return (false, true, $"request failed ({e.HttpRequestError})", null);
        }
    }

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = TimeSpan.FromTicks(Math.Min(options.BackoffMax.Ticks, options.BackoffBase.Ticks * (1L << Math.Min(attempt - 1, 30))));
        return retryAfter is { } after && after > exponential ? (after < options.BackoffMax ? after : options.BackoffMax) : exponential;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow(),
        _ => null,
    };

    [LoggerMessage(EventId = 40, EventName = "NotificationDelivered", Level = LogLevel.Information,
        Message = "Notification {Kind} for {Subject} delivered to {Target} (try {Attempt})")]
    private static partial void LogDelivered(ILogger logger, string kind, string subject, string target, int attempt);

    [LoggerMessage(EventId = 41, EventName = "NotificationRetrying", Level = LogLevel.Warning,
        Message = "Notification {Kind} for {Subject} to {Target}: try {Attempt} failed ({Detail}); retrying in {RetryIn}")]
    private static partial void LogRetrying(ILogger logger, string kind, string subject, string target, int attempt, string detail, string retryIn);

    [LoggerMessage(EventId = 42, EventName = "NotificationFailed", Level = LogLevel.Error,
        Message = "Notification {Kind} for {Subject} to {Target} failed after {Attempt} try(s): {Detail}")]
    private static partial void LogFailed(ILogger logger, string kind, string subject, string target, int attempt, string detail);

    [LoggerMessage(EventId = 43, EventName = "NotificationDropped", Level = LogLevel.Warning,
        Message = "Notification {Kind} for {Subject} to {Target} dropped: {Capacity} are already waiting")]
    private static partial void LogDropped(ILogger logger, string kind, string subject, string target, int capacity);
}
