namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Applies through a misbehaving ARM: throttling storms, server errors and dropped connections, each a real run of the
/// CLI against the emulator over HTTPS with Azure.Core's own retry policy doing the retrying.
/// </summary>
public sealed class FaultToleranceTests
{
    private static readonly RegistrationRef Registration = new(Guid.Parse("6513270e-269e-4d37-b2a7-4de452e6b438"), "azurestack", "azurestack-faults");

    [Fact]
    public async Task Apply_429StormOnHalfOfAllRequests_ConvergesAndEachWriteTakesEffectOnce()
    {
        // Arrange: 24 adds; half of all requests are throttled with Retry-After: 1.
        await using var bed = await CliTestBed.StartAsync(Empty(), new EmulatorOptions
        {
            Faults = new FaultProfile { Seed = 42, All = new FaultRule { ThrottleRate = 0.5, RetryAfter = "1" } },
        });
        var yaml = bed.Temp.Write("tenants.yaml", Yaml(24));

        // Act
        var apply = await bed.RunAsync("apply", "-f", yaml, "--auto-approve");

        // Assert
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.True(bed.Emulator.InjectedFaults[FaultKind.Throttle] > 0);
        var puts = bed.Emulator.CommittedWrites.Where(w => w.Method == "PUT").GroupBy(w => w.CustomerSubscriptionId).ToArray();
        Assert.Equal(24, puts.Length);
        Assert.All(puts, g => Assert.Single(g));
    }

    [Fact]
    public async Task Apply_ServerErrorsAndDroppedConnectionsOnTwentyPercent_ConvergesOrReportsExactlyAndReRunConverges()
    {
        // Arrange: 30 adds and 6 removals; 500s, 503s and drops (before and after commit) on about 20% of requests.
        var state = Empty();
        for (var i = 100; i < 106; i++)
        {
            state.Registrations[0].CustomerSubscriptions.Add(new EmulatorCustomerSubscription { SubscriptionId = S(i), TenantId = T(i) });
        }

        await using var bed = await CliTestBed.StartAsync(state, new EmulatorOptions
        {
            Faults = FaultProfile.Load(RepoFiles.Path("examples/faults/flaky.json")) with { Seed = 7 },
        });
        var yaml = bed.Temp.Write("tenants.yaml", Yaml(30));

        // Act
        var first = await bed.RunAsync("apply", "-f", yaml, "--auto-approve", "--max-removals", "100");
        var second = await bed.RunAsync("apply", "-f", yaml, "--auto-approve", "--max-removals", "100");

        // Assert: the first run either converged, or failed with one result line per change (36), each done,
        // failed or not attempted; the re-run converges either way.
        if (first.ExitCode != 0)
        {
            Assert.Equal(1, first.ExitCode);
            var results = first.Stdout.Split('\n').Count(l => l.StartsWith("  done ", StringComparison.Ordinal)
                || l.StartsWith("  failed ", StringComparison.Ordinal) || l.StartsWith("  not attempted ", StringComparison.Ordinal));
            Assert.Equal(36, results);
        }

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(bed.Emulator.InjectedFaults.Values.Sum() > 0);
        var live = bed.Emulator.Snapshot().Registrations[0].CustomerSubscriptions;
        Assert.Equal(30, live.Count);
    }

    internal static string S(int i) => $"5c000000-0000-0000-0000-{i:D12}";

    internal static string T(int i) => $"7f000000-0000-0000-0000-{i:D12}";

    internal static EmulatorState Empty() => new Scenario().Have(Registration).EmulatorState();

    /// <summary>ARM holds <paramref name="count"/> mappings that the file of <see cref="Yaml"/> does not list (subscriptions and tenants 100, 101, …).</summary>
    internal static EmulatorState WithUnlisted(int count) =>
        new Scenario().Have(Registration, [.. Enumerable.Range(100, count).Select(i => (Guid.Parse(S(i)), Guid.Parse(T(i))))]).EmulatorState();

    /// <summary>tenants.yaml with the first <paramref name="tenants"/> mappings (S(i), T(i)); none is <c>tenants: []</c>.</summary>
    internal static string Yaml(int tenants) =>
        new Scenario().Want(Registration, [.. Enumerable.Range(0, tenants).Select(i => (Guid.Parse(S(i)), Guid.Parse(T(i))))]).Yaml();
}
