namespace TenantReconciler.Tests.Cli;

/// <summary><c>check</c> against the emulator over HTTPS: one line per check, ✔ or ✘ with a fix, skipped when a premise failed.</summary>
public sealed class CheckTests
{
    [Fact]
    public async Task Check_GoodRegistrations_AllPassExitZeroAndNoWrite()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var check = await bed.RunAsync("check", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.True(check.ExitCode == 0, check.ToString());
        var lines = Lines(check.Stdout);
        Assert.Equal(11, lines.Count);
        Assert.All(lines, line => Assert.StartsWith("✔ ", line, StringComparison.Ordinal));
        Assert.Contains("✔ registration azurestack-8f3e1b2c carries no management lock (on it or above)", lines);
        Assert.Contains("✔ --auth emulator gets a token for https://management.azure.com/.default (AzureCloud)", lines);
        Assert.Contains($"✔ ARM endpoint {bed.Emulator.BaseUri} answers", lines);
        Assert.Contains(lines, l => l.StartsWith("✔ registration azurestack-8f3e1b2c exists (billing model PayAsYouUse, Cloud ID 8f3e1b2c, object id ", StringComparison.Ordinal));
        Assert.Contains("✔ registration azurestack-2d4c6e8a allows customer subscriptions (billing model PayAsYouUse)", lines);
        Assert.Contains("✔ the customer subscriptions of registration azurestack-8f3e1b2c can be listed (4 mapping(s))", lines);
        Assert.Contains("All 11 checks passed.", check.Stdout);
        Assert.Equal(0, bed.Writes);
        Assert.All(bed.Emulator.Requests, r => Assert.Equal("GET", r.Method));
    }

