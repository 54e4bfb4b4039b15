using System.Diagnostics;
using TenantReconciler.Desired;
using TenantReconciler.Emulator;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// How many GET requests one plan sends for 10,000 live mappings at page size 1,000, against the real emulator over
/// HTTPS. The minimum is 10 (one per page); anything more is a bug.
/// </summary>
public static class RequestCountScenario
{
    public const int Mappings = 10_000;
    public const int PageSize = 1_000;

    public static async Task<int> RunAsync(TextWriter output)
    {
        var live = SyntheticState.Live(Mappings);
        var seed = new EmulatorState
        {
            Registrations =
            [
                new EmulatorRegistration
                {
                    SubscriptionId = SyntheticState.RegistrationSubscription.ToString(),
                    ResourceGroup = SyntheticState.ResourceGroup,
                    Name = SyntheticState.RegistrationName,
                    CustomerSubscriptions = live.Mappings
                        .Take(Mappings)
                        .Select(m => new EmulatorCustomerSubscription { SubscriptionId = m.CustomerSubscriptionName, TenantId = m.TenantId.ToString() })
                        .ToList(),
                },
            ],
        };

        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = seed, PageSize = PageSize });
        var connection = ArmConnections.ForCloud(AzureCloud.AzureCloud, ApiVersions.Default, emulator.BaseUri, emulator.Certificate);
        var client = new ArmCustomerSubscriptionClient(ArmPipeline.Create(new EmulatorTokenCredential(), connection, ArmPipelineSettings.Default.ForParallelism(4), TimeProvider.System), connection);
        var desired = DesiredStateLoader.Parse(SyntheticState.DesiredYaml(Mappings), "tenants.yaml");

        var stopwatch = Stopwatch.StartNew();
        var plan = Planner.Compute(desired, await LiveReader.ReadAsync(client, desired, CancellationToken.None));
        stopwatch.Stop();

        var gets = emulator.Requests.Count(r => r.Method == "GET");
        var minimum = (Mappings + PageSize - 1) / PageSize;
        output.WriteLine($"{Mappings} live mappings, page size {PageSize}: {gets} GET request(s) for one plan (minimum {minimum}); " +
                         $"plan {plan.Summary.Add} add / {plan.Summary.Overwrite} overwrite / {plan.Summary.Remove} remove in {stopwatch.ElapsedMilliseconds} ms.");
        return gets == minimum ? 0 : 1;
    }
}
