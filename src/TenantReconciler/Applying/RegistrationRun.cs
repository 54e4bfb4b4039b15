using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Applying;

/// <summary>
/// One registration of the plan while it is applied: its requests, whether ARM locked it, which DELETEs may be sent
/// once the PUTs are done, and the result of each change folded from its requests.
/// </summary>
internal sealed class RegistrationRun
{
    private readonly OperationRun[] operations;
    private int locked;
    private readonly ILookup<PlannedChange, OperationRun> byChange;

    public RegistrationRun(RegistrationPlan plan)
    {
        Plan = plan;
        operations = plan.Operations().Select(operation => new OperationRun(operation)).ToArray();
        foreach (var operation in operations)
        {
            if (operation.Operation is { Kind: OperationKind.Put, TenantId: null })
            {
                throw new ArgumentException(
                    $"The plan of {plan.Registration.Id} has a PUT of {operation.Operation.CustomerSubscriptionName} without a tenant.",
                    nameof(plan));
            }
        }

        byChange = operations.ToLookup<OperationRun, PlannedChange>(o => o.Operation.Change, ReferenceEqualityComparer.Instance);
    }

    public RegistrationPlan Plan { get; }

    /// <summary>ARM refused a write with <c>ScopeLocked</c>: no further write of this registration starts.</summary>
    public bool Locked => Volatile.Read(ref locked) != 0;

    public void Lock() => Interlocked.Exchange(ref locked, 1);

    public IEnumerable<OperationRun> Puts => operations.Where(o => o.Operation.Kind == OperationKind.Put);

    /// <summary>Every DELETE, except a move's whose PUT did not succeed. Called once the PUTs are done.</summary>
    public IEnumerable<OperationRun> DeletesToSend() =>
        operations.Where(o => o.Operation.Kind == OperationKind.Delete
            && byChange[o.Operation.Change].All(other => other.Operation.Kind != OperationKind.Put || other.Status == OperationStatus.Succeeded));

    public IEnumerable<ChangeResult> Results() => Plan.PendingChanges.Select(Result);

    /// <summary>Failed if a request failed (or was cancelled in flight); done if all succeeded; else not attempted.</summary>
    private ChangeResult Result(PlannedChange change)
    {
        var registration = Plan.Registration;
        var runs = byChange[change].ToArray();
        if (runs.FirstOrDefault(o => o.Status is OperationStatus.Failed or OperationStatus.CancelledInFlight) is { Error: { } error })
        {
            return new ChangeResult(registration, change, ChangeOutcome.Failed, error.Message, error.ErrorCode, error.RequestId)
            {
                Transient = error.IsTransient && error.ErrorCode != PlanApplier.CancelledErrorCode,
            };
        }

        if (runs.Length > 0 && runs.All(o => o.Status == OperationStatus.Succeeded))
        {
            return new ChangeResult(registration, change, ChangeOutcome.Done, RequestId: runs[^1].Result!.RequestId);
        }

        return runs.Any(o => o.Status == OperationStatus.Succeeded)
            ? new ChangeResult(registration, change, ChangeOutcome.NotAttempted,
                runs.FirstOrDefault(o => o.SkipReason is not null)?.SkipReason is { } why
                    ? $"interrupted after the PUT; the old subscription was not deleted: {why}"
                    : "interrupted after the PUT; the old subscription was not deleted")
            : new ChangeResult(registration, change, ChangeOutcome.NotAttempted, runs.FirstOrDefault(o => o.SkipReason is not null)?.SkipReason);
    }
}
