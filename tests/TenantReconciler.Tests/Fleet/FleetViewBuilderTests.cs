using TenantReconciler.Fleet;
using static TenantReconciler.Tests.Fleet.FleetFixtures;
using static TenantReconciler.Tests.Planning.PlanningFixtures;

namespace TenantReconciler.Tests.Fleet;

public class FleetViewBuilderTests
{
    [Fact]
    public void Build_WithoutLive_CellsHaveDesiredOnlyAndNoStatus()
    {
        // Arrange
        var desired = FleetDesired();

        // Act
        var view = FleetViewBuilder.Build(desired, live: null);

        // Assert
        Assert.False(view.IsLive);
        Assert.Equal(4, view.Rows.Count);
        Assert.All(view.Rows.SelectMany(r => r.Cells), c => Assert.Null(c.LiveSubscriptionIds));
        Assert.All(view.Rows.SelectMany(r => r.Cells), c => Assert.Null(c.Status));
        Assert.Equal(new FleetSummary(4, 3, 7, null, null, null, null), view.Summary);
        Assert.Equal(S(11), view.Rows[0].Cells[0].DesiredSubscriptionId);
    }

    [Fact]
    public void Build_ThreeRegistrationsGivenOutOfOrder_ColumnsSortedAsInAPlan()
    {
        // Arrange
        var desired = FleetDesired();

        // Act
        var view = FleetViewBuilder.Build(desired, FleetLive());

        // Assert
        Assert.Equal([East, West, North], view.Registrations);
        Assert.All(view.Rows, r => Assert.Equal(3, r.Cells.Count));
    }

    [Fact]
    public void Build_WithLive_EveryStatusWhereExpected()
    {
        // Arrange
        var desired = FleetDesired();

        // Act
        var view = FleetViewBuilder.Build(desired, FleetLive());

        // Assert: rows are Contoso, Fabrikam, Tailspin, Woodgrove, then the unlabelled live-only tenant.
        Assert.Equal([T(1), T(2), T(4), T(3), T(9)], view.Rows.Select(r => r.TenantId));
        var contoso = view.Rows[0].Cells;
        Assert.Equal([CellStatus.InPlace, CellStatus.InPlace, CellStatus.LiveNotDesired], contoso.Select(c => c.Status));
        Assert.Equal([S(39)], contoso[2].LiveSubscriptionIds);
        var fabrikam = view.Rows[1].Cells;
        Assert.Equal(CellStatus.Different, fabrikam[0].Status);
        Assert.Equal([S(19)], fabrikam[0].LiveSubscriptionIds);
        Assert.Equal(CellStatus.DesiredNotLive, fabrikam[1].Status);
        Assert.Empty(fabrikam[1].LiveSubscriptionIds!);
        Assert.True(fabrikam[2].IsEmpty);
        Assert.Null(fabrikam[2].Status);
        var woodgrove = view.Rows[3].Cells;
        Assert.Equal(CellStatus.Different, woodgrove[2].Status);
        Assert.Equal([S(31), S(38)], woodgrove[2].LiveSubscriptionIds);
        var unknown = view.Rows[4];
        Assert.False(unknown.IsDesired);
        Assert.Null(unknown.Label);
        Assert.Equal(CellStatus.LiveNotDesired, unknown.Cells[1].Status);
    }

    [Fact]
    public void Build_WithLive_SummaryCountsEveryCell()
    {
        // Arrange
        var desired = FleetDesired();

        // Act
        var view = FleetViewBuilder.Build(desired, FleetLive());

        // Assert
        Assert.Equal(new FleetSummary(Tenants: 5, Registrations: 3, Desired: 7, InPlace: 4, Different: 2, DesiredNotLive: 1, LiveNotDesired: 2), view.Summary);
    }

    [Fact]
    public void Build_TenantLiveWhereNotDesired_FlagsItWithTheRegistrations()
    {
        // Arrange
        var desired = FleetDesired();

        // Act
        var view = FleetViewBuilder.Build(desired, FleetLive());

        // Assert
        var flags = view.Flags.Where(f => f.Kind == FleetFlagKind.LiveNotDesired).ToArray();
        Assert.Equal([T(1), T(9)], flags.Select(f => f.TenantId));
        Assert.Equal([North], flags[0].Cells.Select(c => c.Registration));
        Assert.True(flags[0].IsDesired);
        Assert.Equal([West], flags[1].Cells.Select(c => c.Registration));
        Assert.False(flags[1].IsDesired);
    }

    [Fact]
    public void Build_LabelsDifferBetweenRegistrations_FlagsEveryLabel()
    {
        // Arrange
        var desired = FleetDesired();

        // Act
        var view = FleetViewBuilder.Build(desired, live: null);

        // Assert: Contoso differs; Fabrikam is labelled alike twice; Tailspin is labelled once (no label is no conflict).
        var flag = Assert.Single(view.Flags);
        Assert.Equal(FleetFlagKind.LabelMismatch, flag.Kind);
        Assert.Equal(T(1), flag.TenantId);
        Assert.Equal("Contoso", flag.Label);
        Assert.Equal([new FleetFlagCell(East, "Contoso"), new FleetFlagCell(West, "Contoso Ltd")], flag.Cells);
    }

