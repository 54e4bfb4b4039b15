using System.Diagnostics;
using TenantReconciler.Desired;
using TenantReconciler.Emulator;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// Parallel listing of a fleet: 20 registrations × 500 mappings, page size 100, the emulator adding 100 ms to every page
/// (on its real clock). Plans at parallelism 1 and 4 against the real emulator over HTTPS; reports both wall times,
/// the speed-up and the GET count of each (which must be the same: the plan is identical to a sequential one). Run
/// twice: with ARM's <c>x-ms-ratelimit-remaining-subscription-reads</c> header, and with a server that sends none (a
/// proxy, an on-premises ARM), which pacing must not serialise.
/// </summary>
public static class ListingScenario
{
    public const int Registrations = 20;
    public const int MappingsPerRegistration = 500;
    public const int PageSize = 100;
    public const int PageLatencyMs = 100;

    public static async Task<int> RunAsync(TextWriter output)
    {
        var withHeaders = await RunAsync(output, rateLimitHeaders: true);
        var withoutHeaders = await RunAsync(output, rateLimitHeaders: false);
        return withHeaders && withoutHeaders ? 0 : 1;
    }

    private static async Task<bool> RunAsync(TextWriter output, bool rateLimitHeaders)
    {
        var registrations = Enumerable.Range(1, Registrations)
            .Select(i => new RegistrationRef(Guid.Parse($"6513270e-269e-4d37-b2a7-{i:D12}"), "azurestack", $"azurestack-{i:D4}"))
            .ToArray();
        var seed = new EmulatorState
        {
            Registrations = registrations.Select((r, i) => new EmulatorRegistration
            {
                SubscriptionId = r.SubscriptionId.ToString(),
                ResourceGroup = r.ResourceGroup,
                Name = r.Name,
                CustomerSubscriptions = Enumerable.Range(1, MappingsPerRegistration)
                    .Select(m => new EmulatorCustomerSubscription { SubscriptionId = $"{i + 1:D8}-0000-4000-8000-{m:D12}", TenantId = $"{i + 1:D8}-1111-4000-8000-{m:D12}" })
                    .ToList(),
            }).ToList(),
        };
        var faults = new FaultProfile { List = new FaultRule { LatencyMs = PageLatencyMs } };
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = seed, PageSize = PageSize, Faults = faults, RateLimitHeaders = rateLimitHeaders });
        var connection = ArmConnections.ForCloud(AzureCloud.AzureCloud, ApiVersions.Default, emulator.BaseUri, emulator.Certificate);
        var client = new ArmCustomerSubscriptionClient(ArmPipeline.Create(new EmulatorTokenCredential(), connection, ArmPipelineSettings.Default.ForParallelism(4), TimeProvider.System), connection);
        var location = new SourceLocation("tenants.yaml", 1, 1);
        var desired = new DesiredState("tenants.yaml", AzureCloud.AzureCloud, ApiVersions.Default,
            seed.Registrations.Select((r, i) => new DesiredRegistration(
                registrations[i],
                r.CustomerSubscriptions.Select(c => new DesiredTenant(Guid.Parse(c.TenantId), Guid.Parse(c.SubscriptionId), null, location)).ToArray(),
                location)).ToArray());

        await PlanAsync(client, desired, 4); // warm-up: connections, JIT
        var (sequential, sequentialGets, sequentialPlan) = await MeasureAsync(emulator, client, desired, 1);
        var (parallel, parallelGets, parallelPlan) = await MeasureAsync(emulator, client, desired, 4);

        var same = PlanDelta.Compute(sequentialPlan, parallelPlan).IsEmpty;
        var speedUp = sequential.TotalMilliseconds / parallel.TotalMilliseconds;
        output.WriteLine($"{Registrations} registrations x {MappingsPerRegistration} mappings, page size {PageSize}, +{PageLatencyMs} ms per page, "
            + (rateLimitHeaders ? "with the rate-limit headers:" : "no rate-limit header at all:"));
        output.WriteLine($"  parallelism 1: {sequential.TotalMilliseconds:0} ms, {sequentialGets} GETs");
        output.WriteLine($"  parallelism 4: {parallel.TotalMilliseconds:0} ms, {parallelGets} GETs");
        output.WriteLine($"  speed-up {speedUp:0.00}x (target >= 3.5x); same plan: {same}; same request count: {sequentialGets == parallelGets}");
        return speedUp >= 3.5 && same && sequentialGets == parallelGets;
    }

    private static async Task<(TimeSpan Elapsed, int Gets, Plan Plan)> MeasureAsync(ArmEmulator emulator, ArmCustomerSubscriptionClient client, DesiredState desired, int parallelism)
    {
        var before = emulator.Requests.Count(r => r.Method == "GET");
        var stopwatch = Stopwatch.StartNew();
        var plan = await PlanAsync(client, desired, parallelism);
        stopwatch.Stop();
        return (stopwatch.Elapsed, emulator.Requests.Count(r => r.Method == "GET") - before, plan);
    }

    private static async Task<Plan> PlanAsync(ArmCustomerSubscriptionClient client, DesiredState desired, int parallelism) =>
        Planner.Compute(desired, await LiveReader.ReadAsync(client, desired.Registrations.Select(r => r.Registration).ToArray(), parallelism, CancellationToken.None));
}
