using Xunit;
using static TenantReconciler.Tests.Watch.NotificationReports;

namespace TenantReconciler.Tests.Watch;

public sealed class WatchConditionsTests
{
    [Fact]
    public void Next_StatusUnchangedReasonChanged_KeepsTheTransitionTime()
    {
        // Arrange
        var t0 = Start;
        var t1 = Start.AddMinutes(5);
        var t2 = Start.AddMinutes(10);
        var inSync = OutcomeMapping.Conditions([], OutcomeMapping.Health(InSync(WatchHarness.A)), t0);

        // Act
        var applied = OutcomeMapping.Conditions(inSync, OutcomeMapping.Health(Applied(WatchHarness.A, Add(WatchHarness.SubscriptionA))), t1);
        var failing = OutcomeMapping.Conditions(applied, OutcomeMapping.Health(ListFailed(WatchHarness.A, 503)), t2);

        // Assert
        var ready = Assert.Single(applied);
        Assert.Equal((StatusConditions.Ready, "True", "Applied", t0), (ready.Type, ready.Status, ready.Reason, ready.LastTransitionTime));
        Assert.Equal(
            [(StatusConditions.Ready, "False", t2), (StatusConditions.Reconciling, "True", t2)],
            failing.Select(c => (c.Type, c.Status, c.LastTransitionTime)));
    }

    [Theory]
    [InlineData(403, "Stalled", "AuthorizationFailed")]
    [InlineData(503, "Reconciling", "ListFailed")]
    public void Of_ListFailed_PermanentStallsTransientReconciles(int status, string condition, string reason)
    {
        // Act
        var conditions = OutcomeMapping.Conditions([], OutcomeMapping.Health(ListFailed(WatchHarness.A, status)), Start);

        // Assert
        Assert.Equal([StatusConditions.Ready, condition], conditions.Select(c => c.Type));
        Assert.All(conditions, c => Assert.Equal(reason, c.Reason));
    }

    [Fact]
    public void Of_GuardRefusedAndInvalidFile_Stalled()
    {
        // Act
        var guard = OutcomeMapping.Health(GuardRefused(WatchHarness.A, Add(WatchHarness.SubscriptionA)));
        var judged = OutcomeMapping.Judge(Invalid(1, "sha256:bad"), [WatchHarness.A, WatchHarness.B]);

        // Assert
        Assert.Equal((HealthPhase.Stalled, "GuardRefused"), (guard.Phase, guard.Reason));
        Assert.Contains("max-removals", guard.Message, StringComparison.Ordinal);
        Assert.Equal(2, judged.Count);
        Assert.All(judged, j => Assert.Equal((HealthPhase.Stalled, RegistrationHealth.InvalidFileReason), (j.Health.Phase, j.Health.Reason)));
    }

    [Fact]
    public async Task Snapshot_ForbiddenListing_StalledWithObservedGenerationAndReadyOthers()
    {
        // Arrange
        await using var watch = await WatchHarness.StartAsync(
            arrange: arm => arm.BeforeList = r => r == WatchHarness.A ? Task.FromException(InMemoryArm.Failure(403)) : Task.CompletedTask);

        // Act
        var tick = await watch.Events.NextAsync<TickReport>();
        var json = JsonSerializer.Serialize(watch.Status.Snapshot(), WatchJsonContext.Default.StatusDocument);

        // Assert
        using var document = JsonDocument.Parse(json);
        var registrations = document.RootElement.GetProperty("registrations");
        var a = registrations[0];
        var b = registrations[1];
        Assert.Equal(tick.DesiredSha256, a.GetProperty("observedGeneration").GetString());
        Assert.Equal(
            [("Ready", "False", "AuthorizationFailed"), ("Stalled", "True", "AuthorizationFailed")],
            a.GetProperty("conditions").EnumerateArray().Select(c => (c.GetProperty("type").GetString(), c.GetProperty("status").GetString(), c.GetProperty("reason").GetString())));
        Assert.Equal(tick.StartedAt, a.GetProperty("conditions")[0].GetProperty("lastTransitionTime").GetDateTimeOffset());
        var ready = Assert.Single(b.GetProperty("conditions").EnumerateArray());
        Assert.Equal(("Ready", "True"), (ready.GetProperty("type").GetString(), ready.GetProperty("status").GetString()));
    }
}