    [Fact]
    public async Task Check_CapacityRegistration_FailsPlainlyNamingTheRegistration()
    {
        // Arrange
        var state = CliTestBed.ExampleState();
        state.Registrations[0] = state.Registrations[0] with { BillingModel = EmulatorRegistration.CapacityBillingModel };
        await using var bed = await CliTestBed.StartAsync(state);

        // Act
        var check = await bed.RunAsync("check", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.Equal(1, check.ExitCode);
        Assert.Contains(
            "✘ registration azurestack-8f3e1b2c allows customer subscriptions: it does not. Its billing model is Capacity, " +
            "and ARM refuses every customer subscription of a Capacity registration (CustomerSubscriptionsNotAllowed)\n" +
            $"    hint (CustomerSubscriptionsNotAllowed): {ArmErrorHints.HintFor("CustomerSubscriptionsNotAllowed")}\n" +
            "    fix: Map these tenants through a pay-as-you-use registration, or remove azurestack-8f3e1b2c from the file.\n",
            check.Stdout,
            StringComparison.Ordinal);
        Assert.Contains("✔ registration azurestack-8f3e1b2c exists (billing model Capacity", check.Stdout);
        Assert.Contains("✔ registration azurestack-2d4c6e8a allows customer subscriptions", check.Stdout);
        Assert.Contains("✔ the customer subscriptions of registration azurestack-8f3e1b2c can be listed", check.Stdout);
        Assert.Contains("1 of 11 checks failed, 0 skipped, 10 passed.", check.Stdout);
    }

    [Fact]
    public async Task Check_MissingRegistration_RegistrationNotFoundWithItsHintOnceAndItsLaterChecksSkipped()
    {
        // Arrange: the second registration does not exist.
        await using var bed = await CliTestBed.StartWithoutSecondRegistrationAsync();

        // Act
        var check = await bed.RunAsync("check", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.Equal(1, check.ExitCode);
        var hint = ArmErrorHints.HintFor(ArmErrorHints.RegistrationNotFound)!;
        Assert.Contains("✘ registration azurestack-2d4c6e8a exists\n    GET ", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("failed: 404 RegistrationNotFound:", check.Stdout);
        Assert.Contains("x-ms-request-id: ", check.Stdout);
        Assert.Contains($"    hint (RegistrationNotFound): {hint}\n", check.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(check.Stdout, hint));
        Assert.Contains("    fix: Check subscriptionId, resourceGroup and name of", check.Stdout);
        Assert.Contains("○ registration azurestack-2d4c6e8a allows customer subscriptions: skipped (the registration was not read)", check.Stdout);
        Assert.Contains("○ the customer subscriptions of registration azurestack-2d4c6e8a can be listed: skipped", check.Stdout);
        Assert.Contains("✔ the customer subscriptions of registration azurestack-8f3e1b2c can be listed", check.Stdout);
        Assert.Contains("○ the management locks of registration azurestack-2d4c6e8a: skipped (the registration was not read)", check.Stdout);
        Assert.Contains("1 of 11 checks failed, 3 skipped, 7 passed.", check.Stdout);
    }

    [Fact]
    public async Task Check_InvalidFile_FailsWithLineAndColumnSkipsTheRestAndSendsNothing()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var file = bed.Temp.Write("tenants.yaml", """
            registrations:
              - name: azurestack-8f3e1b2c
                subscriptionId: not-a-guid
                resourceGroup: azurestack
                tenants: []
            """);

        // Act
        var check = await bed.RunAsync("check", "-f", file);

        // Assert
        Assert.Equal(1, check.ExitCode);
        var lines = Lines(check.Stdout);
        Assert.StartsWith($"✘ {file} is valid: 1 problem(s)", lines[0], StringComparison.Ordinal);
        Assert.Contains($"    {file}:3:21", check.Stdout);
        Assert.Contains("    fix: Correct the problems above", check.Stdout);
        Assert.Equal(6, lines.Count(l => l.StartsWith("○ ", StringComparison.Ordinal) && l.EndsWith("skipped (the file is not valid)", StringComparison.Ordinal)));
        Assert.Contains("1 of 7 checks failed, 6 skipped, 0 passed.", check.Stdout);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public async Task Check_ListingForbidden_FailsTheListingCheckWithTheReadPermissionFix()
    {
        // Arrange: the registrations can be read, their customerSubscriptions cannot.
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions { Middleware = [ForbidListing] });

        // Act
        var check = await bed.RunAsync("check", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("✘ the customer subscriptions of registration azurestack-8f3e1b2c can be listed\n", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("403 AuthorizationFailed", check.Stdout);
        Assert.Contains("    fix: Give the identity read access to the registration's customerSubscriptions", check.Stdout);
        Assert.Contains("✔ registration azurestack-8f3e1b2c allows customer subscriptions", check.Stdout);
        Assert.Contains("2 of 11 checks failed", check.Stdout);
    }

    [Fact]
    public async Task Check_EmbeddedEmulator_AllPass()
    {
        // Arrange
        using var temp = new TempDirectory();
        var state = temp.File("state.json");
        File.Copy(RepoFiles.Path("examples/emulator-state.json"), state);

        // Act
        var check = await CliRunner.RunAsync("check", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state);

        // Assert
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("All 11 checks passed.", check.Stdout);
    }

    private static List<string> Lines(string stdout) =>
        stdout.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(' ') && !l.StartsWith("All ", StringComparison.Ordinal) && !l.Contains("checks failed", StringComparison.Ordinal)).ToList();

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task ForbidListing(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Method == "GET" && context.Request.Path.Value!.EndsWith("/customerSubscriptions", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = 403;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("""{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.AzureStack/registrations/customerSubscriptions/read'."}}""");
            return;
        }

        await next(context);
    }
}

/// <summary><c>check</c> with a credential that cannot sign in: changes process-wide variables, so it runs alone.</summary>
[Collection(CredentialEnvironmentCollection.Name)]
public sealed class CheckCredentialTests
{
    [Fact]
    public async Task Check_EnvironmentCredentialWithoutVariables_ExplainsTheTokenFailureAndSkipsTheRest()
    {
        // Arrange
        using var environment = new CredentialEnvironment();
        await using var bed = await CliTestBed.StartAsync();
        var pem = bed.Connection[Array.IndexOf(bed.Connection, "--ca-cert") + 1];

        // Act
        var check = await CliRunner.RunAsync(
            "check", "-f", RepoFiles.Path("tenants.yaml"), "--auth", "environment", "--arm-endpoint", bed.Emulator.BaseUri.ToString(), "--ca-cert", pem);

        // Assert
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("✘ --auth environment gets a token for https://management.azure.com/.default (AzureCloud)\n    --auth environment could not get a token", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("    fix: Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET", check.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, check.Stdout.Split("AZURE_CLIENT_SECRET (or").Length - 1);
        Assert.Contains("○ ARM endpoint answers: skipped (no token)", check.Stdout);
        Assert.Contains("1 of 11 checks failed, 9 skipped, 1 passed.", check.Stdout);
        Assert.Empty(bed.Emulator.Requests);
    }
}
