using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Persistence;

/// <summary>
/// What every apply journal writes, whatever holds it: a plan-claimed entry, then apply-started, every request before
/// it is sent and after it finished, and apply-finished. Each entry carries the apply id, its number in the apply and
/// the ARM endpoint. It records changes and request ids only: never a token or a header.
/// </summary>
public abstract class ApplyJournal : IApplyJournal
{
    private readonly TimeProvider _time;
    private int _sequence = -1;
    private Guid? _planId;

    private protected ApplyJournal(string? endpoint, Guid? planId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Endpoint = endpoint;
        _planId = planId;
        _time = time;
    }

    public Guid ApplyId { get; } = Guid.NewGuid();

    /// <summary>The plan this apply claimed (or was opened with), if any.</summary>
    public Guid? PlanId => _planId;

    /// <summary>The endpoint recorded in every entry.</summary>
    public string? Endpoint { get; }

    /// <summary>Who this process is in a claim: machine and process id.</summary>
    public static string LocalWriter => LocalProcess.Name;

    public async Task ClaimPlanAsync(Guid planId, string contentHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        if (_planId is not null)
        {
            throw new InvalidOperationException($"this apply already has plan {_planId:D}; claim a plan once, before the first request.");
        }

        await ClaimAsync(NewEntry(JournalEntry.PlanClaimed) with { PlanId = planId, ContentHash = contentHash, Writer = LocalWriter }, cancellationToken);
        _planId = planId;
    }

    /// <summary>The entry that records the issue of a saved plan: its id, the SHA-256 of its content, who and when.</summary>
    public static JournalEntry IssueEntry(Guid planId, string contentHash, DateTimeOffset time)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        return new JournalEntry
        {
            Type = JournalEntry.PlanIssued,
            ApplyId = Guid.NewGuid(),
            Sequence = 0,
            PlanId = planId,
            ContentHash = contentHash,
            Time = time,
            Writer = LocalWriter,
        };
    }

    public Task StartedAsync(Plan plan, CancellationToken cancellationToken) => AppendAsync(
        NewEntry(JournalEntry.ApplyStarted) with
        {
            Done = 0,
            Failed = 0,
            NotAttempted = plan.Registrations.Sum(r => r.PendingChanges.Count()),
        },
        cancellationToken);

    public Task FinishedAsync(ApplyResult result, CancellationToken cancellationToken) => AppendAsync(
        NewEntry(JournalEntry.ApplyFinished) with
        {
            Done = result.Count(ChangeOutcome.Done),
            Failed = result.Count(ChangeOutcome.Failed),
            NotAttempted = result.Count(ChangeOutcome.NotAttempted),
        },
        cancellationToken);

    public async ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken) =>
        await AppendAsync(RequestEntry(JournalEntry.RequestStarted, registration, operation, "started"), cancellationToken);

    public async ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
        await AppendAsync(
            RequestEntry(JournalEntry.RequestFinished, registration, operation, error is null ? "done" : "failed") with
            {
                RequestId = result?.RequestId ?? error?.RequestId,
                ErrorCode = error?.ErrorCode,
                Error = error?.Message,
            },
            cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>Appends <paramref name="entry"/> durably (flushed, or committed by the storage service) before returning.</summary>
    private protected abstract Task AppendAsync(JournalEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="claim"/> only if its plan id was issued with the claim's content hash
    /// (<see cref="CheckIssued"/>) and was never claimed before, atomically with that check; otherwise throws.
    /// </summary>
    private protected abstract Task ClaimAsync(JournalEntry claim, CancellationToken cancellationToken);

    /// <summary>
    /// A plan is claimed only if <paramref name="issue"/> (the journal's record of it) exists and holds exactly the
    /// claim's content hash: an edited <c>planId</c> finds no issue, an edited content another hash.
    /// </summary>
    private protected static void CheckIssued(JournalEntry claim, JournalEntry? issue, string journal)
    {
        var planId = claim.PlanId!.Value;
        if (issue is null)
        {
            throw new ReconcilerException(OptionText.Of(
                $"plan {planId:D} was not issued by the journal {journal}: apply accepts only a plan that '{UserOption.PlanOut}' (or 'undo') saved with the same {UserOption.Journal}. " +
                $"Was its planId edited, or was it made with another journal? Run plan again with the journal that apply uses."));
        }

        if (!string.Equals(issue.ContentHash, claim.ContentHash, StringComparison.Ordinal))
        {
            throw new ReconcilerException(
                $"plan {planId:D} is not the plan that was issued (journal {journal}): its content was edited after it was saved " +
                $"(it hashes to {claim.ContentHash}, it was issued as {issue.ContentHash}). Run plan again.");
        }
    }

    /// <summary>The refusal of a plan applied before (<paramref name="previous"/>: its claim), as the claim and <c>apply</c>'s first look at the journal say it.</summary>
    public static ReconcilerException AlreadyApplied(Guid planId, JournalEntry? previous, string journal)
    {
        var when = previous is null ? "" : $" at {previous.Time:u}";
        var by = previous?.Writer is { } writer ? $" by {writer}" : "";
        return new ReconcilerException(
            $"plan {planId:D} was already applied{when}{by} (journal {journal}). A saved plan is single-use: run plan again.");
    }

    private JournalEntry NewEntry(string type) => new()
    {
        Type = type,
        ApplyId = ApplyId,
        Sequence = Interlocked.Increment(ref _sequence),
        PlanId = _planId,
        Time = _time.GetUtcNow(),
        Endpoint = Endpoint,
    };

    private JournalEntry RequestEntry(string type, RegistrationRef registration, PlannedOperation operation, string result)
    {
        var change = operation.Change;
        var (subscription, previous, next) = operation.Kind switch
        {
            OperationKind.Put => (change.CustomerSubscriptionId, change.PreviousTenantId, change.TenantId),
            _ when change.IsMove => (change.MovedFromSubscriptionId!.Value, change.TenantId, (Guid?)null),
            _ => (change.CustomerSubscriptionId, change.PreviousTenantId, (Guid?)null),
        };

        return NewEntry(type) with
        {
            Registration = registration.Id.ToString(),
            Operation = operation.Kind == OperationKind.Put ? "PUT" : "DELETE",
            Action = change.Action,
            CustomerSubscriptionId = subscription,
            PreviousTenantId = previous,
            NewTenantId = next,
            Result = result,
        };
    }
}
