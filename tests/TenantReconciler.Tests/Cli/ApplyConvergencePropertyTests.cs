using CsCheck;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Property: for random desired and live states over small pools of GUIDs (so tenants and subscriptions collide),
/// `apply` against the emulator converges and the following `plan` is empty, under both overwrite semantics.
/// The whole stack runs: YAML, the real client over HTTPS, the planner, the applier.
/// </summary>
public sealed class ApplyConvergencePropertyTests
{
    private const int Subscriptions = 6;
    private const int Tenants = 4;
    private const string RegistrationSubscription = "6513270e-269e-4d37-b2a7-4de452e6b438";
    private const string RegistrationName = "azurestack-prop";

    private static readonly Gen<(int[] Desired, int[] Live, bool[] Upper)> States =
        Gen.Select(Gen.Int[-1, Tenants - 1].Array[Subscriptions], Gen.Int[-1, Tenants - 1].Array[Subscriptions], Gen.Bool.Array[Subscriptions]);

    [Theory]
    [InlineData(OverwriteSemantics.Replace)]
    [InlineData(OverwriteSemantics.Independent)]
    public async Task Apply_RandomDesiredAndLive_ConvergesAndNextPlanIsEmpty(OverwriteSemantics semantics)
    {
        await using var bed = await CliTestBed.StartAsync(Empty(), new EmulatorOptions { OverwriteSemantics = semantics, PageSize = 2 });
        var yamlPath = bed.Temp.File("tenants.yaml");

        await States.SampleAsync(
            async state =>
            {
                // Arrange
                var (desired, live, upper) = state;
                bed.Emulator.Reset(LiveState(live, upper));
                await File.WriteAllTextAsync(yamlPath, Yaml(desired));

                // Act
                var apply = await bed.RunAsync("apply", "-f", yamlPath, "--auto-approve", "--allow-empty", "--max-removals", "100");
                var plan = await bed.RunAsync("plan", "-f", yamlPath, "--detailed-exitcode");

                // Assert
                Assert.True(apply.ExitCode == 0, apply.ToString());
                Assert.True(plan.ExitCode == 0, plan.ToString());
            },
            iter: 25,
            threads: 1,
            print: s => $"desired [{string.Join(",", s.Desired)}] live [{string.Join(",", s.Live)}]");
    }

    private static string S(int i) => $"5b000000-0000-0000-0000-{i:D12}";

    private static string T(int i) => $"7e000000-0000-0000-0000-{i:D12}";

    private static EmulatorState Empty() => LiveState(new int[Subscriptions].Select(_ => -1).ToArray(), new bool[Subscriptions]);

    private static EmulatorState LiveState(int[] live, bool[] upper) => new()
    {
        Registrations =
        [
            new EmulatorRegistration
            {
                SubscriptionId = RegistrationSubscription,
                ResourceGroup = "azurestack",
                Name = RegistrationName,
                CustomerSubscriptions = Enumerable.Range(0, Subscriptions)
                    .Where(i => live[i] >= 0)
                    .Select(i => new EmulatorCustomerSubscription { SubscriptionId = upper[i] ? S(i).ToUpperInvariant() : S(i), TenantId = T(live[i]) })
                    .ToList(),
            },
        ],
    };

    /// <summary>tenants.yaml mapping S(i) to T(desired[i]) where that is set, each tenant once (its first subscription).</summary>
    private static string Yaml(int[] desired)
    {
        var used = new HashSet<int>();
        var tenants = Enumerable.Range(0, Subscriptions).Where(i => desired[i] >= 0 && used.Add(desired[i])).Select(i => (Guid.Parse(S(i)), Guid.Parse(T(desired[i]))));
        return new Scenario().Want(new RegistrationRef(Guid.Parse(RegistrationSubscription), "azurestack", RegistrationName), [.. tenants]).Yaml();
    }
}
