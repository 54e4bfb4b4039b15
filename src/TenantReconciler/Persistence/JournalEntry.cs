using TenantReconciler.Planning;

namespace TenantReconciler.Persistence;

/// <summary>One line of the apply journal (JSON lines).</summary>
public sealed record JournalEntry
{
    /// <summary>
    /// <c>plan --out</c> (or <c>undo</c>) saved a plan: its id with the SHA-256 of its content. Apply accepts only a
    /// plan issued here with exactly that content.
    /// </summary>
    public const string PlanIssued = "plan-issued";

    /// <summary>A plan id was claimed for this apply: a saved plan is applied at most once.</summary>
    public const string PlanClaimed = "plan-claimed";
    public const string ApplyStarted = "apply-started";
    public const string RequestStarted = "request-started";
    public const string RequestFinished = "request-finished";
    public const string ApplyFinished = "apply-finished";

    public required string Type { get; init; }

    /// <summary>The apply this entry belongs to; on a <see cref="PlanIssued"/> entry, the id of the run that saved the plan.</summary>
    public required Guid ApplyId { get; init; }

    /// <summary>The entry's number within its apply (0, 1, ...): a line written twice (a storage retry) is read once.</summary>
    public int? Sequence { get; init; }

    public Guid? PlanId { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>
    /// Where the requests went: the ARM endpoint (<c>https://management.azure.com</c>) or <c>emulator</c>, so that an
    /// undo never targets another endpoint than the apply did. Null in journals written before it was recorded.
    /// </summary>
    public string? Endpoint { get; init; }

    /// <summary>On <see cref="PlanIssued"/> and <see cref="PlanClaimed"/> entries: the SHA-256 of the plan's content (<c>SavedPlan.ContentHash</c>).</summary>
    public string? ContentHash { get; init; }

    /// <summary>Who issued or claimed the plan (machine/process id); on <see cref="PlanIssued"/> and <see cref="PlanClaimed"/> entries only.</summary>
    public string? Writer { get; init; }

    /// <summary>The registration's resource id.</summary>
    public string? Registration { get; init; }

    public string? Operation { get; init; }

    public ChangeAction? Action { get; init; }

    /// <summary>The customer subscription this request wrote.</summary>
    public Guid? CustomerSubscriptionId { get; init; }

    /// <summary>The tenant mapped to <see cref="CustomerSubscriptionId"/> before the request (null: no mapping).</summary>
    public Guid? PreviousTenantId { get; init; }

    /// <summary>The tenant mapped to <see cref="CustomerSubscriptionId"/> after the request (null: no mapping).</summary>
    public Guid? NewTenantId { get; init; }

    /// <summary>started, done or failed.</summary>
    public string? Result { get; init; }

    public string? RequestId { get; init; }

    public string? ErrorCode { get; init; }

    public string? Error { get; init; }

    public int? Done { get; init; }

    public int? Failed { get; init; }

    public int? NotAttempted { get; init; }
}
