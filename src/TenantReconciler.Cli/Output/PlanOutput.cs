using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Output;

/// <summary>The plan on stdout and the guard warnings on stderr, as plan, apply and undo show them.</summary>
public static class PlanOutput
{
    public static void Text(TextWriter output, Plan plan) => new TextPlanRenderer().Render(plan, output);

    /// <summary>Every guard a default apply would trip, so reviewers see it on the pull request.</summary>
    public static void GuardWarnings(TextWriter error, IReadOnlyList<GuardViolation> violations)
    {
        foreach (var violation in violations)
        {
            error.WriteLine($"Warning: apply will refuse this plan: {violation}");
        }
    }
}
