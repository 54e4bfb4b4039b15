using System.Globalization;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TenantReconciler.Cli.Watch.Notifications;

/// <summary>
/// Shapes a notification's body: a CloudEvents 1.0 event in structured mode (<c>application/cloudevents+json</c>,
/// its <c>data</c> a documented JSON object), or a Slack incoming-webhook message. Pure.
/// </summary>
public sealed class NotificationBody(NotificationFormat format, string replica)
{
    /// <summary>The CloudEvents <c>source</c>: this tool and replica.</summary>
    public Uri Source { get; } = new("/tenant-reconciler/watch/" + Uri.EscapeDataString(replica), UriKind.Relative);

    public (byte[] Content, string ContentType) Render(WatchNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return format == NotificationFormat.Slack
            ? (JsonSerializer.SerializeToUtf8Bytes(new SlackMessage(SlackText(notification)), NotificationJsonContext.Default.SlackMessage), "application/json; charset=utf-8")
            : CloudEvent(notification);
    }

    public (byte[] Content, string ContentType) CloudEvent(WatchNotification notification)
    {
        var data = Data(notification);
        var content = CloudEventEnvelope.Write(
            notification.Id, Source, notification.Type, notification.Subject, notification.Time, MediaTypeNames.Application.Json,
            json => JsonSerializer.Serialize(json, data, NotificationJsonContext.Default.NotificationData));
        return (content, CloudEventEnvelope.ContentType);
    }

    public NotificationData Data(WatchNotification notification) => new(
        WatchNotification.KindText(notification.Kind),
        notification.Registration is { } r ? new NotificationRegistration(r.Name, r.SubscriptionId.ToString("D"), r.ResourceGroup, r.Id.ToString()) : null,
        notification.File,
        notification.Reason,
        notification.Message,
        notification.Generation,
        notification.Tick,
        replica,
        new NotificationChanges(notification.ChangeCount, notification.Changes, notification.ChangeCount > notification.Changes.Count));

    /// <summary>Slack's mrkdwn: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> escaped, the changes as a list.</summary>
    public string SlackText(WatchNotification notification)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"*tenant-reconciler* ({Escape(replica)}): *{Title(notification.Kind)}* for `{Escape(notification.Subject)}`\n");
        text.Append(Escape(notification.Message));
        if (notification.Generation is { } generation)
        {
            text.Append(CultureInfo.InvariantCulture, $"\ngeneration `{Escape(generation)}`");
        }

        foreach (var change in notification.Changes)
        {
            text.Append("\n• ").Append(Escape(change));
        }

        if (notification.ChangeCount > notification.Changes.Count)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n… and {notification.ChangeCount - notification.Changes.Count} more");
        }

        return text.ToString();
    }

    private static string Title(NotificationKind kind) => kind switch
    {
        NotificationKind.DriftDetected => "Drift detected",
        NotificationKind.DriftCorrected => "Drift corrected",
        NotificationKind.ApplyFailed => "Apply failed",
        NotificationKind.Recovered => "Recovered",
        NotificationKind.Stalled => "Stalled",
        NotificationKind.GuardRefused => "Guard refused",
        NotificationKind.BillingLeak => "Billing leak",
        _ => "Desired-state file invalid",
    };

    /// <summary>Slack's three control characters escaped, after <see cref="OutsideText"/> (a message may quote ARM).</summary>
    private static string Escape(string text) =>
        OutsideText.Sanitize(text).Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

/// <summary>The CloudEvents <c>data</c> (camelCase JSON): a contract.</summary>
public sealed record NotificationData(
    string Kind,
    NotificationRegistration? Registration,
    string File,
    string Reason,
    string Message,
    string? Generation,
    long Tick,
    string Replica,
    NotificationChanges Changes);

public sealed record NotificationRegistration(string Name, string SubscriptionId, string ResourceGroup, string Id);

public sealed record NotificationChanges(int Total, IReadOnlyList<string> Listed, bool Truncated);

public sealed record SlackMessage(string Text);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(NotificationData))]
[JsonSerializable(typeof(SlackMessage))]
internal sealed partial class NotificationJsonContext : JsonSerializerContext;
