using TenantReconciler.Schema;
using TenantReconciler.Tests.Schema;

namespace TenantReconciler.Tests.Cli;

/// <summary><c>import</c> against the emulator over HTTPS: a round trip to "no changes", and fail-closed listings.</summary>
public sealed class ImportTests
{
    private const string Guid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private const string Reg1Sub = "6513270e-269e-4d37-b2a7-4de452e6b438";
    private const string Reg2Sub = "d23f0824-128b-4f33-8c5c-7fd0a6a3a450";
    private const string Reg1 = $"/subscriptions/{Reg1Sub}/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-8f3e1b2c";
    private const string Reg2 = $"/subscriptions/{Reg2Sub}/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-2d4c6e8a";

    [Fact]
    public async Task Import_ThousandMappingsOverTenPages_PlanShowsNoChanges()
    {
        // Arrange: 1,000 mappings, listed 100 to a page.
        var state = new EmulatorState { Registrations = [Registration(Reg1Sub, "azurestack-8f3e1b2c", 1000)] };
        await using var bed = await CliTestBed.StartAsync(state, new EmulatorOptions { PageSize = 100 });
        var file = bed.Temp.File("imported.yaml");

        // Act
        var import = await bed.RunAsync("import", Reg1);
        File.WriteAllText(file, import.Stdout);
        var plan = await bed.RunAsync("plan", "-f", file, "--detailed-exitcode");

        // Assert
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal(2 * 10, bed.Emulator.Requests.Count(r => r.Method == "GET" && r.PathAndQuery.Contains("/customerSubscriptions?", StringComparison.Ordinal))); // 10 pages, for import and for plan
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("No changes", plan.Stdout);
        Assert.Contains("1000 customer subscriptions unchanged", plan.Stdout);
        Assert.Equal(1000, DesiredStateLoader.Load(file).Registrations.Single().Tenants.Count);
        Assert.Equal(0, bed.Writes);
    }

    [Fact]
    public async Task Import_TwoRegistrationsToFile_PlanShowsNoChangesAndTheFileIsValid()
    {
        // Arrange: the example state (4 and 1 mappings, upper-case ids), two to a page.
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions { PageSize = 2 });
        var file = bed.Temp.File("tenants.yaml");

        // Act
        var import = await bed.RunAsync("import", Reg2, Reg1, "-o", file);
        var plan = await bed.RunAsync("plan", "-f", file, "--detailed-exitcode");

        // Assert
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Equal(string.Empty, import.Stdout);
        Assert.Contains("Imported 5 tenant mapping(s) of 2 registration(s)", import.Stderr);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("5 customer subscriptions unchanged in 2 registrations", plan.Stdout);

