using Snapshooter.Xunit;
using static TenantReconciler.Tests.Stamps.StampFixtures;

namespace TenantReconciler.Tests.Stamps;

/// <summary><c>audit</c> end to end: the CLI in process, the real pipeline, the emulator's ARM and stamp over HTTPS.</summary>
public sealed class AuditCommandTests
{
    [Fact]
    public async Task Audit_ExampleStamp_TheLeakWithItsUsageSubscriptionsAndTheSnippet()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();
        var file = bed.WriteTenants();

        // Act
        var result = await bed.RunAsync("audit", "-f", file);

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Snapshot.Match(bed.Stable(result.Stdout));
        Assert.Equal(string.Empty, result.Stderr);
        Assert.DoesNotContain(bed.Emulator.Requests, r => r.Method != "GET");
    }

    [Fact]
    public async Task Audit_Json_TheDocumentedContract()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();
        var file = bed.WriteTenants();

        // Act
        var result = await bed.RunAsync("audit", "-f", file, "-o", "json");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Snapshot.Match(bed.Stable(result.Stdout));
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.Equal(30m, document.RootElement.GetProperty("summary").GetProperty("unbilledUsage").GetDecimal());
    }

    [Fact]
    public async Task Audit_Markdown_ATableOfTheUnbilledTenants()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();
        var file = bed.WriteTenants();

        // Act
        var result = await bed.RunAsync("audit", "-f", file, "-o", "markdown");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Snapshot.Match(bed.Stable(result.Stdout));
    }

    [Fact]
    public async Task Audit_DetailedExitCode_2WithALeakAnd0WhenItIsBilledToTheOperator()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();

        // Act
        var leak = await bed.RunAsync("audit", "-f", bed.WriteTenants(), "--detailed-exitcode");
        var onPurpose = await bed.RunAsync("audit", "-f", bed.WriteTenants(billed: Fabrikam), "--detailed-exitcode");

        // Assert
        Assert.True(leak.ExitCode == 2, leak.ToString());
        Assert.True(onPurpose.ExitCode == 0, onPurpose.ToString());
        Assert.Contains("Billed to the operator on purpose: 1", onPurpose.Stdout, StringComparison.Ordinal);
        Assert.Contains("Unbilled tenants: none", onPurpose.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_DesiredTenantNotRegisteredYet_ListedAsSuchAndCountedForTheExitCode()
    {
        // Arrange: Fabrikam is in tenants.yaml, the live registration lacks it.
        await using var bed = await StampTestBed.StartAsync();
        var file = bed.WriteTenants($"      - tenantId: {Contoso}\n        customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5\n      - tenantId: {Fabrikam}\n        customerSubscriptionId: 1c6a7ab0-94de-4c4a-a8a1-7c8b5c6d1e2f\n        name: Fabrikam\n");

        // Act
        var result = await bed.RunAsync("audit", "-f", file, "--detailed-exitcode");

        // Assert
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Unbilled tenants: none", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"+ tenant {Fabrikam} (Fabrikam) used 30 units; tenants.yaml maps it to 1c6a7ab0-94de-4c4a-a8a1-7c8b5c6d1e2f, which the next apply registers", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_MarkdownOfALargeLeak_FitsAGitHubCommentWithTheLastRowsFoldedAndTheSummaryWhole()
    {
        // Arrange: 800 unbilled tenants, each with a subscription and usage (a table far over 60,000 characters).
        var leakers = Enumerable.Range(1, 800).Select(i => (Tenant: $"{i:x8}-1111-4111-8111-111111111111", Subscription: $"{i:x8}-2222-4222-8222-222222222222", Quantity: 1000.0 + i)).ToArray();
        var stamp = Stamp();
        stamp = stamp with
        {
            Subscriptions = [.. stamp.Subscriptions!, .. leakers.Select(l => new EmulatorUserSubscription { SubscriptionId = l.Subscription, TenantId = l.Tenant, Offer = "gold", Owner = $"owner-of-a-rather-long-name@{l.Tenant}.example", DisplayName = $"Subscription of {l.Tenant}" })],
            Usage = [.. stamp.Usage!, .. leakers.Select(l => Usage(l.Subscription, DaysAgo(1), l.Quantity))],
        };
        await using var bed = await StampTestBed.StartAsync(State(stamp));
        var file = bed.WriteTenants();

        // Act
        var markdown = await bed.RunAsync("audit", "-f", file, "-o", "markdown");
        var json = await bed.RunAsync("audit", "-f", file, "-o", "json");

        // Assert: under GitHub's limit; the largest first; the rest counted, pointing to -o json, which has them all.
        Assert.True(markdown.ExitCode == 0, markdown.ToString());
        Assert.True(markdown.Stdout.Length < 60_000, $"{markdown.Stdout.Length} characters");
        Assert.StartsWith("<!-- tenant-reconciler:audit -->\n### Who pays: usage ", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("801 unbilled tenants with ", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("00000320-1111-4111-8111-111111111111", markdown.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("00000001-1111-4111-8111-111111111111", markdown.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n…and [0-9,]+ more rows, not shown: run `tenant-reconciler audit -o json` for all of them\.\n$", markdown.Stdout);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(801, document.RootElement.GetProperty("summary").GetProperty("unbilledTenants").GetInt32());
    }

    [Fact]
    public async Task Audit_StampReportsToAnotherRegistration_Exit1NamingBothIdsAndNothingReported()
    {
        // Arrange
        const string other = "/subscriptions/d23f0824-128b-4f33-8c5c-7fd0a6a3a450/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-2d4c6e8a";
        await using var bed = await StampTestBed.StartAsync(State(Stamp(registrationId: other)));

        // Act
        var result = await bed.RunAsync("audit", "-f", bed.WriteTenants(), "--allow-partial");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains($"reports its usage to registration {other}, not to {RegistrationId}", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_UsageUnreadable_Exit1WithTheReasonAndNothingReported()
    {
        // Arrange: the usage answers 403 (not retried).
        var stamp = Stamp() with { Faults = [UsageForbidden()] };
        await using var bed = await StampTestBed.StartAsync(State(stamp));

        // Act
        var result = await bed.RunAsync("audit", "-f", bed.WriteTenants(), "--detailed-exitcode");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("usage unknown: the stamp at https://127.0.0.1:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("403 AuthorizationFailed", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Reader on the stamp's Default Provider Subscription", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("unknown usage is never 'no usage'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_UsageUnreadableWithAllowPartial_ReportsWhatIsMissing()
    {
        // Arrange
        var stamp = Stamp() with { Faults = [UsageForbidden()] };
        await using var bed = await StampTestBed.StartAsync(State(stamp));

        // Act
        var result = await bed.RunAsync("audit", "-f", bed.WriteTenants(), "--allow-partial", "-o", "json");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.Stdout);
        Assert.False(document.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal(1, document.RootElement.GetProperty("summary").GetProperty("unreadableStamps").GetInt32());
        Assert.Equal("unknown", document.RootElement.GetProperty("registrations")[0].GetProperty("stamp").GetProperty("status").GetString());
        Assert.Contains($"Partial (--allow-partial): the usage of {RegistrationName} could not be read", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_NoStampInTheFile_Exit1OneSentenceAndNothingSent()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();
        var file = bed.Temp.Write("plain.yaml", new Scenario().Want(Registration).Yaml());

        // Act
        var result = await bed.RunAsync("audit", "-f", file);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("names no stamp: add a 'stamp:' block", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public async Task Audit_StampAuthEmulatorForARemoteStamp_RefusedBeforeAnyRequest()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();
        var file = bed.WriteTenants().Replace("x", "x", StringComparison.Ordinal);
        File.WriteAllText(file, File.ReadAllText(file).Replace(AdminEndpoint(bed.Emulator).ToString(), "https://adminmanagement.east.contoso.example", StringComparison.Ordinal));

        // Act
        var result = await bed.RunAsync("audit", "-f", file);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--stamp-auth emulator sends a fixed, non-secret token and is refused for https://adminmanagement.east.contoso.example", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Emulator.Requests, r => r.PathAndQuery.StartsWith("/stamps/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_ListingFails_Exit1AndNothingReported()
    {
        // Arrange: the registration does not exist in ARM.
        await using var bed = await StampTestBed.StartAsync(State() with { Registrations = [] });

        // Act
        var result = await bed.RunAsync("audit", "-f", bed.WriteTenants());

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("Nothing is reported: a listing that is not certainly complete", result.Stderr, StringComparison.Ordinal);
    }
}
