using TenantReconciler.Applying;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Watch;

/// <summary>Where a registration stands after its last tick: the basis of its conditions and of its notifications.</summary>
public enum HealthPhase
{
    /// <summary>Not reconciled yet.</summary>
    Pending,

    /// <summary>Live matches desired (as far as the mode writes).</summary>
    Converged,

    /// <summary>Reconciled, but drift is left on purpose: observe mode, suspended, not the leader, or removals withheld.</summary>
    Drifted,

    /// <summary>Failed for a transient reason (throttling, a server error, no response, interrupted): retried with back-off.</summary>
    Retrying,

    /// <summary>Failed for a reason a retry will not fix (403, invalid file, a guard refusal, a bug): needs a human.</summary>
    Stalled,
}

/// <summary>
/// One registration's health, judged from its last report: a phase, a PascalCase <see cref="Reason"/> (as Kubernetes
/// condition reasons are) and a one-line message. Pure: used by the status store and by the notifier alike.
/// </summary>
public sealed record RegistrationHealth(HealthPhase Phase, string Reason, string Message)
{
    public const string InvalidFileReason = "DesiredStateInvalid";

    public static readonly RegistrationHealth NotYetReconciled = new(HealthPhase.Pending, "Progressing", "no tick has reconciled it yet");

    public static RegistrationHealth Of(RegistrationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var done = report.Count(ChangeOutcome.Done);
        var pending = report.PendingSummary;
        return report.Result switch
        {
            RegistrationResult.InSync => new(HealthPhase.Converged, "InSync", "live matches desired"),
            RegistrationResult.Applied when report.Pending.Count == 0 =>
                new(HealthPhase.Converged, "Applied", $"wrote {done} change(s); live matches desired"),
            RegistrationResult.Applied =>
                new(HealthPhase.Drifted, "RemovalsWithheld", $"wrote {done} change(s); {Describe(pending)} left: removals are withheld by --mode apply"),
            RegistrationResult.Drift => Drifted(report, pending),
            RegistrationResult.GuardRefused =>
                new(HealthPhase.Stalled, "GuardRefused", "a prune guard refused the plan: " + string.Join("; ", report.Violations)),
            RegistrationResult.Interrupted => new(HealthPhase.Retrying, "Interrupted", "the service stopped during the writes"),
            _ => Failure(report.Result, report.Error),
        };
    }

    /// <summary>Every known registration while the desired-state file is invalid.</summary>
    public static RegistrationHealth InvalidFile(string file, int problems) =>
        new(HealthPhase.Stalled, InvalidFileReason, $"{file} is invalid ({problems} problem(s)); nothing is listed or written until it is fixed");

    /// <summary>A failure of the whole tick (or of one registration): transient ones are retried, others stall.</summary>
    public static RegistrationHealth Failure(RegistrationResult result, WatchError? error)
    {
        var message = error?.Message ?? $"{WatchStatus.Kebab(result)} without an error message";
        if (error?.Transient == true)
        {
            return new(HealthPhase.Retrying, result.ToString(), message);
        }

        return new(HealthPhase.Stalled, string.IsNullOrEmpty(error?.Code) ? result.ToString() : error.Code, message);
    }

    /// <summary>
    /// The health of each registration a tick judged: every known one when the file was invalid or the tick failed as a
    /// whole, else those that were due. Registrations not due keep their last health.
    /// </summary>
    public static IReadOnlyList<(RegistrationRef Registration, RegistrationHealth Health, RegistrationReport? Report)> Judge(
        TickReport tick, IReadOnlyList<RegistrationRef> known)
    {
        ArgumentNullException.ThrowIfNull(tick);
        ArgumentNullException.ThrowIfNull(known);
        if (tick.Diagnostics.Count > 0)
        {
            var invalid = InvalidFile(tick.File, tick.Diagnostics.Count);
            return known.Select(r => (r, invalid, (RegistrationReport?)null)).ToArray();
        }

        if (tick.Error is { } error && tick.Registrations.Count == 0)
        {
            var failed = Failure(RegistrationResult.Error, error) with { Reason = error.Transient ? "TickFailed" : error.Code ?? "TickFailed" };
            return (tick.Desired ?? known).Select(r => (r, failed, (RegistrationReport?)null)).ToArray();
        }

        return tick.Registrations.Select(r => (r.Registration, Of(r), (RegistrationReport?)r)).ToArray();
    }

    private static RegistrationHealth Drifted(RegistrationReport report, PlanSummary pending)
    {
        var (reason, why) = report.Blocked switch
        {
            WriteBlock.ObserveMode => ("ObserveMode", "--mode observe writes nothing"),
            WriteBlock.Suspended => ("Suspended", "writes are suspended"),
            WriteBlock.NotLeader => ("NotLeader", "another replica holds the lease"),
            _ => ("RemovalsWithheld", "removals are withheld by --mode apply"),
        };
        return new(HealthPhase.Drifted, reason, $"{Describe(pending)} pending, not written: {why}");
    }

    private static string Describe(PlanSummary summary) =>
        $"{summary.Add + summary.Overwrite + summary.Remove} change(s) (+{summary.Add} ~{summary.Overwrite} -{summary.Remove})";
}

/// <summary>A Kubernetes-style condition (kstatus): <c>Ready</c> always; <c>Reconciling</c> and <c>Stalled</c> only when true.</summary>
public sealed record StatusCondition(string Type, string Status, string Reason, string Message, DateTimeOffset LastTransitionTime);

public static class StatusConditions
{
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";

    /// <summary>
    /// The conditions for <paramref name="health"/>. A condition keeps its <c>lastTransitionTime</c> while its status
    /// stays the same (reason and message may change); it takes <paramref name="now"/> when the status changes.
    /// </summary>
    public static IReadOnlyList<StatusCondition> Next(IReadOnlyList<StatusCondition> previous, RegistrationHealth health, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(health);
        var ready = health.Phase switch
        {
            HealthPhase.Converged => "True",
            HealthPhase.Pending => "Unknown",
            _ => "False",
        };
        var next = new List<StatusCondition> { Condition(Ready, ready) };
        if (health.Phase is HealthPhase.Pending or HealthPhase.Retrying)
        {
            next.Add(Condition(Reconciling, "True"));
        }

        if (health.Phase is HealthPhase.Stalled)
        {
            next.Add(Condition(Stalled, "True"));
        }

        return next;

        StatusCondition Condition(string type, string status)
        {
            var since = previous.FirstOrDefault(c => c.Type == type && c.Status == status)?.LastTransitionTime ?? now;
            return new StatusCondition(type, status, health.Reason, health.Message, since);
        }
    }
}
