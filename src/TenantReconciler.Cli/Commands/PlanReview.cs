using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Commands;

/// <summary>What plan and undo both do with a fresh plan: warn about the guards apply would trip, and save it for apply.</summary>
public static class PlanReview
{
    /// <summary>Prints, on stderr, every guard that a default apply would trip, so reviewers see it on the pull request.</summary>
    public static void WarnAboutGuards(TextWriter error, Plan plan, DesiredState desired)
    {
        foreach (var violation in PruneGuards.Evaluate(plan, desired, new GuardOverrides()))
        {
            error.WriteLine($"Warning: apply will refuse this plan: {violation}");
        }
    }

    /// <summary>Saves the plan with a new id, the hash of <paramref name="desiredFile"/> and the live fingerprints.</summary>
    public static SavedPlan Save(
        Plan plan, DesiredState desired, IReadOnlyList<LiveRegistration> live, string desiredFile, Uri endpoint, TimeProvider time, string path)
    {
        var saved = SavedPlan.Create(
            plan, desired, live, LiveFingerprint.OfFile(desiredFile), endpoint, ToolInfo.Version, Guid.NewGuid(), time.GetUtcNow());
        saved.Save(path);
        return saved;
    }
}
