using TenantReconciler.Planning;

namespace TenantReconciler.Applying;

public enum ChangeOutcome
{
    Done,
    Failed,
    NotAttempted,
}

/// <summary>What happened to one planned change. A move is done only when both its PUT and its DELETE succeeded.</summary>
public sealed record ChangeResult(
    RegistrationRef Registration,
    PlannedChange Change,
    ChangeOutcome Outcome,
    string? Error = null,
    string? ErrorCode = null,
    string? RequestId = null)
{
    /// <summary>The change failed for a reason worth retrying soon (throttling, a server error, no response).</summary>
    public bool Transient { get; init; }
}

/// <summary>A partial apply is data: one result per pending change, in plan order.</summary>
public sealed record ApplyResult(IReadOnlyList<ChangeResult> Results)
{
    /// <summary>
    /// The credential's failure that stopped the apply (a request could not get a token, so it was not sent and nothing
    /// new started), or null. Said once, not per change.
    /// </summary>
    public ReconcilerException? StoppedBy { get; init; }

    public bool Succeeded => Results.All(r => r.Outcome == ChangeOutcome.Done);

    public int Count(ChangeOutcome outcome) => Results.Count(r => r.Outcome == outcome);
}
