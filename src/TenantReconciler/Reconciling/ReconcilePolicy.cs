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
}

/// <summary>
/// What the caller does while a run is under way, the one thing the engine calls back: confirm the plan, be told about
/// the writes, and say when no new write may start. It never decides what is written: that is the
/// <see cref="ReconcilePolicy"/>'s, and data.
/// </summary>
public interface IReconcileCaller
{
    /// <summary>
    /// "Start nothing new": the service is stopping, a lease is about to lapse, or Ctrl+C. Requests in flight finish;
    /// what was not started is reported as not attempted.
    /// </summary>
    CancellationToken StopStarting { get; }

    /// <summary>Told about the writes (the journal first, then progress or logs: <see cref="ApplyObservers"/>), or null.</summary>
    IApplyObserver? Observer { get; }

    /// <summary>Asked, once the plan passed every check and before the first write, whether to write it (a prompt).</summary>
    ValueTask<bool> ConfirmAsync(ReconcileReview review, CancellationToken cancellationToken);
}

/// <summary>A caller that confirms every plan by itself (<c>watch</c>, a saved plan, tests).</summary>
public sealed class UnattendedCaller : IReconcileCaller
{
    /// <summary>Nothing observed, never stopped early.</summary>
    public static UnattendedCaller None { get; } = new();

    public CancellationToken StopStarting { get; init; }

    public IApplyObserver? Observer { get; init; }

    public ValueTask<bool> ConfirmAsync(ReconcileReview review, CancellationToken cancellationToken) => ValueTask.FromResult(true);
}

/// <summary>What the approval is asked about: the full plan, and what of it this run writes.</summary>
public sealed record ReconcileReview(DesiredState Desired, Plan Plan, Plan Permitted);
