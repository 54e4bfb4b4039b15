using TenantReconciler.Applying;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Reconciling;

/// <summary>
/// What one reconcile is about: the registrations to list, and the desired state for them. Usually the desired state
/// is known before listing (<see cref="For"/>); an undo derives it from the listing and the journal.
/// </summary>
public sealed record ReconcileRequest(IReadOnlyList<RegistrationRef> Registrations, Func<IReadOnlyList<LiveRegistration>, DesiredState> DesiredFor)
{
    /// <summary>The desired state when it is known before listing (<see cref="For"/>): its stamps are read beside the listing.</summary>
    public DesiredState? KnownDesired { get; init; }

    public static ReconcileRequest For(DesiredState desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        return new(desired.Registrations.Select(r => r.Registration).ToArray(), _ => desired) { KnownDesired = desired };
    }
}

/// <summary>
/// The plan a reviewer approved (from a saved plan): the run must re-derive exactly it, from the same listings, and the
/// journal must hold its issue: <paramref name="PlanId"/> with <paramref name="ContentHash"/>, the SHA-256 of the saved content.
/// </summary>
public sealed record ApprovedPlan(Guid PlanId, string ContentHash, Plan Plan, IReadOnlyDictionary<RegistrationRef, string> Fingerprints);

/// <summary>
/// How a run may write: the only thing that differs between <c>apply</c> and <c>watch</c>. Every field comes from the
/// command line or the caller's state (leadership, a lease), never from the plan file; the file under review can only
/// tighten the guards (see <see cref="PruneGuards.Threshold"/>) and suspend the run.
/// </summary>
public sealed record ReconcilePolicy
{
    public WriteScope Scope { get; init; } = WriteScope.Full;

    /// <summary>The command line's guard overrides (<c>--allow-empty</c>, <c>--max-removals</c>, <c>--confirm-removals</c>).</summary>
    public GuardOverrides Guards { get; init; } = new();

    /// <summary>Suspended by the caller (<c>watch --suspend</c>), as well as by the file's <c>suspend: true</c>.</summary>
    public bool Suspended { get; init; }

    /// <summary><c>--ignore-suspend</c>: write although the file says <c>suspend: true</c>.</summary>
    public bool IgnoreSuspend { get; init; }

    /// <summary>With a saved plan: what the re-derived plan must equal.</summary>
    public ApprovedPlan? Approved { get; init; }

    public int Parallelism { get; init; } = ApplyOptions.DefaultParallelism;

    /// <summary>
    /// "Start nothing new": the service is stopping, or a lease is about to lapse. Requests in flight finish; what was
    /// not started is reported as not attempted.
    /// </summary>
    public CancellationToken StopStarting { get; init; }

    /// <summary>Records the apply (the journal): it claims the approved plan's id before the first request.</summary>
    public IApplyRecorder? Recorder { get; init; }

    /// <summary>Asked, once the plan passed every check, whether to write it (an interactive confirmation). Null: yes.</summary>
    public Func<ReconcileReview, CancellationToken, ValueTask<bool>>? Approve { get; init; }

    /// <summary>Told about each request as it starts and ends (progress, logs), besides the <see cref="Recorder"/>.</summary>
    public IApplyObserver? Observer { get; init; }

    /// <summary>The requeue delay suggested after a transient failure.</summary>
    public TimeSpan TransientRequeueAfter { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>What the approval is asked about: the full plan, and what of it this run writes.</summary>
public sealed record ReconcileReview(DesiredState Desired, Plan Plan, Plan Permitted);

/// <summary>The journal's side of an apply, as the engine drives it.</summary>
public interface IApplyRecorder : IApplyObserver
{
    /// <summary>
    /// Before the first request. With <paramref name="approved"/>, records with a conditional write that the saved plan
    /// is being applied; throws <see cref="ReconcilerException"/> when it was not issued with that content, or was
    /// applied before, from any machine.
    /// </summary>
    Task BeginAsync(Plan plan, ApprovedPlan? approved, CancellationToken cancellationToken);

    Task EndAsync(ApplyResult result, CancellationToken cancellationToken);
}
