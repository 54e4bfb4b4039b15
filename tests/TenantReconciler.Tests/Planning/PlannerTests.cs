using System.Collections.ObjectModel;
using System.Diagnostics;
using static TenantReconciler.Tests.Planning.PlanningFixtures;

namespace TenantReconciler.Tests.Planning;

public class PlannerTests
{
    [Fact]
    public void ComputeRegistration_SubscriptionAndTenantNotLive_Adds()
    {
        // Arrange
        var desired = DesiredOf(Want(S(1), T(1), "Contoso"));
        var live = LiveOf();

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        var change = Assert.Single(plan.Changes);
        Assert.Equal(
            new PlannedChange
            {
                Action = ChangeAction.Add,
                CustomerSubscriptionId = S(1),
                CustomerSubscriptionName = S(1).ToString("D"),
                TenantId = T(1),
                Label = "Contoso",
            },
            change);
        Assert.Equal([(OperationKind.Put, S(1).ToString("D"), (Guid?)T(1))], Requests(plan));
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_SubscriptionLiveWithOtherTenant_OverwritesInPlaceWithBillingNote()
    {
        // Arrange
        var desired = DesiredOf(Want(S(1), T(2), "Fabrikam"));
        var live = LiveOf(Have(S(1), T(1), upperCase: true));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        var change = Assert.Single(plan.Changes);
        Assert.Equal(
            new PlannedChange
            {
                Action = ChangeAction.Overwrite,
                CustomerSubscriptionId = S(1),
                CustomerSubscriptionName = S(1).ToString("D").ToUpperInvariant(),
                TenantId = T(2),
                PreviousTenantId = T(1),
                Label = "Fabrikam",
                BillingFallbackTenantId = T(1),
            },
            change);
        Assert.False(change.IsMove);
        Assert.Equal([(OperationKind.Put, S(1).ToString("D").ToUpperInvariant(), (Guid?)T(2))], Requests(plan));
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_TenantLiveOnSubscriptionNotKept_MovesAndDeletesOldWithLiveCasing()
    {
        // Arrange
        var desired = DesiredOf(Want(S(2), T(1), "Contoso"));
        var live = LiveOf(Have(S(1), T(1), upperCase: true));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        var change = Assert.Single(plan.Changes);
        var upperOld = S(1).ToString("D").ToUpperInvariant();
        Assert.Equal(
            new PlannedChange
            {
                Action = ChangeAction.Overwrite,
                CustomerSubscriptionId = S(2),
                CustomerSubscriptionName = S(2).ToString("D"),
                TenantId = T(1),
                MovedFromSubscriptionId = S(1),
                MovedFromSubscriptionName = upperOld,
                Label = "Contoso",
            },
            change);
        Assert.True(change.IsMove);
        Assert.Null(change.BillingFallbackTenantId);
        Assert.Equal(
            [(OperationKind.Put, S(2).ToString("D"), (Guid?)T(1)), (OperationKind.Delete, upperOld, null)],
            Requests(plan));
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_LiveSubscriptionNotDesired_RemovesWithBillingNote()
    {
        // Arrange
        var desired = DesiredOf(Want(S(1), T(1)));
        var live = LiveOf(Have(S(1), T(1)), Have(S(2), T(2), upperCase: true));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        Assert.Equal(2, plan.Changes.Count);
        Assert.Equal(
            new PlannedChange
            {
                Action = ChangeAction.Remove,
                CustomerSubscriptionId = S(2),
                CustomerSubscriptionName = S(2).ToString("D").ToUpperInvariant(),
                PreviousTenantId = T(2),
                BillingFallbackTenantId = T(2),
            },
            plan.Changes[1]);
        Assert.Equal([(OperationKind.Delete, S(2).ToString("D").ToUpperInvariant(), (Guid?)null)], Requests(plan));
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_SameMapping_Unchanged()
    {
        // Arrange
        var desired = DesiredOf(Want(S(1), T(1), "Contoso"));
        var live = LiveOf(Have(S(1), T(1)));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        var change = Assert.Single(plan.Changes);
        Assert.Equal(ChangeAction.Unchanged, change.Action);
        Assert.Equal(T(1), change.TenantId);
        Assert.Equal("Contoso", change.Label);
        Assert.Null(change.BillingFallbackTenantId);
        Assert.Empty(plan.Operations());
        Assert.Equal(new PlanSummary(0, 0, 0, 1), plan.Summary);
    }

    [Fact]
    public void ComputeRegistration_LiveNameUpperCase_UnchangedWithLiveCasing()
    {
        // Arrange
        var desired = DesiredOf(Want(S(1), T(1)));
        var live = LiveOf(Have(S(1), T(1), upperCase: true));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        var change = Assert.Single(plan.Changes);
        Assert.Equal(ChangeAction.Unchanged, change.Action);
        Assert.Equal(S(1).ToString("D").ToUpperInvariant(), change.CustomerSubscriptionName);
        Assert.Empty(plan.Operations());
    }

    [Fact]
    public void ComputeRegistration_TwoTenantsSwapSubscriptions_TwoOverwritesWithoutDeletesOrBillingNotes()
    {
        // Arrange
        var desired = DesiredOf(Want(S(1), T(2)), Want(S(2), T(1)));
        var live = LiveOf(Have(S(1), T(1)), Have(S(2), T(2)));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        Assert.All(plan.Changes, c =>
        {
            Assert.Equal(ChangeAction.Overwrite, c.Action);
            Assert.False(c.IsMove);
            Assert.Null(c.BillingFallbackTenantId);
        });
        Assert.Equal([(S(1), T(1), T(2)), (S(2), T(2), T(1))], plan.Changes.Select(c => (c.CustomerSubscriptionId, c.PreviousTenantId, c.TenantId)));
        Assert.All(plan.Operations(), o => Assert.Equal(OperationKind.Put, o.Kind));
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_RegistrationEmptied_RemovesEveryMappingWithBillingNotes()
    {
        // Arrange
        var desired = DesiredOf();
        var live = LiveOf(Have(S(3), T(3)), Have(S(1), T(1), upperCase: true), Have(S(2), T(2)));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        Assert.Equal([S(1), S(2), S(3)], plan.Changes.Select(c => c.CustomerSubscriptionId));
        Assert.All(plan.Changes, c =>
        {
            Assert.Equal(ChangeAction.Remove, c.Action);
            Assert.Null(c.TenantId);
            Assert.Equal(c.PreviousTenantId, c.BillingFallbackTenantId);
        });
        Assert.Equal(new PlanSummary(0, 0, 3, 0), plan.Summary);
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_OverwriteInPlaceWhileTenantLiveOnSubscriptionNotKept_ConsumesItAsMove()
    {
        // Arrange: S1 holds T1, the desired T2 sits on S2, which is not kept.
        var desired = DesiredOf(Want(S(1), T(2), "Fabrikam"));
        var live = LiveOf(Have(S(1), T(1)), Have(S(2), T(2), upperCase: true));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        var change = Assert.Single(plan.Changes);
        Assert.Equal(ChangeAction.Overwrite, change.Action);
        Assert.Equal(T(1), change.PreviousTenantId);
        Assert.Equal(S(2), change.MovedFromSubscriptionId);
        Assert.Equal(T(1), change.BillingFallbackTenantId);
        Assert.Equal(
            [(OperationKind.Put, S(1).ToString("D"), (Guid?)T(2)), (OperationKind.Delete, S(2).ToString("D").ToUpperInvariant(), null)],
            Requests(plan));
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_TenantLiveOnlyOnKeptSubscriptions_AddsWithoutMove()
    {
        // Arrange: T1 is live on S2, but S2 is kept (it gets T2), so S1 is a plain add.
        var desired = DesiredOf(Want(S(1), T(1)), Want(S(2), T(2)));
        var live = LiveOf(Have(S(2), T(1)));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        Assert.Equal([ChangeAction.Add, ChangeAction.Overwrite], plan.Changes.Select(c => c.Action));
        Assert.All(plan.Changes, c => Assert.False(c.IsMove));
        Assert.Null(plan.Changes[1].BillingFallbackTenantId); // T1 keeps a mapping on S1.
        Assert.All(plan.Operations(), o => Assert.Equal(OperationKind.Put, o.Kind));
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_TenantOnSeveralSubscriptionsNotKept_SmallestIsMovedFromOthersRemoved()
    {
        // Arrange: "independent" semantics left T1 on S3, S1 and S2.
        var desired = DesiredOf(Want(S(4), T(1)));
        var live = LiveOf(Have(S(3), T(1)), Have(S(2), T(1)), Have(S(1), T(1)));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        Assert.Equal(
            [(S(2), ChangeAction.Remove), (S(3), ChangeAction.Remove), (S(4), ChangeAction.Overwrite)],
            plan.Changes.Select(c => (c.CustomerSubscriptionId, c.Action)));
        Assert.Equal(S(1), plan.Changes[2].MovedFromSubscriptionId);
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_OverwrittenTenantDesiredElsewhere_NoBillingNote()
    {
        // Arrange: T1 leaves S1 (overwritten by T2) and is added on S3.
        var desired = DesiredOf(Want(S(1), T(2)), Want(S(3), T(1)));
        var live = LiveOf(Have(S(1), T(1)));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        Assert.Equal([ChangeAction.Overwrite, ChangeAction.Add], plan.Changes.Select(c => c.Action));
        Assert.All(plan.Changes, c => Assert.Null(c.BillingFallbackTenantId));
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_OverwrittenTenantDesiredNowhere_BillingNoteNamesIt()
    {
        // Arrange: T1 loses S1 to T2; T3 moves from S3 to S2 and keeps a mapping.
        var desired = DesiredOf(Want(S(1), T(2)), Want(S(2), T(3)));
        var live = LiveOf(Have(S(1), T(1)), Have(S(3), T(3)));

        // Act
        var plan = Planner.ComputeRegistration(desired, live);

        // Assert
        Assert.Equal(
            [(S(1), (Guid?)T(1)), (S(2), null)],
            plan.Changes.Select(c => (c.CustomerSubscriptionId, c.BillingFallbackTenantId)));
        Assert.True(plan.Changes[1].IsMove);
        ServiceModel.AssertConvergesUnderBothSemantics(desired, live);
    }

    [Fact]
    public void ComputeRegistration_Result_IsReadOnly()
    {
        // Arrange
        var desired = DesiredOf(Want(S(1), T(1)));

        // Act
        var plan = Planner.ComputeRegistration(desired, LiveOf());

        // Assert
        Assert.IsType<ReadOnlyCollection<PlannedChange>>(plan.Changes);
    }

    [Fact]
    public void ComputeRegistration_TenantDesiredTwice_Throws()
    {
        // Arrange
        var desired = DesiredOf(Want(S(1), T(1)), Want(S(2), T(1)));

        // Act
        var exception = Assert.Throws<ArgumentException>(() => Planner.ComputeRegistration(desired, LiveOf()));

        // Assert
        Assert.Contains(T(1).ToString("D"), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_DesiredRegistrationWithoutLiveListing_Throws()
    {
        // Arrange
        var other = new RegistrationRef(Registration.SubscriptionId, "rg-other", "reg-other");
        var state = State(DesiredOf(Want(S(1), T(1))), DesiredOf(other, Want(S(2), T(2))));

        // Act
        var exception = Assert.Throws<ArgumentException>(() => Planner.Compute(state, [LiveOf()]));

        // Assert
        Assert.Contains("reg-other", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_LiveListingWithOtherCasing_MatchesRegistration()
    {
        // Arrange
        var upper = new RegistrationRef(Registration.SubscriptionId, Registration.ResourceGroup.ToUpperInvariant(), Registration.Name.ToUpperInvariant());
        var state = State(DesiredOf(Want(S(1), T(1))));

        // Act
        var plan = Planner.Compute(state, [LiveOf(upper, Have(S(1), T(1)))]);

        // Assert
        Assert.False(plan.HasChanges);
        Assert.Equal(1, plan.Summary.Unchanged);
    }

    [Fact]
    public void Compute_ShuffledInputs_SamePlan()
    {
        // Arrange
        var regA = new RegistrationRef(Guid.Parse("9e000000-0000-0000-0000-000000000001"), "rg-b", "reg-a");
        var regB = new RegistrationRef(Guid.Parse("9e000000-0000-0000-0000-000000000001"), "rg-a", "reg-z");
        var regC = new RegistrationRef(Guid.Parse("0e000000-0000-0000-0000-000000000001"), "rg-z", "reg-z");
        DesiredTenant[] wanted = [Want(S(1), T(1), "one"), Want(S(2), T(2), "two"), Want(S(5), T(5)), Want(S(7), T(3)), Want(S(9), T(6))];
        LiveMapping[] had = [Have(S(1), T(1)), Have(S(2), T(5)), Have(S(3), T(3)), Have(S(4), T(4)), Have(S(6), T(6), upperCase: true)];
        var random = new Random(20240601);
        var plans = Enumerable.Range(0, 5).Select(_ =>
        {
            var registrations = new[] { regA, regB, regC };
            random.Shuffle(registrations);
            var desired = registrations.Select(r => DesiredOf(r, Shuffled(wanted, random))).ToArray();
            var live = registrations.Select(r => LiveOf(r, Shuffled(had, random))).ToArray();
            random.Shuffle(live);

            // Act
            return Planner.Compute(State(desired), live);
        }).ToList();

        // Assert
        var first = plans[0];
        Assert.Equal([regC, regB, regA], first.Registrations.Select(r => r.Registration));
        Assert.Equal(
            [S(1), S(2), S(4), S(5), S(7), S(9)], // S3 and S6 are moved from, to S7 and S9.
            first.Registrations[0].Changes.Select(c => c.CustomerSubscriptionId));
        Assert.All(plans, plan =>
        {
            Assert.Equal(first.Registrations.Select(r => r.Registration), plan.Registrations.Select(r => r.Registration));
            Assert.All(
                plan.Registrations.Zip(first.Registrations),
                pair => Assert.Equal(pair.Second.Changes, pair.First.Changes));
        });
    }

    [Fact]
    public void ComputeRegistration_HundredThousandMappings_ClassifiesEveryMapping()
    {
        // Arrange: a fifth each unchanged, overwritten in place, moved, removed and added. (Speed is measured by the
        // benchmarks, never by a timed unit test.)
        var large = LargeRegistration(100_000);

        // Act
        var plan = Planner.ComputeRegistration(large.Desired, large.Live);

        // Assert
        Assert.Equal(new PlanSummary(20_000, 40_000, 20_000, 20_000), plan.Summary);
    }

    private static (DesiredRegistration Desired, LiveRegistration Live) LargeRegistration(int count)
    {
        var random = new Random(count);
        var desired = new List<DesiredTenant>(count);
        var live = new List<LiveMapping>(count);
        for (var i = 0; i < count; i++)
        {
            var subscription = NewGuid(random);
            var tenant = NewGuid(random);
            switch (i % 5)
            {
                case 0: live.Add(Have(subscription, tenant)); desired.Add(Want(subscription, tenant)); break;
                case 1: live.Add(Have(subscription, NewGuid(random))); desired.Add(Want(subscription, tenant)); break;
                case 2: live.Add(Have(NewGuid(random), tenant, upperCase: true)); desired.Add(Want(subscription, tenant)); break;
                case 3: live.Add(Have(subscription, tenant)); break;
                default: desired.Add(Want(subscription, tenant)); break;
            }
        }

        return (DesiredOf([.. desired]), LiveOf([.. live]));
    }

    private static Guid NewGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static List<(OperationKind Kind, string Name, Guid? TenantId)> Requests(RegistrationPlan plan) =>
        [.. plan.Operations().Select(o => (o.Kind, o.CustomerSubscriptionName, o.TenantId))];

    private static T[] Shuffled<T>(T[] items, Random random)
    {
        var copy = items.ToArray();
        random.Shuffle(copy);
        return copy;
    }
}
