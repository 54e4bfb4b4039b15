using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Reconciling;

/// <summary>Tells two observers about every request, the first (the journal) before the second (progress, logs).</summary>
internal sealed class ApplyObservers(IApplyObserver first, IApplyObserver second) : IApplyObserver
{
    public async ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
    {
        await first.OnStartingAsync(registration, operation, cancellationToken);
        await second.OnStartingAsync(registration, operation, cancellationToken);
    }

    public async ValueTask OnCompletedAsync(
        RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
    {
        await first.OnCompletedAsync(registration, operation, result, error, cancellationToken);
        await second.OnCompletedAsync(registration, operation, result, error, cancellationToken);
    }
}
