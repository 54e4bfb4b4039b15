namespace TenantReconciler.Cli.Watch.Notifications;

/// <summary>The shape of a notification's body.</summary>
public enum NotificationFormat
{
    /// <summary>A CloudEvents 1.0 event in structured mode (<c>application/cloudevents+json</c>).</summary>
    CloudEvents,

    /// <summary>A Slack incoming-webhook message: <c>{"text": "..."}</c>.</summary>
    Slack,
}

/// <summary>
/// Where and how <c>watch --notify</c> sends its notifications. The knobs without a flag (queue, attempts, back-off,
/// timeout) keep their defaults outside tests.
/// </summary>
public sealed record NotifyArguments(IReadOnlyList<NotifyTarget> Targets, NotificationFormat Format)
{
    public static readonly NotifyArguments None = new([], NotificationFormat.CloudEvents);

    /// <summary>Notifications waiting per target; one more is dropped (and counted) rather than delay a tick.</summary>
    public int QueueCapacity { get; init; } = 100;

    /// <summary>Tries per notification, the first included.</summary>
    public int Attempts { get; init; } = 6;

    /// <summary>The wait after the first failed try; it doubles with each further one, up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one POST may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// One <c>--notify</c> URL. Webhook URLs carry their secret in the path or the query, so only <see cref="Redacted"/>
/// (scheme and host) is ever logged, shown or used as a metric label; <see cref="ToString"/> is redacted too.
/// </summary>
public sealed class NotifyTarget
{
    private NotifyTarget(Uri url)
    {
        Url = url;
        Redacted = $"{url.Scheme}://{url.Host}";
    }

    public Uri Url { get; }

    public string Redacted { get; }

    /// <summary>An absolute http or https URL, without user info.</summary>
    public static bool TryParse(string text, out NotifyTarget? target, out string? error)
    {
        target = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.Host.Length == 0)
        {
            error = "--notify must be an absolute http:// or https:// URL.";
            return false;
        }

        if (url.UserInfo.Length > 0)
        {
            error = $"--notify {url.Scheme}://{url.Host}: put no user name or password in the URL.";
            return false;
        }

        target = new NotifyTarget(url);
        error = null;
        return true;
    }

    public override string ToString() => Redacted;
}
