using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Applying;

/// <summary>
/// Executes a plan: per registration every PUT before any DELETE. A failed request fails its change and the independent
/// changes still run; a move's DELETE is not sent when its PUT failed. Cancellation stops new requests from starting;
/// what did not start is reported as not attempted.
/// </summary>
public sealed class PlanApplier
{
    private readonly ICustomerSubscriptionClient _client;
    private readonly IApplyObserver _observer;

    public PlanApplier(ICustomerSubscriptionClient client, IApplyObserver? observer = null)
    {
        _client = client;
        _observer = observer ?? NullApplyObserver.Instance;
    }

    public async Task<ApplyResult> ApplyAsync(Plan plan, CancellationToken cancellationToken)
    {
        var results = new List<ChangeResult>();
        foreach (var registration in plan.Registrations)
        {
            results.AddRange(await ApplyRegistrationAsync(registration, cancellationToken));
        }

        return new ApplyResult(results);
    }

    private async Task<IReadOnlyList<ChangeResult>> ApplyRegistrationAsync(RegistrationPlan plan, CancellationToken cancellationToken)
    {
        var pending = plan.PendingChanges.ToArray();
        var failures = new Dictionary<PlannedChange, ArmRequestException>(ReferenceEqualityComparer.Instance);
        var completed = new Dictionary<PlannedChange, int>(ReferenceEqualityComparer.Instance);
        var lastRequestId = new Dictionary<PlannedChange, string?>(ReferenceEqualityComparer.Instance);

        foreach (var operation in plan.Operations())
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (failures.ContainsKey(operation.Change))
            {
                continue;
            }

            try
            {
                await _observer.OnStartingAsync(plan.Registration, operation, cancellationToken);
                var result = operation.Kind == OperationKind.Put
                    ? await _client.PutAsync(plan.Registration, operation.CustomerSubscriptionName, operation.TenantId!.Value, cancellationToken)
                    : await _client.DeleteAsync(plan.Registration, operation.CustomerSubscriptionName, cancellationToken);
                completed[operation.Change] = completed.GetValueOrDefault(operation.Change) + 1;
                lastRequestId[operation.Change] = result.RequestId;
                await _observer.OnCompletedAsync(plan.Registration, operation, result, null, cancellationToken);
            }
            catch (ArmRequestException e)
            {
                failures[operation.Change] = e;
                await _observer.OnCompletedAsync(plan.Registration, operation, null, e, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return pending.Select(change => Outcome(plan.Registration, change)).ToArray();

        ChangeResult Outcome(RegistrationRef registration, PlannedChange change)
        {
            if (failures.TryGetValue(change, out var e))
            {
                return new ChangeResult(registration, change, ChangeOutcome.Failed, e.Message, e.ErrorCode, e.RequestId);
            }

            var needed = change.IsMove ? 2 : 1;
            var done = completed.GetValueOrDefault(change);
            return done == needed
                ? new ChangeResult(registration, change, ChangeOutcome.Done, RequestId: lastRequestId.GetValueOrDefault(change))
                : new ChangeResult(registration, change, ChangeOutcome.NotAttempted,
                    done > 0 ? "interrupted after the PUT; the old subscription was not deleted" : null);
        }
    }
}
