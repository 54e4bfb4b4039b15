using System.Globalization;
using TenantReconciler.Applying;
using TenantReconciler.Cli.Watch.Notifications;
using TenantReconciler.Desired;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// The one place where <c>watch</c> decides what an engine outcome means, as Flux's controllers set their conditions
/// at each exit of <c>Reconcile</c>. Pure. From a <see cref="ReconcileOutcome"/> it decides, here and nowhere else:
/// <list type="bullet">
/// <item>the registration's result and why no write was made (<see cref="Report"/>): the <c>result</c> label of the
/// metrics and the log, <c>/status</c>'s <c>lastResult</c> and <c>blocked</c>, and whether it counts as a success
/// (<see cref="Succeeded"/>: readiness, <c>lastSuccessAt</c>, consecutive failures);</item>
/// <item>the next run (<see cref="RegistrationReport.Requeue"/>, the engine's hint; the schedule backs off on it);</item>
/// <item>its health (<see cref="Health"/>): a phase, a reason and a message, and so the conditions
/// (<see cref="Conditions"/>: Ready, Reconciling, Stalled), the <c>stalled</c> gauge and the notifications
/// (<see cref="Notification"/>);</item>
/// <item>who pays (<see cref="BillingLeak"/>): the <c>BillingLeak</c> condition (<see cref="BillingLeakCondition"/>)
/// and the unbilled gauges.</item>
/// </list>
/// The observers (<see cref="WatchStatus"/>, <see cref="WatchMetrics"/>, <see cref="BillingLeakMonitor"/>,
/// <see cref="TransitionDetector"/>) keep state from tick to tick; they decide nothing about a status.
/// </summary>
public static class OutcomeMapping
{
    /// <summary>One registration's tick, from the engine's outcome, in <paramref name="mode"/>, as leader or not.</summary>
    public static RegistrationReport Report(DesiredRegistration registration, ReconcileOutcome outcome, WatchMode mode, bool leader)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(outcome);
        var pending = outcome.Plan?.Registrations.SelectMany(r => r.PendingChanges).ToArray() ?? [];
        var withheld = mode == WatchMode.Full ? [] : pending.Where(c => c.Action == ChangeAction.Remove).ToArray();

