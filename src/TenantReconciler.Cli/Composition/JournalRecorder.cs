using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The engine's <see cref="IApplyRecorder"/> over a <see cref="JournalStore"/>: before the first request it opens the
/// journal, claims the approved plan's id with a conditional write (refused unless the journal issued the plan with
/// this very content, or if it was applied before, from any machine), and records the start; then it journals every request, each entry naming the endpoint.
/// </summary>
public sealed class JournalRecorder(JournalStore store, string endpoint, TimeProvider time) : IApplyRecorder, IAsyncDisposable
{
    private IApplyJournal? _journal;

    public async Task BeginAsync(Plan plan, ApprovedPlan? approved, CancellationToken cancellationToken)
    {
        _journal = await store.OpenAsync(new JournalOpenOptions(endpoint, time), cancellationToken);
        if (approved is not null)
        {
            await _journal.ClaimPlanAsync(approved.PlanId, approved.ContentHash, cancellationToken);
        }

        await _journal.StartedAsync(plan, cancellationToken);
    }

    public Task EndAsync(ApplyResult result, CancellationToken cancellationToken) =>
        _journal?.FinishedAsync(result, cancellationToken) ?? Task.CompletedTask;

    public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken) =>
        Journal.OnStartingAsync(registration, operation, cancellationToken);

    public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
        Journal.OnCompletedAsync(registration, operation, result, error, cancellationToken);

    public ValueTask DisposeAsync() => _journal?.DisposeAsync() ?? ValueTask.CompletedTask;

    private IApplyJournal Journal => _journal ?? throw new InvalidOperationException("The journal is written only after BeginAsync.");

    /// <summary>What the journal records as the endpoint of a session: the ARM endpoint, or <c>emulator</c>.</summary>
    public static string EndpointOf(ArmSession session) =>
        session.Emulator is not null ? JournalOpenOptions.EmulatorEndpoint : session.Connection.Endpoint.GetLeftPart(UriPartial.Authority);
}
