namespace TenantReconciler.Tests.Stamps;

/// <summary><c>import --stamp-endpoint … --stamp-provider-subscription …</c>: the stamp block in the written file.</summary>
public sealed class StampImportTests
{
    private const string Reg1 = "/subscriptions/6513270e-269e-4d37-b2a7-4de452e6b438/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-8f3e1b2c";
    private const string Reg2 = "/subscriptions/d23f0824-128b-4f33-8c5c-7fd0a6a3a450/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-2d4c6e8a";
    private const string Provider = "8158498d-27b1-4ccf-9aa1-de0f925731e6";

    [Fact]
    public async Task Import_WithAStamp_WritesTheStampBlockAndTheFileLoadsWithIt()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var file = bed.Temp.File("tenants.yaml");

        // Act
        var import = await bed.RunAsync("import", Reg1, "--stamp-endpoint", "https://AdminManagement.east.contoso.com/", "--stamp-provider-subscription", Provider.ToUpperInvariant(), "-o", file);

        // Assert
        Assert.True(import.ExitCode == 0, import.ToString());
        var text = File.ReadAllText(file);
        Assert.Contains(
            "    resourceGroup: azurestack\n    stamp:                  # read only: usage in plans, and audit's unbilled tenants\n"
            + "      adminEndpoint: https://adminmanagement.east.contoso.com\n"
            + $"      providerSubscriptionId: {Provider}\n    tenants:\n",
            text,
            StringComparison.Ordinal);
        var stamp = DesiredStateLoader.Load(file).Registrations.Single().Stamp;
        Assert.NotNull(stamp);
        Assert.Equal(new Uri("https://adminmanagement.east.contoso.com"), stamp.AdminEndpoint);
        Assert.Equal(Guid.Parse(Provider), stamp.ProviderSubscriptionId);
        Assert.Empty(stamp.BilledToOperator);
    }

    [Theory]
    [InlineData("--stamp-endpoint and --stamp-provider-subscription name one stamp together", Reg1, "--stamp-endpoint", "https://adminmanagement.east.contoso.com")]
    [InlineData("--stamp-endpoint and --stamp-provider-subscription name one stamp together", Reg1, "--stamp-provider-subscription", Provider)]
    [InlineData("--stamp-endpoint writes the stamp of one registration", Reg1, Reg2, "--stamp-endpoint", "https://adminmanagement.east.contoso.com", "--stamp-provider-subscription", Provider)]
    [InlineData("--stamp-endpoint must be an https URL without user-info, query or fragment, but it uses 'http'", Reg1, "--stamp-endpoint", "http://adminmanagement.east.contoso.com", "--stamp-provider-subscription", Provider)]
    [InlineData("--stamp-endpoint must be an https URL without user-info, query or fragment, but it has user-info", Reg1, "--stamp-endpoint", "https://me:secret-canary@adminmanagement.east.contoso.com", "--stamp-provider-subscription", Provider)]
    [InlineData("--stamp-provider-subscription must be the stamp's Default Provider Subscription", Reg1, "--stamp-endpoint", "https://adminmanagement.east.contoso.com", "--stamp-provider-subscription", "default")]
    public async Task Import_BadStampOptions_ExitOneAndNothingSent(string message, params string[] args)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var import = await bed.RunAsync(["import", .. args]);

        // Assert
        Assert.Equal(1, import.ExitCode);
        Assert.Contains(message, import.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-canary", import.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, import.Stdout);
        Assert.Empty(bed.Emulator.Requests);
    }
}
