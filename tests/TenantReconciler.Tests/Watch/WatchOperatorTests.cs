namespace TenantReconciler.Tests.Watch;

/// <summary>
/// <c>watch</c> for people and for Kubernetes: logs as JSON lines that name their event (or lines for people), an
/// invalid file that stalls but keeps the service ready, and <c>suspended</c> as a boolean with who suspended it.
/// </summary>
public sealed class WatchOperatorTests : IDisposable
{
    private readonly Cli.TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Watch_StderrNotATerminal_JsonLinesThatNameTheirEvent()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = WatchEndToEndTests.Converged() });
        var (file, pem) = Files(emulator);

        // Act: a pipe, no --log-format: JSON.
        using var watch = WatchProcess.Start(Arguments(emulator, file, pem));
        var registration = await watch.WaitForAsync(e => WatchProcess.Is(e, "WatchLog", 10));
        var tick = await watch.WaitForAsync(e => WatchProcess.Is(e, "WatchLog", 11));
        watch.Terminate();
        var exitCode = await watch.WaitForExitAsync(TimeSpan.FromSeconds(60));

        // Assert: grep RegistrationReconciled finds it; every line of stderr is one JSON object.
        Assert.Equal("RegistrationReconciled", registration.GetProperty("EventName").GetString());
        Assert.Equal("TickCompleted", tick.GetProperty("EventName").GetString());
        Assert.Equal("Information", tick.GetProperty("LogLevel").GetString());
        Assert.Equal(WatchHarness.A.Name, WatchProcess.Field(registration, "Registration"));
        Assert.True(exitCode == 0, watch.Stderr);
        Assert.All(watch.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => JsonDocument.Parse(line).Dispose());
        Assert.Contains(watch.Stderr.Split('\n'), l => l.Contains("RegistrationReconciled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watch_LogFormatConsole_LinesForPeopleNamingTheEvent()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = WatchEndToEndTests.Converged() });
        var (file, pem) = Files(emulator);

        // Act
        using var watch = WatchProcess.Start([.. Arguments(emulator, file, pem), "--log-format", "console"]);
        var line = await watch.WaitForLineAsync(l => l.Contains(" info: TickCompleted: ", StringComparison.Ordinal));
        watch.Terminate();
        var exitCode = await watch.WaitForExitAsync(TimeSpan.FromSeconds(60));

        // Assert
        Assert.Matches(@"^\d\d:\d\d:\d\d info: TickCompleted: Tick 1 ", line);
        Assert.Contains(watch.Stderr.Split('\n'), l => l.Contains(" info: RegistrationReconciled: Tick 1 ", StringComparison.Ordinal));
        Assert.DoesNotContain(watch.Stderr.Split('\n'), l => l.StartsWith('{'));
        Assert.True(exitCode == 0, watch.Stderr);
    }

    [Fact]
    public async Task Watch_InvalidFileFromTheStart_ReadyNoRequestAndStalledInStatus()
    {
        // Arrange: the file is invalid before the first tick: no registration is known yet.
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = WatchEndToEndTests.Converged() });
        var file = _temp.Write("tenants.yaml", WatchHarness.Yaml().Replace("tenantId:", "tenant:", StringComparison.Ordinal));

        // Act
        await using var watch = await WatchRun.StartAsync(emulator, _temp, file);
        var tick = await watch.Events.NextAsync<TickReport>();
        var ready = await watch.GetAsync("/readyz");
        var health = await watch.GetAsync("/healthz");
        var (_, statusJson) = await watch.GetAsync("/status");

        // Assert
        Assert.False(tick.DesiredValid);
        Assert.Empty(emulator.Requests);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal(HttpStatusCode.OK, health.Status);
        using var status = JsonDocument.Parse(statusJson);
        Assert.True(status.RootElement.GetProperty("ready").GetBoolean());
        var conditions = status.RootElement.GetProperty("conditions").EnumerateArray().ToArray();
        var stalled = Assert.Single(conditions, c => c.GetProperty("type").GetString() == "Stalled");
        Assert.Equal("True", stalled.GetProperty("status").GetString());
        Assert.Equal("DesiredStateInvalid", stalled.GetProperty("reason").GetString());
        Assert.False(status.RootElement.GetProperty("desired").GetProperty("valid").GetBoolean());
        Assert.Equal(0, await watch.StopAsync());
    }

    [Theory]
    [InlineData(false, false, false, null)]
    [InlineData(true, false, true, "flag")]
    [InlineData(false, true, true, "file")]
    public async Task WatchStatus_Suspended_ABooleanAndWhoSuspended(bool flag, bool inFile, bool suspended, string? by)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = WatchEndToEndTests.Converged() });
        var file = _temp.Write("tenants.yaml", inFile ? WatchHarness.Yaml("suspend: true") : WatchHarness.Yaml());

        // Act
        await using var watch = await WatchRun.StartAsync(emulator, _temp, file, options: flag ? ["--suspend"] : []);
        await watch.Events.NextAsync<TickReport>();
        var (_, statusJson) = await watch.GetAsync("/status");

        // Assert
        using var status = JsonDocument.Parse(statusJson);
        var service = status.RootElement.GetProperty("service");
        Assert.Equal(suspended ? JsonValueKind.True : JsonValueKind.False, service.GetProperty("suspended").ValueKind);
        Assert.Equal(by, service.GetProperty("suspendedBy").GetString());
    }

    private (string File, string Pem) Files(ArmEmulator emulator) =>
        (_temp.Write("tenants.yaml", WatchHarness.Yaml()), _temp.Write("emulator.pem", emulator.CertificatePem));

    private static string[] Arguments(ArmEmulator emulator, string file, string pem) =>
        ["-f", file, "--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", pem, "--auth", "emulator", "--listen", "127.0.0.1:0", "--interval", "1h"];
}
