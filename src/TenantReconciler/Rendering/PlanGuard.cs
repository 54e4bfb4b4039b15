using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>
/// One guard's verdict as the plan JSON states it (<c>guards[]</c>), and as a saved plan records it so that
/// <c>show</c> renders the warnings plan rendered. Never read back for a decision: apply judges its guards afresh.
/// </summary>
public sealed record PlanGuard
{
    /// <summary>The guard's name: <c>removal-threshold</c>, <c>empty-registration</c>, <c>protected-tenant</c>, <c>suspend</c> or <c>scope-locked</c>.</summary>
    public required string Guard { get; init; }

    /// <summary>The registration's resource id; null for a verdict on the whole run (<c>suspend</c>).</summary>
    public string? Registration { get; init; }

    /// <summary>How many mappings (or changes) it judged.</summary>
    public required int Count { get; init; }

    /// <summary>The number <see cref="Count"/> went over; null for a guard without one.</summary>
    public int? Limit { get; init; }

    /// <summary>How to let the plan through; null when nothing on the command line can.</summary>
    public string? Override { get; init; }

    /// <summary>True when apply refuses the plan for it; false for a warning (a management lock, which ARM enforces).</summary>
    public required bool RefusesApply { get; init; }

    /// <summary>One sentence for people; its wording may change within a format version.</summary>
    public required string Message { get; init; }

    public static PlanGuard Of(GuardViolation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        return new()
        {
            Guard = violation.Guard,
            Registration = violation.Registration?.Id.ToString(),
            Count = violation.Count,
            Limit = violation.Limit,
            Override = violation.Override,
            RefusesApply = violation.RefusesApply,
            Message = violation.Message,
        };
    }

    /// <summary>The verdict as the renderers and stderr show it; its text sanitised, since a plan file comes from outside.</summary>
    public GuardViolation ToViolation() =>
        new(OutsideText.Sanitize(Guard), null, Count, OutsideText.Sanitize(Message), Override is null ? null : OutsideText.Sanitize(Override)) { Limit = Limit };
}
