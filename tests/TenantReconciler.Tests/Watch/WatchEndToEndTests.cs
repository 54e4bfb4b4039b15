namespace TenantReconciler.Tests.Watch;

/// <summary>
/// The whole <c>watch</c> command in process against the real emulator over HTTPS (real Azure.Core pipeline), on a
/// fake clock: drift introduced behind the service's back is corrected on the next tick, or only reported.
/// </summary>
public sealed class WatchEndToEndTests : IDisposable
{
    private static readonly RegistrationRef A = WatchHarness.A;
    private static readonly RegistrationRef B = WatchHarness.B;
    private readonly Cli.TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("apply")]
    [InlineData("full")]
    public async Task Watch_DriftBehindItsBack_CorrectedOnTheNextTick(string mode)
    {
        // Arrange: converged at start.
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = Converged() });
        var file = _temp.Write("tenants.yaml", WatchHarness.Yaml());
        await using var watch = await WatchRun.StartAsync(emulator, _temp, file, options: ["--mode", mode]);
        var first = await watch.Events.NextAsync<TickReport>();

        // Act: someone re-points A's mapping, deletes B's, and adds a stray one to A, directly in ARM.
        emulator.Reset(State(
            (A, [(WatchHarness.SubscriptionA, WatchHarness.TenantB), (WatchHarness.Extra, WatchHarness.ExtraTenant)]),
            (B, [])));
        var second = await watch.NextTickAsync();
        var after = emulator.Snapshot();

        // Assert
        Assert.All(first.Registrations, r => Assert.Equal(RegistrationResult.InSync, r.Result));
        Assert.Equal(WatchHarness.TenantA, TenantOf(after, A, WatchHarness.SubscriptionA));
        Assert.Equal(WatchHarness.TenantB, TenantOf(after, B, WatchHarness.SubscriptionB));
        var stray = TenantOf(after, A, WatchHarness.Extra);
        var a = second.Registrations.Single(r => r.Registration == A);
        if (mode == "full")
        {
            Assert.Null(stray);
            Assert.Empty(a.Pending);
        }
        else
        {
            Assert.Equal(WatchHarness.ExtraTenant, stray);
            Assert.Equal([WatchHarness.Extra], a.Withheld.Select(c => c.CustomerSubscriptionId));
            Assert.DoesNotContain(emulator.Requests, r => r.Method == "DELETE");
        }

        Assert.Equal(RegistrationResult.Applied, a.Result);
        Assert.NotEmpty(a.RequestIds);
        Assert.Equal(0, await watch.StopAsync());
    }

    [Fact]
    public async Task Watch_ObserveMode_DriftOnlyReported()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = Converged() });
        var file = _temp.Write("tenants.yaml", WatchHarness.Yaml());
        await using var watch = await WatchRun.StartAsync(emulator, _temp, file, options: ["--mode", "observe"]);
        await watch.Events.NextAsync<TickReport>();
        var drifted = State((A, [(WatchHarness.Extra, WatchHarness.ExtraTenant)]), (B, [(WatchHarness.SubscriptionB, WatchHarness.TenantA)]));

        // Act
        emulator.Reset(drifted);
        var tick = await watch.NextTickAsync();
        var (_, statusJson) = await watch.GetAsync("/status");
        var (_, metrics) = await watch.GetAsync("/metrics");

        // Assert
        Assert.DoesNotContain(emulator.Requests, r => r.Method is "PUT" or "DELETE");
        Assert.Equivalent(drifted, emulator.Snapshot());
        Assert.All(tick.Registrations, r => Assert.Equal(RegistrationResult.Drift, r.Result));
        using var status = JsonDocument.Parse(statusJson);
        var registrations = status.RootElement.GetProperty("registrations");
        Assert.Equal(2, registrations[0].GetProperty("pendingDrift").GetProperty("total").GetInt32());
        Assert.Equal("observe-mode", registrations[0].GetProperty("blocked").GetString());
        Assert.Contains($"tenant_reconciler_drift{{otel_scope_name=\"TenantReconciler\",otel_scope_version=\"{TenantReconciler.Cli.ToolInfo.Version}\",registration=\"{A.Name}\",subscription=\"{A.SubscriptionId}\"}} 2", metrics);
    }

    [Fact]
    public async Task Watch_InvalidYaml_ZeroRequestsStillReadyAndServingStalledInStatus()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = Converged() });
        var file = _temp.Write("tenants.yaml", WatchHarness.Yaml());
        await using var watch = await WatchRun.StartAsync(emulator, _temp, file, options: ["--mode", "full"]);
        await watch.Events.NextAsync<TickReport>();
        var requestsBefore = emulator.Requests.Count;

        // Act: the file breaks and drift appears; the service must not act on a file it cannot read.
        File.WriteAllText(file, WatchHarness.Yaml().Replace("tenantId:", "tenant:", StringComparison.Ordinal));
        emulator.Reset(State((A, []), (B, [])));
        var tick = await watch.NextTickAsync();
        var ready = await watch.GetAsync("/readyz");
        var health = await watch.GetAsync("/healthz");
        var (_, statusJson) = await watch.GetAsync("/status");

        // Assert
        Assert.False(tick.DesiredValid);
        Assert.Equal(requestsBefore, emulator.Requests.Count);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal(HttpStatusCode.OK, health.Status);
        using var status = JsonDocument.Parse(statusJson);
        var stalled = Assert.Single(status.RootElement.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "Stalled");
        Assert.Equal("True", stalled.GetProperty("status").GetString());
        Assert.Equal("DesiredStateInvalid", stalled.GetProperty("reason").GetString());
        Assert.All(status.RootElement.GetProperty("registrations").EnumerateArray(), r =>
            Assert.Contains(r.GetProperty("conditions").EnumerateArray(), c => c.GetProperty("type").GetString() == "Stalled" && c.GetProperty("reason").GetString() == "DesiredStateInvalid"));
        var desired = status.RootElement.GetProperty("desired");
        Assert.False(desired.GetProperty("valid").GetBoolean());
        Assert.Contains(desired.GetProperty("diagnostics").EnumerateArray(), d => d.GetString()!.Contains("tenants.yaml:", StringComparison.Ordinal));
        Assert.Contains(watch.Logs.Messages, m => m.Contains("is invalid", StringComparison.Ordinal) && m.Contains("nothing is listed or written", StringComparison.Ordinal));
        Assert.Equal(0, await watch.StopAsync());
    }

    [Fact]
    public async Task Watch_InvalidFileQuotingAValue_StatusNamesWhereAndTheCodeButNeverTheValue()
    {
        // Arrange: issue 15, item 8: /status is unauthenticated; on 9aa6160 it served the diagnostics' messages, which
        // quote the file's values (and, through a link, another file's).
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = Converged() });
        var file = _temp.Write("tenants.yaml", WatchHarness.Yaml());
        await using var watch = await WatchRun.StartAsync(emulator, _temp, file, options: ["--mode", "full"]);
        await watch.Events.NextAsync<TickReport>();

        // Act
        File.WriteAllText(file, WatchHarness.Yaml() + "clientSecret: s3cr3t-value\n");
        var tick = await watch.NextTickAsync();
        var (_, statusJson) = await watch.GetAsync("/status");

        // Assert
        Assert.False(tick.DesiredValid);
        Assert.DoesNotContain("s3cr3t", statusJson, StringComparison.Ordinal);
        Assert.DoesNotContain("clientSecret", statusJson, StringComparison.Ordinal);
        using var status = JsonDocument.Parse(statusJson);
        Assert.Contains(
            status.RootElement.GetProperty("desired").GetProperty("diagnostics").EnumerateArray(),
            d => System.Text.RegularExpressions.Regex.IsMatch(d.GetString()!, @"tenants\.yaml:\d+:\d+: error TR\d{4}$"));
        Assert.Equal(0, await watch.StopAsync());
    }

    [Fact]
    public async Task Watch_Endpoints_HealthReadinessStatusAndMetricsWithoutTheToken()
    {
        // Arrange: a credential whose token is a canary, to prove it never reaches a log, the status or the metrics.
        const string Canary = "canary-token-4d1f0c2e";
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((A, []), (B, [])), RequiredToken = Canary });
        var file = _temp.Write("tenants.yaml", WatchHarness.Yaml());
        await using var watch = await WatchRun.StartAsync(
            emulator, _temp, file, configure: services => services.AddSingleton<CredentialFactory>(new CanaryCredentials(Canary)), options: ["--mode", "full"]);

        // Act
        var tick = await watch.Events.NextAsync<TickReport>();
        var health = await watch.GetAsync("/healthz");
        var ready = await watch.GetAsync("/readyz");
        var status = await watch.GetAsync("/status");
        var metrics = await watch.GetAsync("/metrics");

        // Assert
        Assert.All(tick.Registrations, r => Assert.Equal(RegistrationResult.Applied, r.Result));
        Assert.Equal(HttpStatusCode.OK, health.Status);
        Assert.Equal((HttpStatusCode.OK, "ready\n"), ready);
        using (var document = JsonDocument.Parse(status.Body))
        {
            var root = document.RootElement;
            Assert.True(root.GetProperty("ready").GetBoolean());
            Assert.True(root.GetProperty("service").GetProperty("leader").GetBoolean());
            Assert.Equal("full", root.GetProperty("service").GetProperty("mode").GetString());
            var a = root.GetProperty("registrations")[0];
            Assert.Equal("applied", a.GetProperty("lastResult").GetString());
            Assert.Equal(1, a.GetProperty("lastWrites").GetProperty("done").GetInt32());
            Assert.Equal(JsonValueKind.Null, a.GetProperty("lastError").ValueKind);
        }

        foreach (var name in new[]
        {
            "tenant_reconciler_ticks_total", "tenant_reconciler_tick_duration_seconds_bucket", "tenant_reconciler_drift{",
            "tenant_reconciler_changes_total{", "tenant_reconciler_last_success_timestamp_seconds{",
            "tenant_reconciler_reconcile_duration_seconds_bucket{", "tenant_reconciler_drift_changes{",
            "tenant_reconciler_registration_info{", "tenant_reconciler_registration_stalled{",
        })
        {
            Assert.Contains(name, metrics.Body);
        }

        Assert.Contains("action=\"add\",result=\"done\"} 2", metrics.Body);
        Assert.Contains("tenant_reconciler_registration_info{otel_scope_name=\"TenantReconciler\",otel_scope_version=", metrics.Body);
        Assert.Contains("ready=\"true\",registration=\"reg-a\",suspended=\"false\"} 1", metrics.Body);
        Assert.Contains(watch.Logs.Events, e => e.Id.Id == 10 && e.State.Any(kv => kv.Key == "RequestIds" && !string.IsNullOrEmpty(kv.Value as string)));
        Assert.DoesNotContain(Canary, watch.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, status.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, metrics.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_GitSyncSwapsTheLink_TicksEarlyOnTheNewRevision()
    {
        // Arrange: git-sync's layout: root/current -> root/rev-1; the file is root/current/tenants.yaml. Real clock.
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = Converged() });
        var root = Directory.CreateDirectory(Path.Combine(_temp.Path, "git")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "rev-1"));
        Directory.CreateDirectory(Path.Combine(root, "rev-2"));
        File.WriteAllText(Path.Combine(root, "rev-1", "tenants.yaml"), WatchHarness.Yaml());
        File.WriteAllText(Path.Combine(root, "rev-2", "tenants.yaml"), WatchHarness.Yaml("suspend: true"));
        var current = Path.Combine(root, "current");
        File.CreateSymbolicLink(current, "rev-1");
        await using var watch = await WatchRun.StartAsync(
            emulator, _temp, Path.Combine(current, "tenants.yaml"), fakeClock: false, options: ["--interval", "1h", "--debounce", "100ms"]);
        var first = await watch.Events.NextAsync<TickReport>();
        await watch.Events.NextAsync<RecordingObserver.Waiting>();

        // Act: publish rev-2 as git-sync does: a new link renamed over the old one.
        var next = Path.Combine(root, "current.tmp");
        File.CreateSymbolicLink(next, "rev-2");
        Posix.Rename(next, current);
        var tick = await watch.Events.NextAsync<TickReport>();

        // Assert
        Assert.Equal(SuspendSource.None, first.Suspended);
        Assert.Equal(TickReason.FileChanged, tick.Reason);
        Assert.Equal(SuspendSource.File, tick.Suspended);
    }

    [Fact]
    public async Task Watch_PortInUse_ExitsWithAClearErrorBeforeAnyTick()
    {
        // Arrange
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var file = _temp.Write("tenants.yaml", WatchHarness.Yaml());

        // Act
        var result = await Cli.CliRunner.RunAsync("watch", "-f", file, "--emulator", _temp.File("state.json"), "--listen", $"127.0.0.1:{port}");

        // Assert
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"Error: cannot listen on 127.0.0.1:{port}: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.File("state.json")), "no tick may run before the listener is bound");
    }

    internal static EmulatorState Converged() =>
        State((A, [(WatchHarness.SubscriptionA, WatchHarness.TenantA)]), (B, [(WatchHarness.SubscriptionB, WatchHarness.TenantB)]));

    internal static EmulatorState State(params (RegistrationRef Registration, (Guid Subscription, Guid Tenant)[] Mappings)[] registrations) =>
        registrations.Aggregate(new Scenario(), (world, r) => world.Have(r.Registration, r.Mappings)).EmulatorState();

    internal static Guid? TenantOf(EmulatorState state, RegistrationRef registration, Guid subscription)
    {
        var found = state.Registrations.Single(r => r.Name == registration.Name).CustomerSubscriptions
            .SingleOrDefault(c => Guid.Parse(c.SubscriptionId) == subscription);
        return found is null ? null : Guid.Parse(found.TenantId);
    }

    private sealed class CanaryCredentials(string token) : CredentialFactory
    {
        public override TokenCredential Create(AuthKind auth, AzureCloud cloud, Uri endpoint) => new Canary(token);

        private sealed class Canary(string token) : TokenCredential
        {
            public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(token, DateTimeOffset.MaxValue);

            public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
        }
    }
}
