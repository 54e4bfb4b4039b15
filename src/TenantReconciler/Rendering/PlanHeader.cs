using TenantReconciler.Persistence;

namespace TenantReconciler.Rendering;

/// <summary>
/// What the plan JSON states besides the plan: the tool that made it, the desired-state files and the target it was
/// made from, each registration's live fingerprint and, for a saved plan only, its id and time.
/// </summary>
public sealed record PlanHeader(string ToolVersion, PlanSource Source, PlanTarget Target, IReadOnlyDictionary<RegistrationRef, string> Fingerprints)
{
    /// <summary>The saved plan's id; null in <c>plan -o json</c> without <c>--out</c> (nothing was saved, nothing can be applied).</summary>
    public Guid? PlanId { get; init; }

    /// <summary>When the saved plan was made; null when nothing was saved, so that the same plan prints the same bytes.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}
