using TenantReconciler.Desired;

namespace TenantReconciler.Persistence;

/// <summary>
/// Records what a saved plan is made from, and re-loads it so that apply can re-derive the plan instead of trusting the
/// file: every desired-state file, each of whose parsed bytes must hash to the recorded SHA-256, and no file more or
/// less (a directory given with <c>-f</c> is read again, so a file added to it or removed from it since the plan is
/// refused). Without <c>-f</c> the recorded paths are used, each resolved against the plan's folder first and then the
/// working directory; the files that <c>-f</c> names replace them (matched to the recorded ones in order).
/// </summary>
public static class SavedPlanSource
{
    /// <summary>The source to save with a plan made from <paramref name="desired"/>, loaded from the <c>-f</c> <paramref name="inputs"/>.</summary>
    public static PlanSource Record(DesiredState desired, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(inputs);
        return new PlanSource([.. desired.Sources.Select(s => new SourceFile(s.Path, s.Sha256))])
        {
            Inputs = DesiredSet.AnyDirectory(inputs) ? [.. inputs] : null,
        };
    }

    /// <param name="files">The <c>-f</c> paths given to apply, or null to use the recorded ones.</param>
    /// <exception cref="ReconcilerException">A file is missing, invalid, added, removed, or not the one the plan was made from.</exception>
    public static DesiredState LoadDesired(SavedPlan saved, string planPath, IReadOnlyList<string>? files)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var recorded = saved.Source.Files;
        if (recorded.Count == 0)
        {
            throw new ReconcilerException($"{planPath}: the plan names no desired-state file. Run plan again.");
        }

        // Each current file with the recorded path it stands for (by path; with -f, in order).
        var current = files is null ? Recorded(saved.Source, planPath) : [.. DesiredSet.Expand(files).Select(f => (Key: f, Load: f))];
        var pairs = new List<(SourceFile Recorded, string Load)>();
        var problems = new List<string>();
        if (files is not null && current.Count == recorded.Count)
        {
            pairs.AddRange(recorded.Zip(current, (r, c) => (r, c.Load)));
        }
        else
        {
            var byKey = current.ToLookup(c => files is null ? c.Key : Path.GetFileName(c.Key), StringComparer.Ordinal);
            var recordedKeys = recorded.Select(r => files is null ? r.Path : Path.GetFileName(r.Path)).ToHashSet(StringComparer.Ordinal);
            foreach (var r in recorded)
            {
                var match = byKey[files is null ? r.Path : Path.GetFileName(r.Path)].FirstOrDefault();
                if (match.Load is null)
                {
                    problems.Add($"{r.Path} was removed from the desired-state files");
                }
                else
                {
                    pairs.Add((r, match.Load));
                }
            }

            problems.AddRange(current.Where(c => !recordedKeys.Contains(files is null ? c.Key : Path.GetFileName(c.Key))).Select(c => $"{c.Key} was added to the desired-state files"));
        }

        if (problems.Count > 0)
        {
            throw Stale(problems);
        }

        var desired = DesiredSet.Load([.. pairs.Select(p => p.Load)]);
        for (var i = 0; i < pairs.Count; i++)
        {
            var (was, path) = pairs[i];
            var now = desired.Sources[i].Sha256;
            if (!string.Equals(now, was.Sha256, StringComparison.Ordinal))
            {
                problems.Add($"{path} changed since the plan was made ({was.Sha256} when planned, {now} now)");
            }
        }

        return problems.Count > 0 ? throw Stale(problems) : desired;
    }

    private static ReconcilerException Stale(List<string> problems) =>
        new(problems.Count == 1
            ? $"{problems[0]}. The saved plan is stale: run plan again."
            : $"the desired-state files are not those the plan was made from: {string.Join("; ", problems)}. The saved plan is stale: run plan again.");

    /// <summary>The recorded inputs expanded again (a directory may have gained or lost a file), each as the recorded path it stands for.</summary>
    private static List<(string Key, string Load)> Recorded(PlanSource source, string planPath)
    {
        var result = new List<(string Key, string Load)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in source.Inputs ?? [.. source.Files.Select(f => f.Path)])
        {
            var resolved = Resolve(input, planPath);
            var found = Directory.Exists(resolved)
                ? DesiredSet.Expand([resolved]).Select(f => (Key: Path.Combine(input, Path.GetFileName(f)), Load: f))
                : [(input, resolved)];
            result.AddRange(found.Where(f => seen.Add(Path.GetFullPath(f.Load))));
        }

        return result;
    }

    private static string Resolve(string recorded, string planPath)
    {
        if (Path.IsPathRooted(recorded))
        {
            return recorded;
        }

        var besidePlan = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(planPath)) ?? ".", recorded);
        return File.Exists(besidePlan) || Directory.Exists(besidePlan) ? besidePlan : recorded;
    }
}