        // What was written, as the full plan has it: in apply mode a move is written without its DELETE (withheld), and
        // is still a move, not an add, in the metrics, the notifications and /status.
        var planned = pending.ToDictionary(c => c.CustomerSubscriptionId);
        IReadOnlyList<ChangeResult> writes = (outcome.Applied?.Results ?? [])
            .Select(w => planned.TryGetValue(w.Change.CustomerSubscriptionId, out var change) ? w with { Change = change } : w)
            .ToArray();
        var notDone = writes.Where(w => w.Outcome != ChangeOutcome.Done).Select(w => w.Change);
        var failed = writes.Where(w => w.Outcome == ChangeOutcome.Failed).OrderByDescending(w => w.Transient).FirstOrDefault();
        return new RegistrationReport
        {
            Registration = registration.Registration,
            Result = outcome.Status switch
            {
                ReconcileStatus.InSync => RegistrationResult.InSync,
                ReconcileStatus.Applied => RegistrationResult.Applied,
                ReconcileStatus.Drift or ReconcileStatus.Suspended => RegistrationResult.Drift,
                ReconcileStatus.GuardRefused => RegistrationResult.GuardRefused,
                ReconcileStatus.ListFailed => RegistrationResult.ListFailed,
                ReconcileStatus.WriteFailed => RegistrationResult.WriteFailed,
                ReconcileStatus.Interrupted => RegistrationResult.Interrupted,
                _ => RegistrationResult.Error,
            },
            Detected = outcome.Plan?.Summary,
            Pending = outcome.Applied is null ? pending : [.. notDone, .. withheld],
            Blocked = outcome.Status switch
            {
                ReconcileStatus.InSync => WriteBlock.None,
                _ when mode == WatchMode.Observe && outcome.Plan is not null => WriteBlock.ObserveMode,
                ReconcileStatus.Suspended => WriteBlock.Suspended,
                _ when !leader && outcome.Plan is not null => WriteBlock.NotLeader,
                ReconcileStatus.GuardRefused => WriteBlock.Guard,
                _ => WriteBlock.None,
            },
            Withheld = withheld,
            Violations = outcome.Violations,
            Writes = writes,
            Error = outcome.Error is { } error ? WatchError.From(error)
                : failed is not null ? new WatchError(failed.Error ?? "the write failed", failed.ErrorCode, null, failed.RequestId, null, failed.Transient)
                : null,
            RequestIds = outcome.RequestIds,
            Requeue = outcome.Requeue,
            Billing = BillingLeak(registration, outcome),
        };
    }

    /// <summary>The registration was reconciled as intended (even if drift remains because writes are not allowed).</summary>
    public static bool Succeeded(RegistrationResult result) =>
        result is RegistrationResult.InSync or RegistrationResult.Applied or RegistrationResult.Drift;

    /// <summary>A bug in one registration's tick: contained, reported, and the others still run.</summary>
    public static RegistrationReport Bug(RegistrationRef registration, Exception exception) =>
        new() { Registration = registration, Result = RegistrationResult.Error, Error = WatchError.From(exception) };

    /// <summary>A registration's health after <paramref name="report"/>: the basis of its conditions and notifications.</summary>
    public static RegistrationHealth Health(RegistrationReport report)
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
        new(HealthPhase.Stalled, RegistrationHealth.InvalidFileReason, $"{file} is invalid ({problems} problem(s)); nothing is listed or written until it is fixed");

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

        return tick.Registrations.Select(r => (r.Registration, Health(r), (RegistrationReport?)r)).ToArray();
    }

    /// <summary>
    /// The conditions for <paramref name="health"/> (kstatus): <c>Ready</c> always, <c>Reconciling</c> and
    /// <c>Stalled</c> only when true. A condition keeps its <c>lastTransitionTime</c> while its status stays the same
    /// (reason and message may change); it takes <paramref name="now"/> when the status changes.
    /// </summary>
    public static IReadOnlyList<StatusCondition> Conditions(IReadOnlyList<StatusCondition> previous, RegistrationHealth health, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(health);
        var ready = health.Phase switch
        {
            HealthPhase.Converged => "True",
            HealthPhase.Pending => "Unknown",
            _ => "False",
        };
        var next = new List<StatusCondition> { Condition(StatusConditions.Ready, ready) };
        if (health.Phase is HealthPhase.Pending or HealthPhase.Retrying)
        {
            next.Add(Condition(StatusConditions.Reconciling, "True"));
        }

        if (health.Phase is HealthPhase.Stalled)
        {
            next.Add(Condition(StatusConditions.Stalled, "True"));
        }

        return next;

        StatusCondition Condition(string type, string status) =>
            new StatusCondition(type, status, health.Reason, health.Message, now).KeepingTransitionOf(previous);
    }

    /// <summary>
    /// The notification a change of health is worth (<paramref name="previous"/>: the phase, reason and drift seen last;
    /// <paramref name="wrote"/>: this tick wrote a change), or null: the same state again is no news.
    /// </summary>
    public static NotificationKind? Notification(
        (HealthPhase Phase, string Reason, string? Drift)? previous, RegistrationHealth health, string? drift, bool wrote)
    {
        ArgumentNullException.ThrowIfNull(health);
        var failing = previous?.Phase is HealthPhase.Retrying or HealthPhase.Stalled;
        return health.Phase switch
        {
            HealthPhase.Converged or HealthPhase.Drifted when failing => NotificationKind.Recovered,
            HealthPhase.Converged or HealthPhase.Drifted when wrote => NotificationKind.DriftCorrected,
            HealthPhase.Converged when previous?.Phase == HealthPhase.Drifted => NotificationKind.DriftCorrected,
            HealthPhase.Drifted when previous?.Phase != HealthPhase.Drifted || previous.Value.Drift != drift => NotificationKind.DriftDetected,
            HealthPhase.Retrying when previous?.Phase != HealthPhase.Retrying => NotificationKind.ApplyFailed,
            HealthPhase.Stalled when previous?.Phase != HealthPhase.Stalled || previous.Value.Reason != health.Reason =>
                health.Reason == "GuardRefused" ? NotificationKind.GuardRefused : NotificationKind.Stalled,
            _ => null,
        };
    }

    /// <summary>
    /// Who pays after this tick, for a registration with a <c>stamp:</c> (null without one): <c>audit</c>'s computation
    /// (<see cref="AuditBuilder"/>) on the listing after the tick's writes, or why it cannot be known.
    /// </summary>
    public static BillingLeakState? BillingLeak(DesiredRegistration registration, ReconcileOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(outcome);
        if (registration.Stamp is null)
        {
            return null;
        }

        var id = registration.Registration;

        // The mappings as they are after this tick: the re-listing after writes, else the listing the plan was made from.
        var live = outcome.Applied is null ? outcome.Live : outcome.Relisted;
        if (outcome.Desired is not { } desired || live is null || !live.Any(l => l.Registration.Equals(id)))
        {
            return Unknown(outcome.Applied is null
                ? "the live mappings were not listed" + (outcome.Error is { } error ? ": " + OutsideText.Sanitize(error.Message) : string.Empty)
                : "the live mappings were not listed again after the writes");
        }

        var report = outcome.Usage.FirstOrDefault(r => r.Registration.Equals(id));
        if (report is null)
        {
            return Unknown("the stamp's usage was not read");
        }

        if (!report.IsComplete)
        {
            return Unknown(OutsideText.Sanitize(report.Problem ?? "the stamp could not be read"));
        }

        var audit = AuditBuilder.Build(desired, live, [report], report.Window).Registrations.Single();
        AuditTenant[] unbilled = [.. audit.Unbilled.Concat(audit.DesiredNotRegistered)
            .OrderByDescending(t => t.Quantity)
            .ThenBy(t => t.TenantId.ToString("D"), StringComparer.Ordinal)];
        return new BillingLeakState(id, report.Window, unbilled, null);

        BillingLeakState Unknown(string reason) => new(id, null, null, reason);
    }

    /// <summary>The <c>BillingLeak</c> condition: True with the tenants, False when none, Unknown when usage cannot be read.</summary>
    public static StatusCondition BillingLeakCondition(BillingLeakState state, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(state);
        var registration = state.Registration;
        if (state.Unbilled is not { } unbilled)
        {
            return new StatusCondition(BillingLeakState.ConditionType, "Unknown", "UsageUnknown", "usage unknown: " + state.UnknownReason, since);
        }

        if (unbilled.Count == 0)
        {
            return new StatusCondition(BillingLeakState.ConditionType, "False", "NoUnbilledTenants", $"no tenant used this stamp {state.Window!.Between} without a mapping on {registration.Name}", since);
        }

        return new StatusCondition(
            BillingLeakState.ConditionType,
            "True",
            "UnbilledTenants",
            string.Create(CultureInfo.InvariantCulture, $"{unbilled.Count} tenant(s) used {StampReport.Units(state.Usage)} units of this stamp {state.Window!.Between} with no mapping on {registration.Name}: ")
                + $"their usage is billed to the registration subscription {registration.SubscriptionId:D} ({string.Join(", ", unbilled.Take(5).Select(t => t.TenantId.ToString("D")))}{(unbilled.Count > 5 ? ", …" : string.Empty)})",
            since);
    }

    /// <summary>A failure of the whole tick (or of one registration): transient ones are retried, others stall.</summary>
    private static RegistrationHealth Failure(RegistrationResult result, WatchError? error)
    {
        var message = error?.Message ?? $"{WatchStatus.Kebab(result)} without an error message";
        if (error?.Transient == true)
        {
            return new(HealthPhase.Retrying, result.ToString(), message);
        }

        return new(HealthPhase.Stalled, string.IsNullOrEmpty(error?.Code) ? result.ToString() : error.Code, message);
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
