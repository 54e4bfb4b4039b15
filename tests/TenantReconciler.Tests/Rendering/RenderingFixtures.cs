using static TenantReconciler.Tests.Planning.PlanningFixtures;

namespace TenantReconciler.Tests.Rendering;

/// <summary>Plans built by the real planner, so that the renderers are shown what they will really be given.</summary>
internal static class RenderingFixtures
{
    public static readonly RegistrationRef Stack1 = Registration;

    public static readonly RegistrationRef Stack2 = new(Guid.Parse("9e000000-0000-0000-0000-000000000002"), "rg-west", "reg-stack2");

    /// <summary>
    /// Two registrations. reg-stack1: an add, an overwrite in place (the old tenant is billed), a move (the old
    /// subscription is live in upper case), an overwrite in place that also consumes a move, a removal, and an unchanged
    /// row; labels carry a '|' and a terminal escape. reg-stack2: one unchanged row and one removal.
    /// </summary>
    public static Plan Representative() => Planner.Compute(
        State(
            DesiredOf(
                Stack2,
                Want(S(7), T(7), "Woodgrove")),
            DesiredOf(
                Stack1,
                Want(S(1), T(1), "Contoso"),
                Want(S(2), T(2), "Fabrikam | Ltd"),
                Want(S(4), T(3), "Northwind\u001b[31m red"),
                Want(S(5), T(5), "Tailspin"),
                Want(S(8), T(8)))),
        [
            LiveOf(
                Stack1,
                Have(S(2), T(9)),
                Have(S(3), T(3), upperCase: true),
                Have(S(5), T(5)),
                Have(S(6), T(6)),
                Have(S(8), T(10)),
                Have(S(9), T(8))),
            LiveOf(
                Stack2,
                Have(S(7), T(7), upperCase: true),
                Have(S(10), T(11))),
        ]);

    /// <summary>Nothing to do: two unchanged rows in one registration and an empty second registration.</summary>
    public static Plan NoChanges() => Planner.Compute(
        State(
            DesiredOf(Stack1, Want(S(1), T(1), "Contoso"), Want(S(2), T(2))),
            DesiredOf(Stack2)),
        [LiveOf(Stack1, Have(S(1), T(1)), Have(S(2), T(2), upperCase: true)), LiveOf(Stack2)]);

    public static readonly RegistrationRef Stack3 = new(Guid.Parse("9e000000-0000-0000-0000-000000000003"), "rg-east", "reg-stack3");

    /// <summary>One add, in a plan of one registration.</summary>
    public static Plan OneChange() => Planner.Compute(State(DesiredOf(Stack1, Want(S(1), T(1), "Contoso"))), [LiveOf(Stack1)]);

    /// <summary>
    /// 50,000 changes across 3 registrations, with the guard warnings a default apply gives: reg-stack1 adds 20,000
    /// (every fifth one labelled); reg-stack2 removes 15,000 (each billed to the registration); reg-stack3 overwrites
    /// 15,000 in place (each dropping its old tenant) and keeps 10 unchanged.
    /// </summary>
    public static (Plan Plan, IReadOnlyList<GuardViolation> Warnings) FiftyThousand()
    {
        var adds = new DesiredTenant[20_000];
        for (var i = 0; i < adds.Length; i++)
        {
            adds[i] = Want(S(i + 1), T(i + 1), i % 5 == 0 ? $"Customer {i + 1}" : null);
        }

        var removals = new LiveMapping[15_000];
        for (var i = 0; i < removals.Length; i++)
        {
            removals[i] = Have(S(100_000 + i), T(100_000 + i));
        }

        var wanted = new DesiredTenant[15_010];
        var live = new LiveMapping[15_010];
        for (var i = 0; i < wanted.Length; i++)
        {
            wanted[i] = Want(S(200_000 + i), T(200_000 + i));
            live[i] = Have(S(200_000 + i), i < 15_000 ? T(300_000 + i) : T(200_000 + i));
        }

        var desired = State(DesiredOf(Stack1, adds), DesiredOf(Stack2), DesiredOf(Stack3, wanted));
        var plan = Planner.Compute(desired, [LiveOf(Stack1), LiveOf(Stack2, removals), LiveOf(Stack3, live)]);
        return (plan, PruneGuards.Evaluate(plan, desired, new GuardOverrides(AllowEmpty: false) { OptionNames = global::TenantReconciler.Cli.Commands.Options.OptionNames.Instance }));
    }

    /// <summary>
    /// Guard warnings for <see cref="Representative"/> with <c>--max-removals 1</c> and tenant 6 protected: the removal
    /// threshold of reg-stack1 and the protected tenant (whose label-free message still has punctuation to escape).
    /// </summary>
    public static IReadOnlyList<GuardViolation> RepresentativeWarnings(Plan plan) =>
        PruneGuards.Evaluate(
            plan,
            State(DesiredOf(Stack2, Want(S(7), T(7))), DesiredOf(Stack1, Want(S(1), T(1)))) with { Protect = [T(6)] },
            new GuardOverrides(MaxRemovals: 1) { OptionNames = global::TenantReconciler.Cli.Commands.Options.OptionNames.Instance });

    public static string Render(IPlanRenderer renderer, Plan plan, IReadOnlyList<GuardViolation>? warnings = null)
    {
        using var writer = new StringWriter();
        renderer.Render(plan, writer, warnings);
        return writer.ToString();
    }
}
