using TenantReconciler.Stamps;

namespace TenantReconciler.Planning;

/// <summary>
/// The usage, in the window, of the tenant that a change leaves unmapped (<see cref="PlannedChange.BillingFallbackTenantId"/>),
/// read from the registration's stamp: after the change that usage is billed to the registration subscription. Set
/// only on a registration with a <c>stamp:</c>; part of the saved plan, so <c>apply PLANFILE</c> can tell when a tenant
/// it removes has gained usage since the review (a change of <see cref="Kind"/>: crossing zero, or becoming unknown).
/// </summary>
public sealed record ChangeUsage
{
    /// <summary>None, used (more than zero) or unknown (never taken as none).</summary>
    public required UsageKind Kind { get; init; }

    /// <summary>The tenant's usage in the window, every meter summed (for <see cref="UsageKind.Unknown"/>, what is known).</summary>
    public decimal Quantity { get; init; }

    /// <summary>How many of the tenant's subscriptions on the stamp have usage.</summary>
    public int Subscriptions { get; init; }

    /// <summary>For <see cref="UsageKind.Unknown"/>: why.</summary>
    public string? Reason { get; init; }

    /// <summary>The window: <see cref="WindowStart"/> inclusive, <see cref="WindowEnd"/> exclusive (today's midnight UTC).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    public required DateTimeOffset WindowEnd { get; init; }

    public required int Days { get; init; }

    /// <summary>True when the guard counts it: usage more than zero, or unknown.</summary>
    public bool IsBilled => Kind != UsageKind.None;

    public static ChangeUsage From(TenantUsage usage, UsageWindow window)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(window);
        return new ChangeUsage
        {
            Kind = usage.Kind,
            Quantity = usage.Quantity,
            Subscriptions = usage.Subscriptions,
            Reason = usage.Reason,
            WindowStart = window.Start,
            WindowEnd = window.End,
            Days = window.Days,
        };
    }

    /// <summary>What a re-derived plan must keep of it: the kind alone (a changed amount, or a later window, is no mismatch).</summary>
    internal ChangeUsage ZeroClass() => new() { Kind = Kind, WindowStart = default, WindowEnd = default, Days = 0 };
}
