using TenantReconciler.Applying;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Stamps;

namespace TenantReconciler.Reconciling;

/// <summary>How a reconcile ended. Every status but <see cref="Applied"/> and <see cref="WriteFailed"/> made no write.</summary>
public enum ReconcileStatus
{
    /// <summary>Live matches desired: nothing to do.</summary>
    InSync,

    /// <summary>Every permitted change was written and a fresh listing shows none left.</summary>
    Applied,

    /// <summary>Drift, and the scope permits none of it (observe mode, not the leader, or only removals in apply mode).</summary>
    Drift,

    /// <summary><c>suspend: true</c> (or <c>watch --suspend</c>): nothing written.</summary>
    Suspended,

    /// <summary>A guard refused the full plan: nothing written in any registration.</summary>
    GuardRefused,

    /// <summary>The approved plan is not what the desired state and the live state give now: nothing written.</summary>
    PlanMismatch,

    /// <summary>The journal refused the approved plan's claim (not issued with this content, or applied before): nothing written.</summary>
    ClaimRefused,

    /// <summary>The approval was refused.</summary>
    NotApproved,

    /// <summary>A listing failed or was not certainly complete: nothing planned, nothing written anywhere.</summary>
    ListFailed,

    /// <summary>
    /// Writes were made, and some failed, or the fresh listing still shows permitted changes; or the writes stopped
    /// because the credential could not get a token (<see cref="ReconcileOutcome.Error"/>, no re-listing).
    /// </summary>
    WriteFailed,

    /// <summary>Stopped before the end (cancelled, the service stopping, a lease lapsing); what did not start is not attempted.</summary>
    Interrupted,
}

/// <summary>When to reconcile again.</summary>
public enum Requeue
{
    /// <summary>At the next regular run: nothing failed, or it failed for a reason a retry would meet again.</summary>
    AtInterval,

    /// <summary>Soon: the failure was transient.</summary>
    Retry,
}

/// <summary>
/// The outcome of one reconcile, as data: the engine never throws to signal drift, refusal or an ARM failure.
/// </summary>
public sealed record ReconcileOutcome
{
    public required ReconcileStatus Status { get; init; }

    public DesiredState? Desired { get; init; }

    /// <summary>The listings the plan was made from (empty when listing failed).</summary>
    public IReadOnlyList<LiveRegistration> Live { get; init; } = [];

    /// <summary>The stamps' reports the plan's usage came from (empty without a usage source or a <c>stamp:</c> block).</summary>
    public IReadOnlyList<StampReport> Usage { get; init; } = [];

    /// <summary>The fresh listings after the writes (null when nothing was written, or the re-listing failed).</summary>
    public IReadOnlyList<LiveRegistration>? Relisted { get; init; }

    /// <summary>The full plan (null when listing failed).</summary>
    public Plan? Plan { get; init; }

    /// <summary>Pending changes that the scope withholds (they count for the guards all the same).</summary>
    public IReadOnlyList<(RegistrationRef Registration, PlannedChange Change)> Withheld { get; init; } = [];

    /// <summary>Every guard the full plan trips (also reported when the scope would write none of it).</summary>
    public IReadOnlyList<GuardViolation> Violations { get; init; } = [];

    /// <summary>With <see cref="ReconcileStatus.PlanMismatch"/>: how the re-derived plan differs from the approved one.</summary>
    public PlanDelta? Mismatch { get; init; }

    /// <summary>With <see cref="ReconcileStatus.PlanMismatch"/>: the registrations whose listing changed since the plan.</summary>
    public IReadOnlyList<RegistrationRef> Stale { get; init; } = [];

    /// <summary>One result per permitted change (null when nothing was written).</summary>
    public ApplyResult? Applied { get; init; }

    /// <summary>The plan from a fresh listing after the writes (null when nothing was written, or the re-listing failed).</summary>
    public Plan? After { get; init; }

    /// <summary>The failure behind <see cref="ReconcileStatus.ListFailed"/>, <see cref="ReconcileStatus.ClaimRefused"/> or a failed re-listing.</summary>
    public ReconcilerException? Error { get; init; }

    /// <summary>
    /// The engine's requeue hint: <see cref="Requeue.Retry"/> when the failure is worth retrying soon (throttling, a
    /// server error, no response): the <see cref="Error"/> if there is one, else a failed write. When the retry comes is
    /// the caller's (watch backs off exponentially).
    /// </summary>
    public Requeue Requeue =>
        Error is not null
            ? Error is ArmRequestException { IsTransient: true } ? Requeue.Retry : Requeue.AtInterval
            : Applied?.Results.Any(r => r.Outcome == ChangeOutcome.Failed && r.Transient) == true ? Requeue.Retry : Requeue.AtInterval;

    /// <summary>The ARM request ids of the writes and of the failure, for the logs and a support case.</summary>
    public IReadOnlyList<string> RequestIds =>
        [.. (Applied?.Results ?? []).Select(r => r.RequestId).OfType<string>(), .. Error is ArmRequestException { RequestId: { } id } ? [id] : Array.Empty<string>()];
}
