using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace TenantReconciler.Smoke;

/// <summary>
/// Runs every step with each build, one build after the other, in a fresh working folder at the same path (so every
/// path they print is the same), then compares: a step passes when both builds meet its expectation and the native
/// build's exit code, stdout, stderr, files and observations equal the JIT build's once normalized.
/// </summary>
internal sealed class SmokeSuite(SmokeSteps steps, OutputNormalizer normalizer, string outDirectory, TextWriter report)
{
    /// <summary>Prints one line per step (and its problems), and returns the counts.</summary>
    public async Task<(int Passed, int Failed)> RunAsync(Build native, Build jit)
    {
        var all = steps.All();
        var outcomes = new Dictionary<(string Build, string Step), Outcome>();
        var work = Path.Combine(outDirectory, "work");
        foreach (var build in new[] { native, jit })
        {
            steps.Seed(work);
            foreach (var step in all)
            {
                var clock = Stopwatch.StartNew();
                Outcome outcome;
                try
                {
                    outcome = await step.RunAsync(build, work);
                }
#pragma warning disable CA1031 // a hang guard, or a crash of the suite itself: a failure of the step, shown with it
                catch (Exception e)
#pragma warning restore CA1031
                {
                    outcome = Outcome.Failed(e);
                }

                outcome.Elapsed = clock.Elapsed;
                outcomes[(build.Name, step.Name)] = outcome;
            }

            Directory.Move(work, Path.Combine(outDirectory, build.Name));
            await WriteLogAsync(build, all, outcomes);
        }

        int passed = 0, failed = 0;
        foreach (var step in all)
        {
            var (a, b) = (outcomes[(native.Name, step.Name)], outcomes[(jit.Name, step.Name)]);
            var problems = Compare(step, native, a, jit, b);
            var times = string.Create(CultureInfo.InvariantCulture, $"(native {a.Elapsed.TotalSeconds:F2} s, jit {b.Elapsed.TotalSeconds:F2} s)");
            if (problems.Count == 0)
            {
                passed++;
                await report.WriteLineAsync($"ok   {step.Name}  {times}");
                continue;
            }

            failed++;
            await report.WriteLineAsync($"FAIL {step.Name}  {times}");
            foreach (var problem in problems)
            {
                await report.WriteLineAsync("    " + problem);
            }
        }

        return (passed, failed);
    }

    private List<string> Compare(Step step, Build native, Outcome a, Build jit, Outcome b)
    {
        var problems = step.Expect.Check(a).Select(p => "native: " + p).Concat(step.Expect.Check(b).Select(p => "jit: " + p)).ToList();
        foreach (var ((label, left), (_, right)) in a.Texts().Zip(b.Texts()))
        {
            var nativeText = normalizer.Normalize(left.Replace(native.Token, "<build>", StringComparison.Ordinal));
            var jitText = normalizer.Normalize(right.Replace(jit.Token, "<build>", StringComparison.Ordinal));
            if (nativeText != jitText)
            {
                var diff = UnifiedDiff.Lines(TextLines.Split(jitText), TextLines.Split(nativeText), "jit " + label, "native " + label, context: 1).Take(40).ToList();
                problems.Add($"{label} differs from the JIT build's:\n      "
                    + (diff.Count > 0 ? string.Join("\n      ", diff) : "(in line ends only)"));
            }
        }

        if (!a.Files.Keys.SequenceEqual(b.Files.Keys) || !a.Extra.Keys.SequenceEqual(b.Extra.Keys))
        {
            problems.Add($"the builds produced different sets of outputs: {Names(a)} / {Names(b)}");
        }

        return problems;
    }

    private static string Names(Outcome outcome) =>
        "[" + string.Join(", ", outcome.Files.Keys.Concat(outcome.Extra.Keys).Order(StringComparer.Ordinal)) + "]";

    /// <summary>Everything a build printed, for a look after a failure: OUT/native.log, OUT/jit.log.</summary>
    private async Task WriteLogAsync(Build build, IReadOnlyList<Step> all, Dictionary<(string Build, string Step), Outcome> outcomes)
    {
        var log = new StringBuilder();
        foreach (var step in all)
        {
            log.Append("=== ").Append(step.Name).Append('\n');
            foreach (var (label, text) in outcomes[(build.Name, step.Name)].Texts())
            {
                log.Append("--- ").Append(label).Append('\n').Append(text).Append('\n');
            }
        }

        await File.WriteAllTextAsync(Path.Combine(outDirectory, build.Name + ".log"), log.ToString());
    }
}
