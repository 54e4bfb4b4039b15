using BenchmarkDotNet.Attributes;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// Planning 100,000 mappings with no I/O: load and validate the YAML (from memory) plus the diff, against loading alone.
/// Targets: ≤ 1 s and ≤ 200 MB for the whole plan; the diff adds ≤ 30% to loading.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class PlanningBenchmarks
{
    private string _yaml = string.Empty;
    private LiveRegistration[] _live = [];
    private DesiredState _desired = null!;

    [Params(100_000)]
    public int Mappings { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _yaml = SyntheticState.DesiredYaml(Mappings);
        _live = [SyntheticState.Live(Mappings)];
        _desired = DesiredStateLoader.Parse(_yaml, "tenants.yaml");
    }

    [Benchmark(Baseline = true, Description = "load + validate YAML")]
    public DesiredState Load() => DesiredStateLoader.Parse(_yaml, "tenants.yaml");

    [Benchmark(Description = "load + validate + diff (whole plan)")]
    public Plan LoadAndPlan() => Planner.Compute(DesiredStateLoader.Parse(_yaml, "tenants.yaml"), _live);

    [Benchmark(Description = "diff only")]
    public Plan Diff() => Planner.Compute(_desired, _live);
}
