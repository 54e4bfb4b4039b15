using TenantReconciler.Desired;

namespace TenantReconciler.Persistence;

/// <summary>
/// Re-loads what a saved plan was made from, so that apply can re-derive the plan instead of trusting the file: the
/// desired-state file (the one given with <c>-f</c>, else the recorded path, resolved against the plan's folder first and
/// then the working directory), whose hash of the parsed bytes must equal the recorded one.
/// </summary>
public static class SavedPlanSource
{
    /// <exception cref="ReconcilerException">The file is missing, invalid, or not the one the plan was made from.</exception>
    public static DesiredState LoadDesired(SavedPlan saved, string planPath, string? file)
    {
        ArgumentNullException.ThrowIfNull(saved);
        if (saved.Source.Files.Count != 1)
        {
            throw new ReconcilerException($"{planPath}: the plan names {saved.Source.Files.Count} desired-state files; this version reads exactly one. Run plan again.");
        }

        var recorded = saved.Source.Files[0];
        var path = file ?? Resolve(recorded.Path, planPath);
        var desired = DesiredStateLoader.Load(path);
        if (!string.Equals(desired.Sha256, recorded.Sha256, StringComparison.Ordinal))
        {
            throw new ReconcilerException(
                $"{path} changed since the plan was made ({recorded.Sha256} when planned, {desired.Sha256} now). The saved plan is stale: run plan again.");
        }

        return desired;
    }

    private static string Resolve(string recorded, string planPath)
    {
        if (Path.IsPathRooted(recorded))
        {
            return recorded;
        }

        var besidePlan = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(planPath)) ?? ".", recorded);
        return File.Exists(besidePlan) ? besidePlan : recorded;
    }
}
