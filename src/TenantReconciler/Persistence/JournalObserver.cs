using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Persistence;

/// <summary>
/// The apply journal as the engine's <see cref="IApplyObserver"/>, over a <see cref="JournalStore"/> (a local file or
/// an append blob). Each line of an apply, in order:
/// <list type="number">
/// <item><see cref="BeginAsync"/>: opens the journal; for a saved plan, <c>plan-claimed</c> with a conditional write
/// (refused unless the journal issued the plan with this very content, or if it was applied before, from any machine:
/// then nothing is sent); then <c>apply-started</c>;</item>
/// <item>every request: <c>request-started</c> before it is sent, <c>request-finished</c> after (with ARM's request id
/// and error), each written durably before the call returns;</item>
/// <item><see cref="EndAsync"/>: <c>apply-finished</c> with the counts (none when the apply stopped on a failure).</item>
/// </list>
/// Every entry names the apply, its number in the apply and <paramref name="endpoint"/> (<see cref="ApplyJournal"/>).
/// </summary>
public sealed class JournalObserver(JournalStore store, string endpoint, TimeProvider time) : IApplyObserver, IAsyncDisposable
{
    private IApplyJournal? _journal;

    public async Task BeginAsync(Plan plan, PlanClaim? claim, CancellationToken cancellationToken)
    {
        _journal = await store.OpenAsync(new JournalOpenOptions(endpoint, time), cancellationToken);
        if (claim is not null)
        {
            await _journal.ClaimPlanAsync(claim.PlanId, claim.ContentHash, cancellationToken);
        }

        await _journal.StartedAsync(plan, cancellationToken);
    }

    public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken) =>
        Journal.OnStartingAsync(registration, operation, cancellationToken);

    public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
        Journal.OnCompletedAsync(registration, operation, result, error, cancellationToken);

    public Task EndAsync(ApplyResult? result, CancellationToken cancellationToken) =>
        result is not null && _journal is { } journal ? journal.FinishedAsync(result, cancellationToken) : Task.CompletedTask;

    public ValueTask DisposeAsync() => _journal?.DisposeAsync() ?? ValueTask.CompletedTask;

    private IApplyJournal Journal => _journal ?? throw new InvalidOperationException("The journal is written only after BeginAsync.");
}
