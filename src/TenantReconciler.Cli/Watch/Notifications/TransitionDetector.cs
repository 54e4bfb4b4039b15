using TenantReconciler.Applying;
using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Watch.Notifications;

/// <summary>
/// Turns the loop's tick reports into notifications on transitions only: it remembers each registration's last
/// <see cref="RegistrationHealth"/> (and the drift it left) and the file's validity; which change is worth which
/// notification is <see cref="OutcomeMapping.Notification"/>'s. A converged
/// tick after a converged tick, the same drift seen again, the same failure again: nothing. Only the leader notifies
/// (every replica ticks, one speaks), but every replica keeps track, so a new leader does not repeat the past.
/// Pure and single-threaded: called on the loop.
/// </summary>
public sealed class TransitionDetector
{
    private readonly Dictionary<RegistrationRef, Seen> _seen = [];
    private IReadOnlyList<RegistrationRef> _known = [];
    private bool _invalid;
    private string? _invalidGeneration;

    public IReadOnlyList<WatchNotification> Next(TickReport tick, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tick);
        var found = new List<WatchNotification>();
        if (tick.Desired is not null)
        {
            _known = tick.Desired;
            foreach (var gone in _seen.Keys.Except(_known).ToArray())
            {
                _seen.Remove(gone);
            }
        }

        if (tick.Diagnostics.Count > 0)
        {
            if (!_invalid || !string.Equals(_invalidGeneration, tick.DesiredSha256, StringComparison.Ordinal))
            {
                var health = OutcomeMapping.InvalidFile(tick.File, tick.Diagnostics.Count);
                found.Add(FileEvent(tick, now, NotificationKind.FileInvalid, health.Reason, health.Message, tick.Diagnostics.Select(d => d.ToString(Commands.Options.OptionNames.Instance)).ToArray()));
            }

            _invalid = true;
            _invalidGeneration = tick.DesiredSha256;
            return tick.Leader ? found : [];
        }

        if (_invalid && tick.Desired is not null)
        {
            _invalid = false;
            found.Add(FileEvent(tick, now, NotificationKind.Recovered, "DesiredStateValid", $"{tick.File} is valid again", []));
        }

        foreach (var (registration, health, report) in OutcomeMapping.Judge(tick, _known))
        {
            var drift = health.Phase == HealthPhase.Drifted && report is not null ? Fingerprint(report.Pending) : null;
            var previous = _seen.GetValueOrDefault(registration);
            _seen[registration] = new Seen(health.Phase, health.Reason, drift);
            foreach (var kind in Transitions(previous, health, drift, report))
            {
                found.Add(RegistrationEvent(tick, now, kind, registration, health, report));
            }
        }

        return tick.Leader ? found : [];
    }

    /// <summary>
    /// The transition, and after writes that left drift on purpose (removals withheld by <c>--mode apply</c>) also the
    /// drift it left, when that is new: the writes are corrected drift, the withheld removals detected drift.
    /// </summary>
    private static IEnumerable<NotificationKind> Transitions(Seen? previous, RegistrationHealth health, string? drift, RegistrationReport? report)
    {
        var kind = Transition(previous, health, drift, report);
        if (kind is { } first)
        {
            yield return first;
        }

        if (kind is NotificationKind.DriftCorrected or NotificationKind.Recovered && health.Phase == HealthPhase.Drifted && drift is { Length: > 0 }
            && previous?.Drift != drift)
        {
            yield return NotificationKind.DriftDetected;
        }
    }

    private static NotificationKind? Transition(Seen? previous, RegistrationHealth health, string? drift, RegistrationReport? report) =>
        OutcomeMapping.Notification(previous is null ? null : (previous.Phase, previous.Reason, previous.Drift), health, drift, wrote: report?.Count(ChangeOutcome.Done) > 0);

    private static WatchNotification RegistrationEvent(
        TickReport tick, DateTimeOffset now, NotificationKind kind, RegistrationRef registration, RegistrationHealth health, RegistrationReport? report)
    {
        IReadOnlyList<PlannedChange> changes = report is null ? [] : kind switch
        {
            NotificationKind.DriftCorrected or NotificationKind.Recovered =>
                report.Writes.Where(w => w.Outcome == ChangeOutcome.Done).Select(w => w.Change).ToArray(),
            NotificationKind.ApplyFailed or NotificationKind.Stalled when report.Writes.Count > 0 =>
                report.Writes.Where(w => w.Outcome != ChangeOutcome.Done).Select(w => w.Change).ToArray(),
            _ => report.Pending,
        };
        return new WatchNotification
        {
            Id = Guid.NewGuid().ToString("D"),
            Kind = kind,
            Time = now,
            Subject = registration.Name,
            Registration = registration,
            File = tick.File,
            Reason = health.Reason,
            Message = kind == NotificationKind.Recovered ? "recovered: " + health.Message : health.Message,
            Generation = tick.DesiredSha256,
            Tick = tick.Number,
            Changes = changes.Take(WatchNotification.MaxListedChanges).Select(c => PlanDeltaText.Describe(c).Trim()).ToArray(),
            ChangeCount = changes.Count,
        };
    }

    private static WatchNotification FileEvent(TickReport tick, DateTimeOffset now, NotificationKind kind, string reason, string message, IReadOnlyList<string> lines) => new()
    {
        Id = Guid.NewGuid().ToString("D"),
        Kind = kind,
        Time = now,
        Subject = tick.File,
        File = tick.File,
        Reason = reason,
        Message = message,
        Generation = tick.DesiredSha256,
        Tick = tick.Number,
        Changes = lines.Take(WatchNotification.MaxListedChanges).ToArray(),
        ChangeCount = lines.Count,
    };

    /// <summary>The drift left, as a key: the same drift seen again is no news; different drift is.</summary>
    private static string Fingerprint(IEnumerable<PlannedChange> pending) =>
        string.Join("|", pending.Select(c => $"{c.Action}:{c.CustomerSubscriptionId:D}:{c.TenantId:D}").Order(StringComparer.Ordinal));

    private sealed record Seen(HealthPhase Phase, string Reason, string? Drift);
}
