using TenantReconciler.Stamps;

namespace TenantReconciler.Tests.Stamps;

/// <summary>The <c>stamp:</c> block of tenants.yaml: what is read, and every problem at its line and column.</summary>
public sealed class StampDesiredStateTests
{
    private const string File = "tenants.yaml";
    private const string Provider = "8158498d-27b1-4ccf-9aa1-de0f925731e6";
    private const string Billed = "2b3697e6-a7a2-4cdd-a3d4-f4ef6505cd4f";
    private const string Tenant = "9531985d-5d9d-49f8-9818-e811892f902b";

    // "      adminEndpoint: " puts the value at column 22; "      providerSubscriptionId: " at 31; "        - " a list item at 11.
    private static string Yaml(string stamp, string tenants = $"    tenants:\n      - tenantId: {Tenant}\n        customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5\n") =>
        "registrations:\n"
        + "  - name: azurestack-8f3e1b2c\n"
        + "    subscriptionId: 6513270e-269e-4d37-b2a7-4de452e6b438\n"
        + "    resourceGroup: azurestack\n"
        + stamp
        + tenants;

    private static string StampBlock(string endpoint = "https://adminmanagement.east.contoso.com", string provider = Provider, string? billed = null) =>
        "    stamp:\n"
        + $"      adminEndpoint: {endpoint}\n"
        + $"      providerSubscriptionId: {provider}\n"
        + (billed is null ? string.Empty : $"      billedToOperator:\n{billed}");

    [Fact]
    public void Parse_Stamp_ReadsTheEndpointTheProviderAndTheBilledTenantsOnce()
    {
        // Arrange
        var yaml = Yaml(StampBlock(billed: $"        - {Billed}\n        - {Billed.ToUpperInvariant()}\n"));

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        var stamp = Assert.Single(state.Registrations).Stamp;
        Assert.NotNull(stamp);
        Assert.Equal(new Uri("https://adminmanagement.east.contoso.com"), stamp.AdminEndpoint);
        Assert.Equal(Guid.Parse(Provider), stamp.ProviderSubscriptionId);
        Assert.Equal([Guid.Parse(Billed)], stamp.BilledToOperator);
        Assert.True(stamp.IsBilledToOperator(Guid.Parse(Billed)));
        Assert.Equal(new SourceLocation(File, 5, 5), stamp.Location);
    }

    [Fact]
    public void Parse_NoStamp_StampIsNull()
    {
        // Act
        var state = DesiredStateLoader.Parse(Yaml(string.Empty), File);

        // Assert
        Assert.Null(Assert.Single(state.Registrations).Stamp);
    }

