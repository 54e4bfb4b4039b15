using static TenantReconciler.Tests.Planning.PlanningFixtures;

namespace TenantReconciler.Tests.Fleet;

/// <summary>A small fleet with every cell status and both flags, for the builder and the renderers.</summary>
internal static class FleetFixtures
{
    public static readonly RegistrationRef East = new(Guid.Parse("9e000000-0000-0000-0000-000000000001"), "rg-east", "stamp-east");

    public static readonly RegistrationRef West = new(Guid.Parse("9e000000-0000-0000-0000-000000000002"), "rg-west", "stamp-west");

    public static readonly RegistrationRef North = new(Guid.Parse("9e000000-0000-0000-0000-000000000003"), "rg-north", "stamp-north");

    /// <summary>
    /// Three stamps (given out of order). Contoso: in place on east and west, labelled "Contoso Ltd" on west (label
    /// mismatch), live on north where it is not desired. Fabrikam (label with '|' and an escape): a different subscription
    /// on east, desired and not live on west. Woodgrove: desired on north only, live there on the desired subscription and
    /// a second one (different). An unknown tenant is live on west only. Tailspin has no label on east and one on north.
    /// </summary>
    public static DesiredState FleetDesired() => State(
        DesiredOf(
            North,
            Want(S(31), T(3), "Woodgrove"),
            Want(S(32), T(4), "Tailspin")),
        DesiredOf(
            East,
            Want(S(11), T(1), "Contoso"),
            Want(S(12), T(2), "Fabrikam | <b>\u001b[31m"),
            Want(S(14), T(4))),
        DesiredOf(
            West,
            Want(S(21), T(1), "Contoso Ltd"),
            Want(S(22), T(2), "Fabrikam | <b>\u001b[31m")));

    public static IReadOnlyList<LiveRegistration> FleetLive() =>
    [
        LiveOf(East, Have(S(11), T(1), upperCase: true), Have(S(19), T(2)), Have(S(14), T(4))),
        LiveOf(West, Have(S(21), T(1)), Have(S(29), T(9))),
        LiveOf(North, Have(S(38), T(3)), Have(S(31), T(3)), Have(S(39), T(1)), Have(S(32), T(4))),
    ];

    /// <summary>
    /// The example of docs/tenants-view.md. Contoso: in place on east; on west desired on S(21) as "Contoso Ltd" and live
    /// on S(29). Fabrikam: desired on east and not live; live on west, where it is not desired. An unknown tenant is live
    /// on east.
    /// </summary>
    public static (DesiredState Desired, IReadOnlyList<LiveRegistration> Live) DocExample() =>
    (
        State(
            DesiredOf(East, Want(S(11), T(1), "Contoso"), Want(S(12), T(2), "Fabrikam")),
            DesiredOf(West, Want(S(21), T(1), "Contoso Ltd"))),
        [
            LiveOf(East, Have(S(11), T(1)), Have(S(19), T(9))),
            LiveOf(West, Have(S(29), T(1)), Have(S(22), T(2))),
        ]);
}