    [Fact]
    public void Build_LabelsDifferOnlyInCase_FlagsTheMismatch()
    {
        // Arrange
        var desired = State(DesiredOf(East, Want(S(1), T(1), "contoso")), DesiredOf(West, Want(S(2), T(1), "Contoso")));

        // Act
        var view = FleetViewBuilder.Build(desired, live: null);

        // Assert
        Assert.Equal(FleetFlagKind.LabelMismatch, Assert.Single(view.Flags).Kind);
    }

    [Fact]
    public void Build_Labels_SortedCaseInsensitivelyThenExactlyWithUnlabelledLast()
    {
        // Arrange
        var desired = State(DesiredOf(
            East,
            Want(S(1), T(1), "beta"),
            Want(S(2), T(2), "Beta"),
            Want(S(3), T(3), "alpha"),
            Want(S(4), T(4)),
            Want(S(5), Guid.Parse("e0000000-0000-0000-0000-000000000000"), "BETA")));

        // Act
        var view = FleetViewBuilder.Build(desired, live: null);

        // Assert: alpha; then the three betas case-insensitively equal, ordered exactly ("BETA" < "Beta" < "beta"); unlabelled last.
        Assert.Equal(["alpha", "BETA", "Beta", "beta", null], view.Rows.Select(r => r.Label));
    }

    [Fact]
    public void Build_SameLabelDifferentTenants_OrderedByTenantIdText()
    {
        // Arrange: ids with high bits set in every field, which must still sort as their lower-case text does.
        var random = new Random(20240607);
        var ids = Enumerable.Range(0, 500).Select(_ =>
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }).ToArray();
        var desired = State(DesiredOf(East, ids.Select((id, i) => Want(S(i), id, "Same")).ToArray()));

        // Act
        var view = FleetViewBuilder.Build(desired, live: null);

        // Assert
        Assert.Equal(ids.Select(id => id.ToString("D")).Order(StringComparer.Ordinal), view.Rows.Select(r => r.TenantId.ToString("D")));
    }

    [Fact]
    public void Build_ListingOfARegistrationNotDesired_IsIgnored()
    {
        // Arrange
        var desired = State(DesiredOf(East, Want(S(1), T(1))));
        LiveRegistration[] live = [LiveOf(East, Have(S(1), T(1))), LiveOf(West, Have(S(2), T(2)))];

        // Act
        var view = FleetViewBuilder.Build(desired, live);

        // Assert
        Assert.Equal([East], view.Registrations);
        Assert.Equal(T(1), Assert.Single(view.Rows).TenantId);
    }

    [Fact]
    public void Build_DesiredRegistrationWithoutListing_Throws()
    {
        // Arrange
        var desired = State(DesiredOf(East), DesiredOf(West));

        // Act
        var e = Assert.Throws<ArgumentException>(() => FleetViewBuilder.Build(desired, [LiveOf(East)]));

        // Assert
        Assert.Contains("stamp-west", e.Message);
    }

    [Fact]
    public void Build_RegistrationListedTwice_Throws()
    {
        // Arrange
        var desired = State(DesiredOf(East));

        // Act + Assert
        Assert.Throws<ArgumentException>(() => FleetViewBuilder.Build(desired, [LiveOf(East), LiveOf(East)]));
    }

    [Fact]
    public void Build_NoRegistrations_EmptyView()
    {
        // Arrange
        var desired = State();

        // Act
        var view = FleetViewBuilder.Build(desired, []);

        // Assert
        Assert.Empty(view.Rows);
        Assert.Empty(view.Flags);
        Assert.Equal(new FleetSummary(0, 0, 0, 0, 0, 0, 0), view.Summary);
    }

    [Fact]
    public void Build_FiveThousandTenantsOnFortyRegistrations_OneRowPerTenantAndExactCounts()
    {
        // Arrange: every tenant desired everywhere; live matches except tenant i is missing on registration i % 40.
        const int tenants = 5_000, registrations = 40;
        var refs = Enumerable.Range(1, registrations).Select(j => new RegistrationRef(S(j), "rg", $"stamp-{j:D2}")).ToArray();
        var desired = State(refs.Select(r => DesiredOf(r, Enumerable.Range(0, tenants).Select(i => Want(S(i), T(i), $"t{i:D5}")).ToArray())).ToArray());
        var live = refs.Select((r, j) => LiveOf(r, Enumerable.Range(0, tenants).Where(i => i % registrations != j).Select(i => Have(S(i), T(i))).ToArray())).ToArray();

        // Act
        var view = FleetViewBuilder.Build(desired, live);

        // Assert
        Assert.Equal(tenants, view.Rows.Count);
        Assert.Equal(tenants, view.Summary.DesiredNotLive);
        Assert.Equal((tenants * registrations) - tenants, view.Summary.InPlace);
        Assert.Equal("t00000", view.Rows[0].Label);
        Assert.Equal(CellStatus.DesiredNotLive, view.Rows[41].Cells[1].Status);
        Assert.Empty(view.Flags);
    }
}
