using System.Text.Json;
using TenantReconciler.Emulator;
using TenantReconciler.Planning;
using static TenantReconciler.Tests.Stamps.StampFixtures;

namespace TenantReconciler.Tests.Stamps;

/// <summary>
/// <c>undo</c> with a <c>stamp:</c> block, end to end (the CLI in process, the emulator's ARM and stamp over HTTPS): an
/// undo that leaves a tenant unmapped is a removal like any other. Its plan shows the tenant's usage, and
/// <c>apply</c> of the undo plan re-reads the usage and refuses it under <c>billed-removal</c> like any apply.
/// </summary>
public sealed class UndoUsageTests
{
    private const string FabrikamCustomer = "1c6a7ab0-94de-4c4a-a8a1-7c8b5c6d1e2f";
    private const string Woodgrove = "4a7e21c3-5b6d-4f8e-9a0b-1c2d3e4f5a6b";
    private const string WoodgroveCustomer = "2d7b8bc1-a5ef-4d5b-b9b2-8d9c6d7e2f30";
    private const string WoodgroveSubscription = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private const string ContosoMapping = $"      - tenantId: {Contoso}\n        customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5\n";

    [Fact]
    public async Task Undo_OfAnAddOfATenantWithUsage_ThePlanShowsTheUsageAndApplyRefusesItUntilAllowed()
    {
        // Arrange: an apply maps Fabrikam (30 units in the window); undoing it removes that mapping.
        await using var bed = await StampTestBed.StartAsync();
        var (file, journal) = await ApplyAsync(bed, Fabrikam, FabrikamCustomer);
        var undoFile = bed.Temp.File("undo.plan.json");

        // Act
        var undo = await bed.RunAsync("undo", "-f", file, "--journal", journal, "--out", undoFile);
        var refused = await bed.RunAsync("apply", undoFile, "-f", file, "--journal", journal);
        var writesWhenRefused = Writes(bed);
        var allowed = await bed.RunAsync("apply", undoFile, "-f", file, "--journal", journal, "--confirm-billed-removals", "1");

        // Assert
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Contains($"    ! tenant {Fabrikam} used 30 units on 1 subscription of this stamp between 2026-11-24 and 2026-12-01 (UTC); after this change that usage is billed to the registration subscription {RegistrationSubscription}\n", undo.Stdout, StringComparison.Ordinal);
        Assert.Contains("Warning: apply will refuse this plan: billed-removal: registration azurestack-8f3e1b2c: 1 change(s) leave a tenant with usage unmapped", undo.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("billed-removal", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, writesWhenRefused);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Equal(1, bed.Emulator.Requests.Count(r => r.Method == "DELETE"));
        Assert.DoesNotContain(bed.Emulator.Snapshot().Registrations[0].CustomerSubscriptions, m => string.Equals(m.TenantId, Fabrikam, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Undo_Json_TheUsageObjectOnTheRemovalAndApplyWillRefuse()
    {
        // Arrange
        await using var bed = await StampTestBed.StartAsync();
        var (file, journal) = await ApplyAsync(bed, Fabrikam, FabrikamCustomer);

        // Act
        var undo = await bed.RunAsync("undo", "-f", file, "--journal", journal, "--out", bed.Temp.File("undo.plan.json"), "-o", "json");

        // Assert
        Assert.True(undo.ExitCode == 0, undo.ToString());
        using var document = JsonDocument.Parse(undo.Stdout);
        var removal = document.RootElement.GetProperty("registrations")[0].GetProperty("changes").EnumerateArray()
            .Single(c => c.GetProperty("action").GetString() == "remove");
        Assert.Equal("used", removal.GetProperty("usage").GetProperty("kind").GetString());
        Assert.Equal(30m, removal.GetProperty("usage").GetProperty("quantity").GetDecimal());
        Assert.True(document.RootElement.GetProperty("applyWillRefuse").GetBoolean());
        Assert.Contains(document.RootElement.GetProperty("guards").EnumerateArray(), g => g.GetProperty("guard").GetString() == PruneGuards.BilledRemoval);
    }

    [Fact]
    public async Task Undo_OfAnAddOfATenantWithoutUsage_NoUsageShownAndApplied()
    {
        // Arrange: Woodgrove has a subscription on the stamp and no usage.
        await using var bed = await StampTestBed.StartAsync(StateWithWoodgroveOnTheStamp());
        var (file, journal) = await ApplyAsync(bed, Woodgrove, WoodgroveCustomer);
        var undoFile = bed.Temp.File("undo.plan.json");

        // Act
        var undo = await bed.RunAsync("undo", "-f", file, "--journal", journal, "--out", undoFile);
        var apply = await bed.RunAsync("apply", undoFile, "-f", file, "--journal", journal);

        // Assert
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Contains($"    ! tenant {Woodgrove}: no usage in the last 7 days", undo.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("billed-removal", undo.Stderr, StringComparison.Ordinal);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(1, bed.Emulator.Requests.Count(r => r.Method == "DELETE"));
    }

    [Fact]
    public async Task ApplyUndoPlan_TenantGainedUsageSinceTheUndoWasReviewed_RefusedAsAMismatch()
    {
        // Arrange: the undo plan removes Woodgrove while it has no usage; then Woodgrove uses the stamp.
        await using var bed = await StampTestBed.StartAsync(StateWithWoodgroveOnTheStamp());
        var (file, journal) = await ApplyAsync(bed, Woodgrove, WoodgroveCustomer);
        var undoFile = bed.Temp.File("undo.plan.json");
        var undo = await bed.RunAsync("undo", "-f", file, "--journal", journal, "--out", undoFile);
        Assert.True(undo.ExitCode == 0, undo.ToString());
        var state = bed.Emulator.Snapshot();
        bed.Emulator.Reset(WithUsage(state, Usage(WoodgroveSubscription, DaysAgo(1), 5)));

        // Act
        var apply = await bed.RunAsync("apply", undoFile, "-f", file, "--journal", journal);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("[no usage in 7 days]", apply.Stderr, StringComparison.Ordinal);
        Assert.Contains("[5 units in 7 days]", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, bed.Emulator.Requests.Count(r => r.Method == "DELETE"));
    }

    [Fact]
    public async Task Undo_UsageUnreadable_TheRemovalIsUnknownAndApplyRefusesIt()
    {
        // Arrange: the apply maps Fabrikam; by the undo the stamp's usage answers 403.
        await using var bed = await StampTestBed.StartAsync();
        var (file, journal) = await ApplyAsync(bed, Fabrikam, FabrikamCustomer);
        var state = bed.Emulator.Snapshot();
        bed.Emulator.Reset(WithStamp(state, stamp => stamp with { Faults = [UsageForbidden()] }));
        var undoFile = bed.Temp.File("undo.plan.json");

        // Act
        var undo = await bed.RunAsync("undo", "-f", file, "--journal", journal, "--out", undoFile);
        var apply = await bed.RunAsync("apply", undoFile, "-f", file, "--journal", journal);

        // Assert
        Assert.True(undo.ExitCode == 0, undo.ToString());
        Assert.Contains($"    ! tenant {Fabrikam}: usage unknown: ", undo.Stdout, StringComparison.Ordinal);
        Assert.Contains("403 AuthorizationFailed", undo.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("billed-removal", apply.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, bed.Emulator.Requests.Count(r => r.Method == "DELETE"));
    }

    /// <summary>The stamp with a subscription of Woodgrove's (no usage on it).</summary>
    private static EmulatorState StateWithWoodgroveOnTheStamp()
    {
        var stamp = Stamp();
        return State(stamp with { Subscriptions = [.. stamp.Subscriptions!, new EmulatorUserSubscription { SubscriptionId = WoodgroveSubscription, TenantId = Woodgrove }] });
    }

    /// <summary>Applies tenants.yaml with Contoso and <paramref name="tenant"/>: one PUT, recorded in the journal.</summary>
    private static async Task<(string File, string Journal)> ApplyAsync(StampTestBed bed, string tenant, string customer)
    {
        var file = bed.WriteTenants(ContosoMapping + $"      - tenantId: {tenant}\n        customerSubscriptionId: {customer}\n");
        var journal = bed.Temp.File("journal.jsonl");
        var apply = await bed.RunAsync("apply", "-f", file, "--auto-approve", "--journal", journal);
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(1, bed.Emulator.Requests.Count(r => r.Method == "PUT"));
        return (file, journal);
    }

    private static int Writes(StampTestBed bed) => bed.Emulator.Requests.Count(r => r.Method is "PUT" or "DELETE") - 1;
}
