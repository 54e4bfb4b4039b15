using TenantReconciler.Tests.Watch;
using static TenantReconciler.Tests.Stamps.StampFixtures;

namespace TenantReconciler.Tests.Stamps;

/// <summary>
/// <c>watch</c> with a <c>stamp:</c> block, through the real composition root against the emulator's ARM and stamp
/// over HTTPS, on a fake clock: the unbilled gauges, the <c>BillingLeak</c> condition of <c>/status</c>, and
/// <c>billing.leak</c> on transitions only, to a real webhook receiver.
/// </summary>
public sealed class WatchBillingLeakTests : IDisposable
{
    /// <summary>WatchRun's clock starts at 2026-01-01 00:00 UTC: the window is 2025-12-25 up to 2026-01-01.</summary>
    private static readonly DateTimeOffset WatchToday = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Litware = "c5e8a2d4-7b1f-4e3a-9c6d-2f8b0a1e3d57";
    private const string LitwareSub = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

    private readonly Cli.TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Watch_UnbilledTenant_GaugesConditionAndOneNotificationPerNewTenant()
    {
        // Arrange: Contoso mapped (in sync), Fabrikam used 30 units with no mapping.
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = WatchState() });
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var watch = await StartAsync(emulator, receiver);

        // Act: the first tick; a second one that sees the same leak; then Litware starts using the stamp.
        var first = await watch.Events.NextAsync<TenantReconciler.Cli.Watch.TickReport>();
        var leak = await receiver.NextAsync();
        var (_, statusJson) = await watch.GetAsync("/status");
        var (_, metrics) = await watch.GetAsync("/metrics");
        await watch.NextTickAsync();
        emulator.Reset(WatchState(litware: true));
        var third = await watch.NextTickAsync();
        var second = await receiver.NextAsync();
        var (_, laterJson) = await watch.GetAsync("/status");

        // Assert: one billing.leak for Fabrikam, none for the same leak, one for Litware alone.
        Assert.Equal(TenantReconciler.Cli.Watch.RegistrationResult.InSync, Assert.Single(first.Registrations).Result);
        var data = Data(leak, out var type);
        Assert.Equal("tenant-reconciler.billing.leak", type);
        Assert.Equal("UnbilledTenants", data.GetProperty("reason").GetString());
        Assert.Equal(RegistrationName, data.GetProperty("registration").GetProperty("name").GetString());
        Assert.Equal([$"tenant {Fabrikam} used 30 units on 1 subscription(s) (not in tenants.yaml)"], data.GetProperty("changes").GetProperty("listed").EnumerateArray().Select(e => e.GetString()));
        var laterData = Data(second, out _);
        Assert.Equal(third.Number, laterData.GetProperty("tick").GetInt64());
        Assert.Equal([$"tenant {Litware} used 5 units on 1 subscription(s) (not in tenants.yaml)"], laterData.GetProperty("changes").GetProperty("listed").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("(2 unbilled in all, 35 units)", laterData.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, receiver.All.Count);

        var condition = BillingLeak(statusJson);
        Assert.Equal(("True", "UnbilledTenants"), (condition.GetProperty("status").GetString(), condition.GetProperty("reason").GetString()));
        Assert.Contains($"1 tenant(s) used 30 units of this stamp between 2025-12-25 and 2026-01-01 (UTC) with no mapping on {RegistrationName}", condition.GetProperty("message").GetString(), StringComparison.Ordinal);
        var later = BillingLeak(laterJson);
        Assert.Equal(condition.GetProperty("lastTransitionTime").GetDateTimeOffset(), later.GetProperty("lastTransitionTime").GetDateTimeOffset());
        Assert.Contains($"tenant_reconciler_unbilled_tenants{{otel_scope_name=\"TenantReconciler\",otel_scope_version=\"{TenantReconciler.Cli.ToolInfo.Version}\",registration=\"{RegistrationName}\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"tenant_reconciler_unbilled_usage{{otel_scope_name=\"TenantReconciler\",otel_scope_version=\"{TenantReconciler.Cli.ToolInfo.Version}\",registration=\"{RegistrationName}\"}} 30", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Requests, r => r.Method != "GET");
        Assert.Equal(0, await watch.StopAsync());
    }

    [Fact]
    public async Task Watch_UsageUnreadable_ConditionUnknownNoGaugeNoNotification()
    {
        // Arrange: the stamp's usage answers 403.
        var state = WatchState();
        state = WithStamp(state, stamp => stamp with { Faults = [UsageForbidden()] });
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = state });
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var watch = await StartAsync(emulator, receiver);

        // Act
        await watch.Events.NextAsync<TenantReconciler.Cli.Watch.TickReport>();
        var (_, statusJson) = await watch.GetAsync("/status");
        var (_, metrics) = await watch.GetAsync("/metrics");
        await watch.NextTickAsync();

        // Assert
        var condition = BillingLeak(statusJson);
        Assert.Equal(("Unknown", "UsageUnknown"), (condition.GetProperty("status").GetString(), condition.GetProperty("reason").GetString()));
        Assert.Contains("403 AuthorizationFailed", condition.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tenant_reconciler_unbilled_tenants{", metrics, StringComparison.Ordinal);
        Assert.Empty(receiver.All);
        Assert.Equal(0, await watch.StopAsync());
    }

    [Fact]
    public async Task Watch_WithoutStampBlock_NoConditionNoGauge()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = WatchState() });
        var file = _temp.Write("plain.yaml", PlainYaml());
        await using var watch = await WatchRun.StartAsync(emulator, _temp, file, options: ["--mode", "observe"]);

        // Act
        await watch.Events.NextAsync<TenantReconciler.Cli.Watch.TickReport>();
        var (_, statusJson) = await watch.GetAsync("/status");
        var (_, metrics) = await watch.GetAsync("/metrics");

        // Assert
        using var status = JsonDocument.Parse(statusJson);
        Assert.DoesNotContain(status.RootElement.GetProperty("registrations")[0].GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "BillingLeak");
        Assert.DoesNotContain("tenant_reconciler_unbilled", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(emulator.Requests, r => r.PathAndQuery.StartsWith("/stamps/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_UsageInterval_TheStampIsReadAtMostOncePerInterval()
    {
        // Arrange: a tick every 5m (plus up to 10% jitter), usage at most every 12m.
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = WatchState() });
        var file = WriteTenants(emulator);
        var pem = _temp.Write("stamp.pem", emulator.CertificatePem);
        await using var watch = await WatchRun.StartAsync(
            emulator,
            _temp,
            file,
            options: ["--mode", "observe", "--interval", "5m", "--usage-interval", "12m", "--stamp-auth", "emulator", "--stamp-ca-cert", pem]);
        int Reads() => emulator.Requests.Count(r => r.PathAndQuery.Contains("/activations/default?", StringComparison.Ordinal));

        // Act: ticks at 0, 5-5.5m, 10-11m (inside the interval) and 15-16.5m (past it).
        await watch.Events.NextAsync<TenantReconciler.Cli.Watch.TickReport>();
        var afterFirst = Reads();
        await watch.NextTickAsync();
        await watch.NextTickAsync();
        var withinInterval = Reads();
        await watch.NextTickAsync();
        var pastInterval = Reads();

        // Assert: one read of the stamp (each read is its activation, subscriptions and usage) per interval.
        Assert.Equal((1, 1, 2), (afterFirst, withinInterval, pastInterval));
        Assert.Equal(2, emulator.Requests.Count(r => r.PathAndQuery.Contains("/subscriberUsageAggregates?", StringComparison.Ordinal)));
        Assert.Equal(0, await watch.StopAsync());
    }

    private Task<WatchRun> StartAsync(ArmEmulator emulator, NotificationReceiver receiver)
    {
        var file = WriteTenants(emulator);
        var pem = _temp.Write("stamp.pem", emulator.CertificatePem);
        return WatchRun.StartAsync(
            emulator,
            _temp,
            file,
            options: ["--mode", "observe", "--usage-interval", "1m", "--stamp-auth", "emulator", "--stamp-ca-cert", pem, "--notify", receiver.Url.ToString()]);
    }

    private string WriteTenants(ArmEmulator emulator) => _temp.Write(
        "tenants.yaml",
        "registrations:\n"
        + $"  - name: {RegistrationName}\n    subscriptionId: {RegistrationSubscription}\n    resourceGroup: azurestack\n"
        + $"    stamp:\n      adminEndpoint: {AdminEndpoint(emulator)}\n      providerSubscriptionId: {Provider}\n"
        + $"    tenants:\n      - tenantId: {Contoso}\n        customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5\n        name: Contoso\n");

    /// <summary>The fixture's registration and stamp, with usage on the days before WatchRun's today; Litware (unmapped) used 5 units.</summary>
    private static EmulatorState WatchState(bool litware = false)
    {
        var stamp = Stamp();
        var subscriptions = litware
            ? [.. stamp.Subscriptions!, new EmulatorUserSubscription { SubscriptionId = LitwareSub, TenantId = Litware, Offer = "gold" }]
            : stamp.Subscriptions!;
        List<EmulatorUsageRecord> usage =
        [
            Usage(ContosoSub1, WatchToday.AddDays(-2), 24),
            Usage(FabrikamSub, WatchToday.AddDays(-1), 30),
            .. litware ? [Usage(LitwareSub, WatchToday.AddDays(-1), 5)] : Array.Empty<EmulatorUsageRecord>(),
        ];
        return State(stamp with { Subscriptions = subscriptions, Usage = usage });
    }

    private static JsonElement Data(NotificationReceiver.Received received, out string? type)
    {
        var root = JsonDocument.Parse(received.Body).RootElement;
        type = root.GetProperty("type").GetString();
        return root.GetProperty("data");
    }

    private static JsonElement BillingLeak(string statusJson) =>
        JsonDocument.Parse(statusJson).RootElement.GetProperty("registrations")[0].GetProperty("conditions").EnumerateArray()
            .Single(c => c.GetProperty("type").GetString() == "BillingLeak");
}
