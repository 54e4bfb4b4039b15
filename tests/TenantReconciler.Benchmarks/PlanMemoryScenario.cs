using System.Diagnostics;
using TenantReconciler.Desired;
using TenantReconciler.Planning;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// One plan of 100,000 mappings in a fresh process, as the CLI would make it: the wall time of the first (cold) and of
/// a warm run, and the process's peak working set (the ≤ 200 MB target is about memory held, not bytes allocated).
/// </summary>
public static class PlanMemoryScenario
{
    public static int Run(TextWriter output)
    {
        const int mappings = 100_000;
        var yaml = SyntheticState.DesiredYaml(mappings);
        var live = new[] { SyntheticState.Live(mappings) };
        var baseline = Process.GetCurrentProcess().WorkingSet64;

        var cold = Stopwatch.StartNew();
        var plan = Planner.Compute(DesiredStateLoader.Parse(yaml, "tenants.yaml"), live);
        cold.Stop();
        var warm = Stopwatch.StartNew();
        plan = Planner.Compute(DesiredStateLoader.Parse(yaml, "tenants.yaml"), live);
        warm.Stop();

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        output.WriteLine($"{mappings} mappings ({yaml.Length / 1_000_000.0:F1} MB of YAML): plan {plan.Summary.Add} add / {plan.Summary.Overwrite} overwrite / {plan.Summary.Remove} remove; " +
                         $"cold {cold.ElapsedMilliseconds} ms, warm {warm.ElapsedMilliseconds} ms; peak working set {process.PeakWorkingSet64 / 1_048_576} MiB " +
                         $"(before planning, with the YAML text and the live listing in memory: {baseline / 1_048_576} MiB).");
        return 0;
    }
}
