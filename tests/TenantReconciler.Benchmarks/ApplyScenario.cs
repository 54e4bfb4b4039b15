using System.Diagnostics;
using TenantReconciler.Applying;
using TenantReconciler.Desired;
using TenantReconciler.Emulator;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// Apply throughput against the emulator over HTTPS (a scenario runner that prints ratios, not a unit test):
/// <list type="number">
/// <item>1,000 adds with 50 ms of emulator latency per write: parallelism 1 against 4 and 16 (targets ≥ 3.5× and ≥ 10×),
/// once with ARM's <c>x-ms-ratelimit-remaining-subscription-writes</c> header and once against a server that sends none;</item>
/// <item>1,000 adds against an ARM-like token bucket of 50 burst and 10 per second: wall time against the bucket's
/// theoretical minimum of (1000 − 50) / 10 = 95 s (target ≤ 1.15×), and the number of 429s (target 0).</item>
/// </list>
/// </summary>
public static class ApplyScenario
{
    private const int Changes = 1_000;

    public static async Task<int> RunAsync(TextWriter output, string[] args)
    {
        var quick = args.Contains("--quick");
        var changes = quick ? 200 : Changes;
        output.WriteLine($"Apply scenario: {changes} adds per run, emulator over HTTPS on loopback, {Environment.ProcessorCount} cores.");

        var ok = true;
        foreach (var headers in new[] { true, false })
        {
            var label = headers ? "with headers" : "no headers  ";
            var sequential = await TimedApplyAsync(changes, parallelism: 1, latencyMs: 50, throttle: null, headers);
            output.WriteLine($"  {label}, parallelism  1, 50 ms/write: {sequential.Elapsed.TotalSeconds,7:F2} s");
            foreach (var (parallelism, target) in new[] { (4, 3.5), (16, 10.0) })
            {
                var run = await TimedApplyAsync(changes, parallelism, latencyMs: 50, throttle: null, headers);
                var ratio = sequential.Elapsed / run.Elapsed;
                ok &= ratio >= target && run.AllDone;
                output.WriteLine($"  {label}, parallelism {parallelism,2}, 50 ms/write: {run.Elapsed.TotalSeconds,7:F2} s  -> {ratio:F2}x faster than sequential (target >= {target}x)");
            }
        }

        var bucket = new TokenBucketLimit(50, 10);
        var minimum = TimeSpan.FromSeconds((changes - bucket.Burst) / bucket.RefillPerSecond);
        var paced = await TimedApplyAsync(changes, ApplyOptions.DefaultParallelism, latencyMs: 0, throttle: bucket, rateLimitHeaders: true);
        var pacedRatio = paced.Elapsed / minimum;
        ok &= pacedRatio <= 1.15 && paced.Throttled == 0;
        output.WriteLine($"  bucket 50 burst + 10/s, parallelism {ApplyOptions.DefaultParallelism}: {paced.Elapsed.TotalSeconds,7:F2} s against a minimum of {minimum.TotalSeconds:F0} s " +
                         $"-> {pacedRatio:F3}x (target <= 1.15x), {paced.Throttled} responses 429 (target 0), all done: {paced.AllDone}");
        return ok ? 0 : 1;
    }

    private static async Task<(TimeSpan Elapsed, int Throttled, bool AllDone)> TimedApplyAsync(int changes, int parallelism, int latencyMs, TokenBucketLimit? throttle, bool rateLimitHeaders)
    {
        var registration = new RegistrationRef(SyntheticState.RegistrationSubscription, SyntheticState.ResourceGroup, SyntheticState.RegistrationName);
        var seed = new EmulatorState
        {
            Registrations = [new EmulatorRegistration { SubscriptionId = registration.SubscriptionId.ToString(), ResourceGroup = registration.ResourceGroup, Name = registration.Name }],
        };
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = seed,
            PageSize = 1000,
            Faults = latencyMs > 0 ? new FaultProfile { Seed = 1, Put = new FaultRule { LatencyMs = latencyMs }, Delete = new FaultRule { LatencyMs = latencyMs } } : null,
            Throttling = throttle is null ? null : new ThrottlingOptions { Writes = throttle, Deletes = throttle },
            RateLimitHeaders = rateLimitHeaders,
        });

        var connection = ArmConnections.ForCloud(AzureCloud.AzureCloud, ApiVersions.Default, emulator.BaseUri, emulator.Certificate);
        var client = new ArmCustomerSubscriptionClient(ArmPipeline.Create(new EmulatorTokenCredential(), connection, ArmPipelineSettings.Default.ForParallelism(parallelism, parallelism), TimeProvider.System), connection);
        var desired = DesiredStateLoader.Parse(SyntheticState.DesiredYaml(changes), "tenants.yaml");
        var plan = Planner.Compute(desired, await LiveReader.ReadAsync(client, desired, CancellationToken.None));

        var stopwatch = Stopwatch.StartNew();
        var result = await new PlanApplier(client, new ApplyOptions { Parallelism = parallelism }).ApplyAsync(plan, CancellationToken.None);
        stopwatch.Stop();
        return (stopwatch.Elapsed, emulator.Requests.Count(r => r.Status == 429), result.Succeeded);
    }
}
