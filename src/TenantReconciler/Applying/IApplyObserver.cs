using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Applying;

/// <summary>
/// Told about every request of an apply, before it is sent and after it finished, e.g. to write the apply journal.
/// Calls may come from several threads at once (writes run in parallel); implementations must be thread-safe.
/// </summary>
public interface IApplyObserver
{
    /// <summary>The request is about to be sent.</summary>
    ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken);

    /// <summary>The request finished: <paramref name="result"/> on success, <paramref name="error"/> on failure.</summary>
    ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken);
}

/// <summary>Observes nothing.</summary>
public sealed class NullApplyObserver : IApplyObserver
{
    public static NullApplyObserver Instance { get; } = new();

    public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
