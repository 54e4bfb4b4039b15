using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Composition;

/// <summary>The engine's <see cref="IApplyRecorder"/> over the apply journal: it claims the plan id, then journals every request.</summary>
public sealed class JournalRecorder(string path, TimeProvider time) : IApplyRecorder, IDisposable
{
    private ApplyJournal? _journal;

    public async Task BeginAsync(Plan plan, Guid? planId, CancellationToken cancellationToken)
    {
        if (planId is { } id && JournalReader.Read(path).ApplyOfPlan(id) is { } previous)
        {
            throw new ReconcilerException(
                $"plan {id:D} was already applied at {previous.Time:u} (journal {path}). A saved plan is single-use: run plan again.");
        }

        _journal = ApplyJournal.Open(path, planId, time);
        _journal.Started(plan);
        await Task.CompletedTask;
    }

    public Task EndAsync(ApplyResult result, CancellationToken cancellationToken)
    {
        _journal?.Finished(result);
        return Task.CompletedTask;
    }

    public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken) =>
        _journal!.OnStartingAsync(registration, operation, cancellationToken);

    public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
        _journal!.OnCompletedAsync(registration, operation, result, error, cancellationToken);

    public void Dispose() => _journal?.Dispose();
}
