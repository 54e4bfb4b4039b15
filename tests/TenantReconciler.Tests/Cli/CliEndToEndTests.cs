namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The whole CLI in process against the real emulator over HTTPS, through the real Azure.Core pipeline.
/// </summary>
public sealed class CliEndToEndTests : IDisposable
{
    private const string Reg1Sub = "6513270e-269e-4d37-b2a7-4de452e6b438";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Plan_ExampleFilesOnEmbeddedEmulator_ShowsAddOverwriteAndRemove()
    {
        // Arrange
        var state = CopyExampleState();

        // Act
        var result = await CliRunner.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state);

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("+ customerSubscription 0cb1e29c-658c-4a14-95e6-0af593bd04cf", result.Stdout);
        Assert.Contains("~ customerSubscription 8e81973e-0bec-47b0-b898-d190f9ebdacc", result.Stdout);
        Assert.Contains("- customerSubscription ae97ba94-d0ed-482f-8f6d-05584ef8aa38", result.Stdout);
        Assert.Contains("2 to add, 2 to overwrite, 1 to remove", result.Stdout);
        Assert.DoesNotContain("Error", result.Stderr);
    }

    [Fact]
    public async Task PlanApplyPlan_EmbeddedEmulator_ConvergesAndUpdatesStateFile()
    {
        // Arrange
        var state = CopyExampleState();
        var tenants = RepoFiles.Path("tenants.yaml");

        // Act
        var before = await CliRunner.RunAsync("plan", "-f", tenants, "--emulator", state, "--detailed-exitcode");
        var apply = await CliRunner.RunAsync("apply", "-f", tenants, "--emulator", state, "--auto-approve", "--journal", _temp.File("journal.jsonl"));
        var after = await CliRunner.RunAsync("plan", "-f", tenants, "--emulator", state, "--detailed-exitcode");

        // Assert
        Assert.True(before.ExitCode == 2, before.ToString());
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("Converged", apply.Stdout);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Contains("No changes", after.Stdout);

        var saved = File.ReadAllText(state);
        Assert.DoesNotContain("ae97ba94", saved, StringComparison.OrdinalIgnoreCase);   // removed
        Assert.DoesNotContain("6b4cb242", saved, StringComparison.OrdinalIgnoreCase);   // moved away from
        Assert.Contains("92276658", saved, StringComparison.OrdinalIgnoreCase);         // moved to
    }

    [Theory]
    [InlineData(OverwriteSemantics.Replace, 200)]
    [InlineData(OverwriteSemantics.Independent, 200)]
    [InlineData(OverwriteSemantics.Replace, 201)]
    [InlineData(OverwriteSemantics.Independent, 201)]
    public async Task PlanApplyPlan_StandaloneEmulatorWithCaCert_ConvergesUnderEachSemantics(OverwriteSemantics semantics, int putStatus)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions { OverwriteSemantics = semantics, PutStatus = putStatus, PageSize = 2 });

        // Act
        var before = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--detailed-exitcode");
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve");
        var after = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--detailed-exitcode");

        // Assert
        Assert.True(before.ExitCode == 2, before.ToString());
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.True(after.ExitCode == 0, after.ToString());
        var reg1 = bed.Emulator.Snapshot().Registrations.Single(r => r.SubscriptionId == Reg1Sub);
        Assert.Equal(4, reg1.CustomerSubscriptions.Count);
    }

    [Fact]
    public async Task Apply_NonInteractiveWithoutAutoApprove_RefusesAndWritesNothing()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var result = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        bed.AssertRefusedWithoutWrites(result, "--auto-approve");
    }

    [Theory]
    [InlineData("yes\n", 0, true)]
    [InlineData("no\n", 1, false)]
    [InlineData("", 1, false)]
    public async Task Apply_Interactive_AppliesOnlyOnYes(string answer, int expectedExit, bool expectWrites)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var result = await CliRunner.RunWithInputAsync(answer, ["apply", "-f", RepoFiles.Path("tenants.yaml"), "--journal", bed.Journal, .. bed.Connection]);

        // Assert
        Assert.True(result.ExitCode == expectedExit, result.ToString());
        Assert.Contains("Only 'yes' will be accepted", result.Stdout);
        Assert.Equal(expectWrites, bed.Writes > 0);
    }

    [Fact]
    public async Task Plan_InvalidYaml_ReportsFileLineColumnAndSendsNoRequest()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var file = _temp.Write("tenants.yaml", """
            registrations:
              - name: azurestack-1
                subscriptionId: not-a-guid
                resourceGroup: azurestack
                tenants:
                  - tenantID: 9531985d-5d9d-49f8-9818-e811892f902b
                    customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5
            """);

        // Act
        var result = await bed.RunAsync("apply", "-f", file, "--auto-approve");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{file}:3:", result.Stderr);
        Assert.Contains($"{file}:6:", result.Stderr);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public async Task Plan_EmulatorAuthForNonLoopbackEndpoint_IsRefused()
    {
        // Act
        var result = await CliRunner.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--auth", "emulator", "--arm-endpoint", "https://management.azure.com");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("loopback", result.Stderr);
    }

    [Fact]
    public async Task Plan_JsonOutput_HasContractFields()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var result = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--output", "json");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.TryGetProperty("formatVersion", out _));
        var summary = json.RootElement.GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("add").GetInt32());
        Assert.Equal(2, summary.GetProperty("overwrite").GetInt32());
        Assert.Equal(1, summary.GetProperty("remove").GetInt32());
        Assert.Equal(2, summary.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task Validate_ValidAndInvalidFiles_ExitZeroAndOne()
    {
        // Arrange
        var invalid = _temp.Write("bad.yaml", "registrations: []\n");

        // Act
        var ok = await CliRunner.RunAsync("validate", "-f", RepoFiles.Path("tenants.yaml"));
        var bad = await CliRunner.RunAsync("validate", "-f", invalid);

        // Assert
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains($"{invalid}:1:", bad.Stderr);
    }

    [Fact]
    public async Task Plan_UnknownOutputFormat_IsAParseError()
    {
        // Act
        var result = await CliRunner.RunAsync("plan", "--output", "yaml");

        // Assert
        Assert.Equal(1, result.ExitCode);
    }

    private string CopyExampleState()
    {
        var path = _temp.File("state.json");
        File.Copy(RepoFiles.Path("examples/emulator-state.json"), path);
        return path;
    }
}
