using TenantReconciler.Desired;

namespace TenantReconciler.Persistence;

/// <summary>
/// Records what a saved plan is made from, and re-loads it so that apply can re-derive the plan instead of trusting the
/// file: every desired-state file, each of whose parsed bytes must hash to the recorded SHA-256, and no file more or
/// less (a directory given with <c>-f</c> is read again, so a file added to it or removed from it since the plan is
/// refused). A plan never chooses its own desired files: the files that <c>-f</c> names are used (matched to the
/// recorded ones in order, or by name), and without <c>-f</c> only the recorded paths that are relative and resolve
/// inside the working directory, every symbolic link followed; a rooted path, or one that leads out (<c>..</c>, a
/// link), is refused.
/// </summary>
public static class SavedPlanSource
{
    /// <summary>
    /// The source to save with a plan made from <paramref name="desired"/>, loaded from the <c>-f</c>
    /// <paramref name="inputs"/>. A path inside <paramref name="workingDirectory"/> is recorded relative to it, so that
    /// apply in the same folder (another checkout of the same repository) finds it again without <c>-f</c>.
    /// </summary>
    public static PlanSource Record(DesiredState desired, IReadOnlyList<string> inputs, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(inputs);
        return new PlanSource([.. desired.Sources.Select(s => new SourceFile(Relative(s.Path, workingDirectory), s.Sha256))])
        {
            Inputs = DesiredSet.AnyDirectory(inputs) ? [.. inputs.Select(i => Relative(i, workingDirectory))] : null,
        };
    }

    /// <param name="files">The <c>-f</c> paths given to apply, or null to use the recorded ones.</param>
    /// <param name="workingDirectory">Where recorded paths are resolved, and which they must not leave.</param>
    /// <exception cref="ReconcilerException">A file is missing, invalid, added, removed, outside the working directory,
    /// or not the one the plan was made from.</exception>
    public static DesiredState LoadDesired(SavedPlan saved, string planPath, IReadOnlyList<string>? files, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var recorded = saved.Source.Files;
        if (recorded.Count == 0)
        {
            throw new ReconcilerException($"{planPath}: the plan names no desired-state file. Run plan again.");
        }

        // Each current file with the recorded path it stands for (by path; with -f, in order).
        var current = files is null ? Recorded(saved.Source, planPath, workingDirectory) : [.. DesiredSet.Expand(files).Select(f => (Key: f, Load: f))];
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
    private static List<(string Key, string Load)> Recorded(PlanSource source, string planPath, string workingDirectory)
    {
        var result = new List<(string Key, string Load)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in source.Inputs ?? [.. source.Files.Select(f => f.Path)])
        {
            var resolved = Resolve(input, planPath, workingDirectory);
            var found = Directory.Exists(resolved)
                ? DesiredSet.Expand([resolved]).Select(f => (Key: Path.Combine(input, Path.GetFileName(f)), Load: f))
                : [(input, resolved)];
            result.AddRange(found.Where(f => seen.Add(Path.GetFullPath(f.Load))));
        }

        return result;
    }

    /// <summary>A recorded path, resolved in the working directory; refused when rooted or when it leads out of it.</summary>
    private static string Resolve(string recorded, string planPath, string workingDirectory)
    {
        if (string.IsNullOrWhiteSpace(recorded) || Path.IsPathRooted(recorded))
        {
            throw new ReconcilerException(
                $"{planPath}: the plan records the desired-state path '{Text.Quote(recorded)}', which is not relative to the working directory. " +
                "A saved plan never chooses its own desired files: give them with -f. Nothing was changed.");
        }

        string real, folder;
        try
        {
            folder = RealPath.Of(workingDirectory);
            real = RealPath.Of(Path.Combine(folder, recorded));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ReconcilerException($"{planPath}: the recorded desired-state path '{Text.Quote(recorded)}' cannot be resolved: {e.Message}", e);
        }

        if (!RealPath.IsInside(real, folder))
        {
            throw new ReconcilerException(
                $"{planPath}: the recorded desired-state path '{Text.Quote(recorded)}' leads outside the working directory {folder} (to {real}). " +
                "A saved plan never chooses its own desired files: give them with -f. Nothing was changed.");
        }

        return real;
    }

    /// <summary><paramref name="path"/> relative to <paramref name="workingDirectory"/> when it lies inside it; else as given.</summary>
    private static string Relative(string path, string workingDirectory)
    {
        try
        {
            var full = Path.GetFullPath(path);
            var folder = Path.GetFullPath(workingDirectory);
            return Path.IsPathRooted(path) && RealPath.IsInside(full, folder) ? Path.GetRelativePath(folder, full) : path;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }
}
