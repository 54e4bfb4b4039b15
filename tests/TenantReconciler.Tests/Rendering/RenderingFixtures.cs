using TenantReconciler.Planning;
using TenantReconciler.Rendering;
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

    public static string Render(IPlanRenderer renderer, Plan plan)
    {
        using var writer = new StringWriter();
        renderer.Render(plan, writer);
        return writer.ToString();
    }
}
