namespace TenantReconciler.Cli.Watch.Notifications;

/// <summary>The transitions that are worth a notification. A tick that changes nothing sends none.</summary>
public enum NotificationKind
{
    DriftDetected,
    DriftCorrected,
    ApplyFailed,
    Recovered,
    Stalled,
    GuardRefused,
    FileInvalid,

    /// <summary>A tenant became unbilled: usage on the registration's stamp and no mapping (<see cref="BillingLeakTransitions"/>).</summary>
    BillingLeak,
}

/// <summary>One notification: what changed, for which registration (or for the file), at which generation of the file.</summary>
public sealed record WatchNotification
{
    /// <summary>At most this many changes (or diagnostics) are listed; <see cref="ChangeCount"/> is always complete.</summary>
    public const int MaxListedChanges = 20;

    /// <summary>Unique per notification, and the same on every retry (the CloudEvents <c>id</c>).</summary>
    public required string Id { get; init; }

    public required NotificationKind Kind { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>The registration's name, or the file's path for <see cref="NotificationKind.FileInvalid"/> and its recovery.</summary>
    public required string Subject { get; init; }

    /// <summary>Null when the notification is about the file.</summary>
    public RegistrationRef? Registration { get; init; }

    public required string File { get; init; }

    /// <summary>A PascalCase reason, as the registration's conditions show it.</summary>
    public required string Reason { get; init; }

    public required string Message { get; init; }

    /// <summary>The SHA-256 of the desired-state file the tick used.</summary>
    public string? Generation { get; init; }

    public long Tick { get; init; }

    /// <summary>The changes (or diagnostics), capped at <see cref="MaxListedChanges"/>.</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];

    public int ChangeCount { get; init; }

    /// <summary>The CloudEvents <c>type</c>: <c>tenant-reconciler.drift.detected</c> and so on.</summary>
    public string Type => "tenant-reconciler." + KindText(Kind);

    public static string KindText(NotificationKind kind) => kind switch
    {
        NotificationKind.DriftDetected => "drift.detected",
        NotificationKind.DriftCorrected => "drift.corrected",
        NotificationKind.ApplyFailed => "apply.failed",
        NotificationKind.Recovered => "recovered",
        NotificationKind.Stalled => "stalled",
        NotificationKind.GuardRefused => "guard.refused",
        NotificationKind.BillingLeak => "billing.leak",
        _ => "file.invalid",
    };
}
