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
/// One registration's health: a phase, a PascalCase <see cref="Reason"/> (as Kubernetes condition reasons are) and a
/// one-line message. Decided by <see cref="OutcomeMapping.Health"/> only; used by the status store and the notifier alike.
/// </summary>
public sealed record RegistrationHealth(HealthPhase Phase, string Reason, string Message)
{
    public const string InvalidFileReason = "DesiredStateInvalid";

    public static readonly RegistrationHealth NotYetReconciled = new(HealthPhase.Pending, "Progressing", "no tick has reconciled it yet");
}

/// <summary>A Kubernetes-style condition (kstatus): <c>Ready</c> always; <c>Reconciling</c> and <c>Stalled</c> only when true.</summary>
public sealed record StatusCondition(string Type, string Status, string Reason, string Message, DateTimeOffset LastTransitionTime)
{
    /// <summary>
    /// This condition, with the time of its last transition kept from the one of its type in <paramref name="previous"/>
    /// when its status has not changed since (a condition's time moves only when its status does).
    /// </summary>
    public StatusCondition KeepingTransitionOf(IEnumerable<StatusCondition> previous) =>
        previous.FirstOrDefault(p => p.Type == Type && p.Status == Status) is { } kept ? this with { LastTransitionTime = kept.LastTransitionTime } : this;
}

/// <summary>The condition types of <c>/status</c> (<see cref="OutcomeMapping.Conditions"/> decides them).</summary>
public static class StatusConditions
{
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";
}
