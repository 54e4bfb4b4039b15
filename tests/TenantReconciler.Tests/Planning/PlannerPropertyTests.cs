using CsCheck;
using static TenantReconciler.Tests.Planning.PlanningFixtures;

namespace TenantReconciler.Tests.Planning;

public class PlannerPropertyTests
{
    private const int Subscriptions = 6;
    private const int Tenants = 4;

    /// <summary>
    /// Random desired and live states over small pools of GUIDs, so that tenants and subscriptions collide often.
    /// Per subscription: the desired tenant index (-1: not desired; a repeated tenant is dropped so tenants stay unique),
    /// the live tenant index (-1: not live; repeats allowed, as under "independent" semantics), and the live casing.
    /// </summary>
    private static readonly Gen<(DesiredRegistration Desired, LiveRegistration Live)> States =
        Gen.Select(Gen.Int[-1, Tenants - 1].Array[Subscriptions], Gen.Int[-1, Tenants - 1].Array[Subscriptions], Gen.Bool.Array[Subscriptions])
            .Select(t =>
            {
                var (wanted, had, upper) = t;
                var used = new HashSet<int>();
                var desired = Enumerable.Range(0, Subscriptions)
                    .Where(i => wanted[i] >= 0 && used.Add(wanted[i]))
                    .Select(i => Want(S(i), T(wanted[i]), $"tenant {wanted[i]}"))
                    .ToArray();
                var live = Enumerable.Range(0, Subscriptions)
                    .Where(i => had[i] >= 0)
                    .Select(i => Have(S(i), T(had[i]), upper[i]))
                    .ToArray();
                return (DesiredOf(desired), LiveOf(live));
            });

    [Fact]
    public void ComputeRegistration_RandomStates_ConvergesUnderBothSemantics()
    {
        States.Sample(
            state => ServiceModel.AssertConvergesUnderBothSemantics(state.Desired, state.Live),
            iter: 5_000,
            print: Print);
    }

    [Fact]
    public void ComputeRegistration_RandomStates_OperationsArePutsThenDeletesOfLiveNotDesiredSubscriptions()
    {
        States.Sample(
            state =>
            {
                var operations = Planner.ComputeRegistration(state.Desired, state.Live).Operations();
                var kinds = operations.Select(o => o.Kind).ToList();
                Assert.Equal(kinds.OrderBy(k => k), kinds);

                var desiredSubscriptions = state.Desired.Tenants.Select(t => t.CustomerSubscriptionId).ToHashSet();
                var liveNames = state.Live.Mappings.Select(m => m.CustomerSubscriptionName).ToHashSet(StringComparer.Ordinal);
                Assert.All(operations.Where(o => o.Kind == OperationKind.Delete), o =>
                {
                    Assert.Contains(o.CustomerSubscriptionName, liveNames);
                    Assert.DoesNotContain(Guid.Parse(o.CustomerSubscriptionName), desiredSubscriptions);
                });
                Assert.Equal(operations.Count, operations.Select(o => o.CustomerSubscriptionName.ToUpperInvariant()).Distinct().Count());
            },
            iter: 5_000,
            print: Print);
    }

    private static string Print((DesiredRegistration Desired, LiveRegistration Live) state) =>
        $"desired [{string.Join(", ", state.Desired.Tenants.Select(t => $"{Short(t.CustomerSubscriptionId)}->{Short(t.TenantId)}"))}] "
        + $"live [{string.Join(", ", state.Live.Mappings.Select(m => $"{Short(m.CustomerSubscriptionId)}->{Short(m.TenantId)}"))}]";

    private static string Short(Guid id) => $"{(id.ToString("D").StartsWith("5b", StringComparison.Ordinal) ? "S" : "T")}{id.ToString("D")[^2..]}";
}