        var text = File.ReadAllText(file);
        Assert.StartsWith(TenantsSchema.BesideModeline() + "\n", text, StringComparison.Ordinal);
        // 2 registration subscriptions, 5 tenants, 5 customer subscriptions: every GUID in lower case.
        Assert.Equal(12, Regex.Count(text, Guid, RegexOptions.IgnoreCase));
        Assert.Equal(12, Regex.Count(text, Guid));
        Assert.DoesNotContain("        name:", text, StringComparison.Ordinal);
        Assert.Contains("add a 'name:' label to each tenant", text, StringComparison.Ordinal);
        Assert.True(TenantsSchemaTests.Validate(text, out var errors) == SchemaVerdict.Valid, errors);
        var loaded = DesiredStateLoader.Load(file);
        Assert.Equal([Reg1, Reg2], loaded.Registrations.Select(r => r.Registration.Id.ToString()));
        var tenants = loaded.Registrations[0].Tenants.Select(t => t.TenantId.ToString("D")).ToList();
        Assert.Equal(tenants.Order(StringComparer.Ordinal), tenants);
    }

    [Fact]
    public async Task Import_SubscriptionResourceGroupRegistrationOptions_SameAsTheId()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var byId = await bed.RunAsync("import", Reg1);
        var byOptions = await bed.RunAsync("import", "--subscription", Reg1Sub, "--resource-group", "azurestack", "--registration", "azurestack-8f3e1b2c");

        // Assert
        Assert.True(byOptions.ExitCode == 0, byOptions.ToString());
        Assert.Equal(byId.Stdout, byOptions.Stdout);
    }

    [Fact]
    public async Task Import_OutputExists_RefusesWithoutForceAndReplacesWithIt()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var file = bed.Temp.Write("tenants.yaml", "keep me\n");

        // Act
        var refused = await bed.RunAsync("import", Reg1, "-o", file);
        var requestsAfterRefusal = bed.Emulator.Requests.Count;
        var forced = await bed.RunAsync("import", Reg1, "-o", file, "--force");

        // Assert
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already exists", refused.Stderr);
        Assert.Contains("--force", refused.Stderr);
        Assert.Equal(0, requestsAfterRefusal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.StartsWith(TenantsSchema.BesideModeline(), File.ReadAllText(file), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(bed.Temp.Path, "*.yaml*")); // no temporary file left behind
    }

    [Fact]
    public async Task Import_OneRegistrationNotFound_NoOutputAndExitOne()
    {
        // Arrange: the second registration does not exist.
        await using var bed = await CliTestBed.StartWithoutSecondRegistrationAsync();
        var file = bed.Temp.File("tenants.yaml");

        // Act
        var toStdout = await bed.RunAsync("import", Reg1, Reg2);
        var toFile = await bed.RunAsync("import", Reg1, Reg2, "-o", file);

        // Assert
        Assert.Equal(1, toStdout.ExitCode);
        Assert.Equal(string.Empty, toStdout.Stdout);
        Assert.Contains("ResourceNotFound", toStdout.Stderr);
        Assert.Contains("x-ms-request-id", toStdout.Stderr);
        Assert.Equal(1, toFile.ExitCode);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task Import_SecondPageFails_NoOutputAndExitOne()
    {
        // Arrange: one mapping to a page, and every later page refused.
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions { PageSize = 1, Middleware = [ArmFaults.FailLaterPages] });
        var file = bed.Temp.File("tenants.yaml");

        // Act
        var toStdout = await bed.RunAsync("import", Reg1);
        var toFile = await bed.RunAsync("import", Reg1, "-o", file);

        // Assert
        Assert.Equal(1, toStdout.ExitCode);
        Assert.Equal(string.Empty, toStdout.Stdout);
        Assert.Contains("AuthorizationFailed", toStdout.Stderr);
        Assert.Equal(1, toFile.ExitCode);
        Assert.Empty(Directory.GetFiles(bed.Temp.Path, "*.yaml*"));
    }

    [Fact]
    public async Task Import_TenantMappedTwiceInARegistration_RefusesWithNoOutput()
    {
        // Arrange: one tenant behind two customer subscriptions, which tenants.yaml cannot say.
        var state = new EmulatorState { Registrations = [Registration(Reg1Sub, "azurestack-8f3e1b2c", 2)] };
        state.Registrations[0].CustomerSubscriptions[1] = state.Registrations[0].CustomerSubscriptions[1] with { TenantId = state.Registrations[0].CustomerSubscriptions[0].TenantId };
        await using var bed = await CliTestBed.StartAsync(state);

        // Act
        var import = await bed.RunAsync("import", Reg1);

        // Assert
        Assert.Equal(1, import.ExitCode);
        Assert.Equal(string.Empty, import.Stdout);
        Assert.Contains("is mapped to 2 customer subscriptions", import.Stderr);
    }

    [Theory]
    [InlineData("/subscriptions/not-a-guid/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/r", "not a subscription GUID")]
    [InlineData($"/subscriptions/{Reg1Sub}/resourceGroups/azurestack/providers/Microsoft.Compute/registrations/r", "must be 'Microsoft.AzureStack'")]
    [InlineData($"{Reg1}/customerSubscriptions/0cb1e29c-658c-4a14-95e6-0af593bd04cf", "customer subscription, not a registration")]
    [InlineData($"/subscriptions/{Reg1Sub}/resourceGroups/azurestack", "segments")]
    public async Task Import_MalformedId_ExitsOneNamingTheProblemAndSendsNothing(string id, string problem)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var import = await bed.RunAsync("import", id);

        // Assert
        Assert.Equal(1, import.ExitCode);
        Assert.Contains(problem, import.Stderr);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Theory]
    [InlineData("give all three", "--subscription", Reg1Sub, "--registration", "azurestack-8f3e1b2c")]
    [InlineData("not both", Reg1, "--subscription", Reg1Sub, "--resource-group", "azurestack", "--registration", "azurestack-8f3e1b2c")]
    [InlineData("Name at least one registration")]
    [InlineData("--force only applies with --output", Reg1, "--force")]
    [InlineData("not a valid registration name", "--subscription", Reg1Sub, "--resource-group", "azurestack", "--registration", "bad/name")]
    public async Task Import_InconsistentOptions_ExitsOneWithTheUsageErrorAndSendsNothing(string error, params string[] args)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var import = await bed.RunAsync(["import", .. args]);

        // Assert
        Assert.Equal(1, import.ExitCode);
        Assert.Contains(error, import.Stderr);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public async Task Import_EmbeddedEmulatorWithNewStateFile_WritesAnEmptyRegistrationThatLoads()
    {
        // Arrange: --emulator with a state file that does not exist yet is seeded with the named registration.
        using var temp = new TempDirectory();
        var state = temp.File("state.json");

        // Act
        var import = await CliRunner.RunAsync("import", Reg1, "--emulator", state, "--api-version", "2022-06-01", "--cloud", "azureusgovernment");

        // Assert
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("    tenants: []\n", import.Stdout, StringComparison.Ordinal);
        var loaded = DesiredStateLoader.Parse(import.Stdout, "imported.yaml");
        Assert.Equal(AzureCloud.AzureUSGovernment, loaded.Cloud);
        Assert.Equal("2022-06-01", loaded.ApiVersion);
        Assert.Empty(loaded.Registrations.Single().Tenants);
    }

    private static EmulatorRegistration Registration(string subscriptionId, string name, int mappings) => new()
    {
        SubscriptionId = subscriptionId,
        ResourceGroup = "azurestack",
        Name = name,
        CustomerSubscriptions = Enumerable.Range(0, mappings)
            .Select(i => new EmulatorCustomerSubscription
            {
                // Upper case, as ARM shows them; import writes them in lower case.
                SubscriptionId = $"{(mappings - i) * 7919:X8}-0000-4000-8000-{i:X12}",
                TenantId = $"{i * 104729 % 1000003:X8}-1111-4000-8000-{i:X12}",
            })
            .ToList(),
    };
}
