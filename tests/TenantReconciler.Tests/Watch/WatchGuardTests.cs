namespace TenantReconciler.Tests.Watch;

/// <summary>The watch judges the guards on the full plan, as apply does: its mode never hides a change from them.</summary>
public sealed class WatchGuardTests
{
    [Fact]
    public async Task Tick_ApplyModeMovesAProtectedTenant_RefusedAndNothingWritten()
    {
        // Arrange: A has ExtraTenant on Extra; the file moves it to SubscriptionA and protects it. In apply mode the DELETE
        // of Extra is withheld, but the PUT alone would move the mapping (issue 7, item 5).
        var yaml = $"""
            protect:
              - {WatchHarness.ExtraTenant}
            registrations:
              - name: {WatchHarness.A.Name}
                subscriptionId: {WatchHarness.A.SubscriptionId}
                resourceGroup: {WatchHarness.A.ResourceGroup}
                tenants:
                  - tenantId: {WatchHarness.ExtraTenant}
                    customerSubscriptionId: {WatchHarness.SubscriptionA}
            """;

        // Act
        await using var watch = await WatchHarness.StartAsync(WatchMode.Apply, yaml: yaml);
        var tick = await watch.Events.NextAsync<TickReport>();

        // Assert
        var a = tick.Registrations.Single();
        Assert.Equal(RegistrationResult.GuardRefused, a.Result);
        Assert.Equal(WriteBlock.Guard, a.Blocked);
        Assert.Contains(a.Violations, v => v.Guard == TenantReconciler.Planning.PruneGuards.ProtectedTenant);
        Assert.Equal(0, watch.Arm.Puts);
        Assert.Equal(0, watch.Arm.Deletes);
    }
}
