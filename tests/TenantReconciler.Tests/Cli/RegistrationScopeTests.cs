using System.Text.Json.Nodes;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// <c>--registration NAME</c> on plan, apply, tenants and watch, as <c>terraform -target</c>: only those registrations
/// are listed, planned and written; a saved plan records them and apply re-derives only those; the guards judge the
/// registrations in scope; a name that selects none is exit 1 naming the ones there are, before any request.
/// </summary>
public sealed class RegistrationScopeTests
{
    // examples/emulator-state.json and tenants.yaml: two registrations, both with changes.
    private const string First = "azurestack-8f3e1b2c";
    private const string Second = "azurestack-2d4c6e8a";

    private static string Tenants => RepoFiles.Path("tenants.yaml");

    [Fact]
    public async Task Plan_OneRegistration_ListsAndPlansOnlyThatOne()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var plan = await bed.RunAsync("plan", "-f", Tenants, "-o", "json", "--registration", Second);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        var registrations = JsonNode.Parse(plan.Stdout)!["registrations"]!.AsArray();
        Assert.Equal(Second, Assert.Single(registrations)!["name"]!.GetValue<string>());
        Assert.NotEmpty(bed.Emulator.Requests);
        Assert.DoesNotContain(bed.Emulator.Requests, r => r.PathAndQuery.Contains(First, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("apply")]
    [InlineData("tenants")]
    public async Task Command_UnknownRegistration_ExitsOneNamingTheKnownOnesWithoutARequest(string command)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        string[] extra = command == "apply" ? ["--auto-approve"] : command == "tenants" ? ["--live"] : [];

        // Act
        var result = await bed.RunAsync([command, "-f", Tenants, "--registration", Second, "--registration", "azurestack-typo", .. extra]);

        // Assert
        Assert.True(result.ExitCode == ExitCodes.Error, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Error: --registration 'azurestack-typo': no such registration in ", line, StringComparison.Ordinal);
        Assert.Contains($"its registrations are {First}, {Second}", line, StringComparison.Ordinal);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public async Task Watch_UnknownRegistration_ExitsOneBeforeListening()
    {
        // Arrange
        using var temp = new TempDirectory();

        // Act
        var result = await CliRunner.RunAsync("watch", "-f", Tenants, "--emulator", temp.File("state.json"), "--registration", "azurestack-typo", "--listen", "127.0.0.1:0");

        // Assert
        Assert.True(result.ExitCode == ExitCodes.Error, result.ToString());
        Assert.Contains("Error: --registration 'azurestack-typo': no such registration in ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Listening on", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_OneRegistration_TicksReconcileAndWriteOnlyThatOne()
    {
        // Arrange
        await using var emulator = await TenantReconciler.Emulator.ArmEmulator.StartAsync(new TenantReconciler.Emulator.EmulatorOptions { InitialState = CliTestBed.ExampleState() });
        using var temp = new TempDirectory();

        // Act
        await using var watch = await Watch.WatchRun.StartAsync(emulator, temp, Tenants, options: ["--mode", "full", "--registration", Second]);
        var tick = await watch.Events.NextAsync<TenantReconciler.Cli.Watch.TickReport>();

        // Assert
        Assert.Equal(Second, Assert.Single(tick.Registrations).Registration.Name);
        Assert.Contains(emulator.Requests, r => r.Method == "PUT");
        Assert.DoesNotContain(emulator.Requests, r => r.PathAndQuery.Contains(First, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ApplySavedPlan_LimitedToOneRegistration_ReDerivesAndWritesOnlyThatOne()
    {
        // Arrange: a plan limited to one registration, saved.
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", Tenants, "--registration", Second, "--out", planFile);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", Tenants);
        var after = await bed.RunAsync("plan", "-f", Tenants, "-o", "json");

        // Assert: recorded, applied to that registration only; the other still has its changes.
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Equal([Second], JsonNode.Parse(File.ReadAllText(planFile))!["source"]!["registrations"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var writes = bed.Emulator.Requests.Where(r => r.Method is "PUT" or "DELETE").ToArray();
        Assert.NotEmpty(writes);
        Assert.All(writes, w => Assert.Contains(Second, w.PathAndQuery, StringComparison.OrdinalIgnoreCase));
        var registrations = JsonNode.Parse(after.Stdout)!["registrations"]!.AsArray();
        Assert.Equal(0, registrations.Single(r => r!["name"]!.GetValue<string>() == Second)!["summary"]!["add"]!.GetValue<int>());
        Assert.True(registrations.Single(r => r!["name"]!.GetValue<string>() == First)!["summary"]!["remove"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task ApplySavedPlan_OtherRegistrationGiven_RefusedWithZeroWrites()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var plan = await bed.RunAsync("plan", "-f", Tenants, "--registration", Second, "--out", planFile);

        // Act
        var apply = await bed.RunAsync("apply", planFile, "-f", Tenants, "--registration", First);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.True(apply.ExitCode == ExitCodes.Error, apply.ToString());
        Assert.Contains($"the saved plan is limited to '{Second}', and --registration cannot change that", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, bed.Writes);
    }

    [Theory]
    [InlineData(null, ExitCodes.Error)]
    [InlineData(Second, ExitCodes.Changes)]
    public async Task PlanDetailedExitCode_GuardsJudgeTheRegistrationsInScope(string? registration, int expected)
    {
        // Arrange: with --max-removals 0, the first registration's dropped mappings trip the threshold; the second only adds.
        await using var bed = await CliTestBed.StartAsync();
        string[] scope = registration is null ? [] : ["--registration", registration];

        // Act
        var plan = await bed.RunAsync(["plan", "-f", Tenants, "--detailed-exitcode", "--max-removals", "0", .. scope]);

        // Assert
        Assert.True(plan.ExitCode == expected, plan.ToString());
    }

    [Fact]
    public async Task Tenants_OneRegistration_TheViewHasOnlyThatColumn()
    {
        // Arrange: the desired view, no request.

        // Act
        var view = await CliRunner.RunAsync("tenants", "-f", Tenants, "-o", "json", "--registration", First.ToUpperInvariant());

        // Assert: ARM names compare case-insensitively.
        Assert.True(view.ExitCode == 0, view.ToString());
        Assert.Equal(First, Assert.Single(JsonNode.Parse(view.Stdout)!["registrations"]!.AsArray())!["name"]!.GetValue<string>());
    }
}
