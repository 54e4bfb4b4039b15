using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Applying;

/// <summary>The applier against the emulator's seeded fault injection: transient failures are retried, what still fails is data, and a re-run converges.</summary>
public sealed class PlanApplierFaultTests
{
    [Fact]
    public async Task ApplyAsync_TransientFaultsAndDroppedConnections_EveryChangeIsDoneOrFailedAndARerunConverges()
    {
        // Arrange: 10% 429, 10% 500, 5% 503, 5% dropped before and 5% after the write; two retries per request.
        var live = Mappings(20);
        var desired = live.Take(10).ToDictionary(m => m.Key, m => Guid.NewGuid());
        foreach (var (subscription, tenant) in Mappings(20))
        {
            desired[subscription] = tenant;
        }

        var faults = new FaultProfile
        {
            Seed = 20_240_611,
            All = new FaultRule
            {
                ThrottleRate = 0.1,
                ServerErrorRate = 0.1,
                UnavailableRate = 0.05,
                DropBeforeCommitRate = 0.05,
                DropAfterCommitRate = 0.05,
                RetryAfter = "0",
            },
        };
        EmulatorState after;
        ApplyResult first;
        await using (var faulty = await ArmEmulator.StartAsync(Options(State(live), faults)))
        {
            // Act (1)
            first = await new PlanApplier(CreateClient(faulty)).ApplyAsync(new Plan([Diff(RegistrationA, desired, live)]), CancellationToken.None);
            after = faulty.Snapshot();
            Assert.Contains(faulty.InjectedFaults, f => f.Value > 0);
        }

        await using var healthy = await ArmEmulator.StartAsync(Options(after, faults: null));
        var client = CreateClient(healthy);
        var relisted = (await client.ListAsync(RegistrationA, CancellationToken.None)).Mappings.ToDictionary(m => m.CustomerSubscriptionId, m => m.TenantId);

        // Act (2)
        var second = await new PlanApplier(client).ApplyAsync(new Plan([Diff(RegistrationA, desired, relisted)]), CancellationToken.None);

        // Assert
        Assert.Equal(40, first.Results.Count); // 10 overwritten, 10 removed, 20 added
        Assert.Equal(0, first.Count(ChangeOutcome.NotAttempted));
        Assert.All(first.Results.Where(r => r.Outcome == ChangeOutcome.Failed), r => Assert.NotNull(r.Error));
        Assert.All(
            first.Results.Where(r => r.Outcome == ChangeOutcome.Done),
            r => Assert.Equal(desired.GetValueOrDefault(r.Change.CustomerSubscriptionId), relisted.GetValueOrDefault(r.Change.CustomerSubscriptionId)));
        Assert.True(second.Succeeded);
        Assert.Equal(desired, ApplyTestSupport.State(healthy, RegistrationA));
    }

    private static EmulatorOptions Options(EmulatorState state, FaultProfile? faults) => new()
    {
        RequiredToken = EmulatorTokenCredential.Token,
        InitialState = state,
        Faults = faults,
    };

    private static EmulatorState State(IReadOnlyDictionary<Guid, Guid> live) =>
        new Scenario().Have(RegistrationA, [.. live.Select(m => (m.Key, m.Value))]).EmulatorState();
}
