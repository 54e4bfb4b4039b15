using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Applying;

/// <summary>
/// Told about an apply: <see cref="BeginAsync"/> with the plan about to be written, every request before it is sent and
/// after it finished, and <see cref="EndAsync"/>. The journal (<c>Persistence/JournalObserver</c>), the progress of
/// <c>apply</c> and the log of <c>watch</c> are observers; <c>Reconciling/ApplyObservers</c> tells several in order.
/// Request calls may come from several threads at once (writes run in parallel); implementations must be thread-safe.
/// </summary>
public interface IApplyObserver
{
    /// <summary>
    /// Before the first request. With <paramref name="claim"/> (a saved plan), the journal records with a conditional
    /// write that the plan is being applied; a <see cref="ReconcilerException"/> refuses the apply: nothing is sent.
    /// </summary>
    Task BeginAsync(Plan plan, PlanClaim? claim, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The request is about to be sent.</summary>
    ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken);

    /// <summary>The request finished: <paramref name="result"/> on success, <paramref name="error"/> on failure.</summary>
    ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken);

    /// <summary>After the last request: one result per change, or null when the apply stopped on an unexpected failure.</summary>
    Task EndAsync(ApplyResult? result, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A saved plan's claim on the journal: its id, and the SHA-256 of its content as it was issued.</summary>
public sealed record PlanClaim(Guid PlanId, string ContentHash);