    [Theory]
    [InlineData("http://adminmanagement.east.contoso.com", "uses 'http', not https")]
    [InlineData("https://adminmanagement.east.contoso.com/?x=1", "has a query")]
    [InlineData("https://adminmanagement.east.contoso.com/#top", "has a fragment")]
    [InlineData("adminmanagement.east.contoso.com", "is not an absolute URL")]
    [InlineData("\"https://adminmanagement.east.contoso.com \"", "holds whitespace")]
    public void Parse_BadEndpoint_TR1027AtTheValue(string endpoint, string problem)
    {
        // Act
        var diagnostics = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(Yaml(StampBlock(endpoint)), File)).Diagnostics;

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.InvalidStampEndpoint, 6, 22), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains(problem, d.Message, StringComparison.Ordinal);
        Assert.StartsWith("tenants.yaml:6:22: error TR1027: 'adminEndpoint' must be an https URL", d.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EndpointWithAPassword_RefusedWithoutRepeatingThePassword()
    {
        // Act
        var diagnostics = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(Yaml(StampBlock("https://operator:hunter2@adminmanagement.east.contoso.com")), File)).Diagnostics;

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.InvalidStampEndpoint, 6, 22), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("user-info", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("operator:", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralStampProblems_AllReportedAtOnce()
    {
        // Arrange: a bad endpoint, a bad provider, a bad billed tenant and an unknown key.
        var yaml = Yaml(StampBlock("ftp://stamp", "default", "        - contoso\n") + "      region: east\n");

        // Act
        var diagnostics = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(yaml, File)).Diagnostics;

        // Assert
        Assert.Equal(
            [(DiagnosticCodes.InvalidStampEndpoint, 6, 22), (DiagnosticCodes.InvalidGuid, 7, 31), (DiagnosticCodes.InvalidGuid, 9, 11), (DiagnosticCodes.UnknownKey, 10, 7)],
            diagnostics.Select(d => (d.Code, d.Location.Line, d.Location.Column)));
    }

    [Fact]
    public void Parse_StampWithoutProvider_MissingKeyAtTheStamp()
    {
        // Arrange
        var yaml = Yaml("    stamp:\n      adminEndpoint: https://adminmanagement.east.contoso.com\n");

        // Act
        var diagnostics = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(yaml, File)).Diagnostics;

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.MissingKey, 6, 7), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("'providerSubscriptionId'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MisspelledStampKey_DidYouMeanAndNoMissingKey()
    {
        // Arrange
        var yaml = Yaml(StampBlock().Replace("providerSubscriptionId", "providerSubscriptionID", StringComparison.Ordinal));

        // Act
        var diagnostics = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(yaml, File)).Diagnostics;

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.UnknownKey, 7, 7), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("Did you mean 'providerSubscriptionId'?", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BilledTenantAlsoMapped_TR1029AtTheBilledEntry()
    {
        // Arrange
        var yaml = Yaml(StampBlock(billed: $"        - {Tenant.ToUpperInvariant()}\n"));

        // Act
        var diagnostics = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(yaml, File)).Diagnostics;

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.BilledTenantIsMapped, 9, 11), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains($"Tenant {Tenant}", d.Message, StringComparison.Ordinal);
        Assert.Contains("(line 11)", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://adminmanagement.west.contoso.com", Provider)]
    [InlineData("HTTPS://AdminManagement.East.Contoso.com/", "d9b782d5-d098-4374-8f2c-3907cc34611c")]
    public void Parse_OneStampUnderTwoRegistrations_TR1028AtTheSecondStamp(string endpoint, string provider)
    {
        // Arrange: the same provider subscription, or the same endpoint in another spelling.
        var yaml = Yaml(StampBlock(), "    tenants: []\n")
            + "  - name: azurestack-2d4c6e8a\n"
            + "    subscriptionId: d23f0824-128b-4f33-8c5c-7fd0a6a3a450\n"
            + "    resourceGroup: azurestack\n"
            + StampBlock(endpoint, provider)
            + "    tenants: []\n";

        // Act
        var diagnostics = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(yaml, File)).Diagnostics;

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.DuplicateStamp, 12, 5), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("already the stamp of registration 'azurestack-8f3e1b2c' at line 5", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadAll_OneStampInTwoFiles_TR1028NamingTheOtherFile()
    {
        // Arrange
        using var temp = new TempDirectory();
        var first = temp.Write("a.yaml", Yaml(StampBlock(), "    tenants: []\n"));
        var second = temp.Write("b.yaml", Yaml(StampBlock(), "    tenants: []\n").Replace("azurestack-8f3e1b2c", "azurestack-2d4c6e8a", StringComparison.Ordinal));

        // Act
        var diagnostics = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.LoadAll([first, second])).Diagnostics;

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal((second, DiagnosticCodes.DuplicateStamp, 5, 5), (d.Location.File, d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains($"at {first}:5:5", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BadStamp_ExitOneWithFileLineAndColumn()
    {
        // Arrange
        using var temp = new TempDirectory();
        var path = temp.Write("tenants.yaml", Yaml(StampBlock("https://adminmanagement.east.contoso.com?api-version=1")));

        // Act
        var result = await CliRunner.RunAsync("validate", "-f", path);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{path}:6:22: error TR1027: 'adminEndpoint' must be an https URL", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://adminmanagement.local.azurestack.external", true)]
    [InlineData("https://127.0.0.1:8443/stamps/8158498d-27b1-4ccf-9aa1-de0f925731e6", true)]
    [InlineData("https://[::1]:8443/", true)]
    [InlineData("https://", false)]
    [InlineData("https:///path", false)]
    [InlineData("file:///etc/passwd", false)]
    [InlineData("/relative/path", false)]
    [InlineData("", false)]
    public void StampEndpoint_TryParse_AcceptsOnlyPlainHttpsUrls(string text, bool valid)
    {
        // Act
        var accepted = StampEndpoint.TryParse(text, out _, out var problem);

        // Assert
        Assert.Equal(valid, accepted);
        Assert.Equal(valid, problem.ToString().Length == 0);
    }

    [Fact]
    public void StampEndpoint_Base_DropsTheTrailingSlashAndKeepsThePath()
    {
        // Assert
        Assert.Equal("https://stamp.example:30024/stamps/x", StampEndpoint.Base(new Uri("https://stamp.example:30024/stamps/x/")));
        Assert.Equal("https://stamp.example", StampEndpoint.Base(new Uri("https://stamp.example")));
    }
}
