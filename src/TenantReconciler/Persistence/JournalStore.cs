using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Persistence;

/// <summary>
/// Where the apply journal lives: a local JSON-lines file (<see cref="FileJournalStore"/>) or an Azure append blob
/// (<see cref="BlobJournalStore"/>), which makes a plan's single use hold across machines (CI runners).
/// </summary>
public abstract class JournalStore
{
    /// <summary>The journal's location, safe to print (never a key, a SAS or a connection string).</summary>
    public abstract string Describe();

    /// <summary>Opens the journal for one apply: its entries are appended, the existing ones are kept.</summary>
    /// <exception cref="ReconcilerException">The journal cannot be opened or created.</exception>
    public abstract Task<IApplyJournal> OpenAsync(JournalOpenOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Records that a saved plan was issued: <paramref name="planId"/> with the SHA-256 of its content
    /// (<c>SavedPlan.ContentHash</c>). <see cref="IApplyJournal.ClaimPlanAsync"/> accepts only a plan issued here with that hash.
    /// </summary>
    /// <exception cref="ReconcilerException">The journal cannot be written.</exception>
    public abstract Task IssuePlanAsync(Guid planId, string contentHash, TimeProvider time, CancellationToken cancellationToken);

    /// <summary>Every readable entry, in order, with the count of lines that could not be read (empty when there is no journal).</summary>
    public abstract Task<JournalContents> ReadAsync(CancellationToken cancellationToken);

    public override string ToString() => Describe();
}

/// <summary>How one apply's journal is opened.</summary>
/// <param name="Endpoint">Recorded in every entry: the ARM endpoint (<c>https://management.azure.com</c>) or <see cref="EmulatorEndpoint"/>.</param>
/// <param name="Time">The clock of the entries' times.</param>
public sealed record JournalOpenOptions(string Endpoint, TimeProvider Time)
{
    /// <summary>The endpoint recorded for the in-process emulator of <c>--emulator</c>.</summary>
    public const string EmulatorEndpoint = "emulator";
}

/// <summary>
/// One apply's journal, written by <see cref="JournalObserver"/>. Each request's entries are written durably before
/// the call returns, so a request is journalled before it is sent and its outcome before the next step. Thread-safe.
/// </summary>
public interface IApplyJournal : IAsyncDisposable
{
    /// <summary>The id of this apply, on every entry it writes.</summary>
    Guid ApplyId { get; }

    /// <summary>
    /// Records, with a write that cannot race, that <paramref name="planId"/> is being applied. Call it before the first
    /// request of an apply of a saved plan. The plan must have been issued in this journal
    /// (<see cref="JournalStore.IssuePlanAsync"/>) with exactly <paramref name="contentHash"/>.
    /// </summary>
    /// <exception cref="ReconcilerException">The plan was not issued here, was issued with another content, or was
    /// claimed before, by this or any other machine: nothing may be written.</exception>
    Task ClaimPlanAsync(Guid planId, string contentHash, CancellationToken cancellationToken);

    /// <summary>Records the start of the apply of <paramref name="plan"/>.</summary>
    Task StartedAsync(Plan plan, CancellationToken cancellationToken);

    /// <summary>Records the apply's outcome.</summary>
    Task FinishedAsync(ApplyResult result, CancellationToken cancellationToken);

    /// <summary>Records that the request is about to be sent.</summary>
    ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken);

    /// <summary>Records how the request finished: <paramref name="result"/> on success, <paramref name="error"/> on failure.</summary>
    ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken);
}
