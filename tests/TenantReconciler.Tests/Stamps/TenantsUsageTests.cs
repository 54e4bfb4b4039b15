using Snapshooter.Xunit;
using static TenantReconciler.Tests.Stamps.StampFixtures;

namespace TenantReconciler.Tests.Stamps;

/// <summary>
/// <c>tenants --live</c> with a <c>stamp:</c> block: a usage column, end to end through the real pipeline to the
/// emulator's ARM and stamp over HTTPS. Contoso is mapped with 36.5 units, Fabrikam has 30 units and no mapping (a row
/// of its own), Northwind is a reseller's tenant (a row of its own, its usage unknown).
/// </summary>
public sealed class TenantsUsageTests
{
    [Fact]
    public async Task TenantsLive_Text_UsageColumnAndTheStampsRead()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();

        // Act
        var result = await bed.RunAsync("tenants", "-f", bed.WriteTenants(), "--live");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Snapshot.Match(bed.Stable(result.Stdout));
        Assert.Equal(string.Empty, result.Stderr);
        Assert.DoesNotContain(bed.Emulator.Requests, r => r.Method != "GET");
    }

    [Fact]
    public async Task TenantsLive_Json_FormatTwoPointOneWithUsage()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();

        // Act
        var result = await bed.RunAsync("tenants", "-f", bed.WriteTenants(), "--live", "-o", "json");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Snapshot.Match(bed.Stable(result.Stdout));
        using var document = JsonDocument.Parse(result.Stdout);
        var tenants = document.RootElement.GetProperty("tenants").EnumerateArray().ToDictionary(t => t.GetProperty("tenantId").GetString()!);
        Assert.Equal(36.5m, tenants[Contoso].GetProperty("usage").GetProperty("quantity").GetDecimal());
        Assert.Equal("used", tenants[Fabrikam].GetProperty("usage").GetProperty("kind").GetString());
        Assert.Empty(tenants[Fabrikam].GetProperty("cells").EnumerateArray());
    }

    [Fact]
    public async Task TenantsLive_Markdown_UsageColumn()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();

        // Act
        var result = await bed.RunAsync("tenants", "-f", bed.WriteTenants(), "--live", "-o", "markdown");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Snapshot.Match(bed.Stable(result.Stdout));
    }

    [Fact]
    public async Task TenantsLive_UsageUnreadable_EveryTenantUnknownNeverNone()
    {
        // Arrange: the usage answers 403 (not retried).
        var stamp = Stamp() with { Faults = [UsageForbidden()] };
        await using var bed = await StampTestBed.StartAsync(State(stamp));

        // Act
        var text = await bed.RunAsync("tenants", "-f", bed.WriteTenants(), "--live");
        var json = await bed.RunAsync("tenants", "-f", bed.WriteTenants(), "--live", "-o", "json");

        // Assert: the table is shown (exit 0), every usage is unknown with the reason, and none says "none".
        Assert.True(text.ExitCode == 0, text.ToString());
        Snapshot.Match(Regex.Replace(bed.Stable(text.Stdout), "(request-id: )[0-9a-f-]{36}", "$1(id)"));
        Assert.DoesNotContain("  none", text.Stdout, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.All(document.RootElement.GetProperty("tenants").EnumerateArray(), t => Assert.Equal("unknown", t.GetProperty("usage").GetProperty("kind").GetString()));
        Assert.Equal("unknown", document.RootElement.GetProperty("usage").GetProperty("stamps")[0].GetProperty("status").GetString());
        Assert.Contains($"Warning: {RegistrationName}: usage unknown: the stamp at ", json.Stderr, StringComparison.Ordinal);
        Assert.Contains("403 AuthorizationFailed", json.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantsLive_WithoutStampBlock_NoUsageAndNoStampRequest()
    {
        // Arrange: the same registration, without its stamp: block.
        await using var bed = await StampTestBed.StartAsync();
        var file = bed.Temp.Write("plain.yaml", PlainYaml());

        // Act
        var result = await bed.RunAsync("tenants", "-f", file, "--live", "-o", "json");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.Equal("2.0", document.RootElement.GetProperty("formatVersion").GetString());
        Assert.False(document.RootElement.TryGetProperty("usage", out _));
        Assert.DoesNotContain(bed.Emulator.Requests, r => r.PathAndQuery.Contains("/stamps/", StringComparison.Ordinal));
    }
}
