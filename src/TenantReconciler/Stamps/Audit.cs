using TenantReconciler.Desired;
using TenantReconciler.Live;

namespace TenantReconciler.Stamps;

/// <summary>
/// Who pays, per registration with a stamp: the tenants whose usage is billed to the registration subscription while
/// nobody meant it (the leak), the mappings nobody uses, the desired tenants with usage that the live registration
/// lacks, and what cannot be seen. Built by <see cref="AuditBuilder"/> from complete listings; pure data.
/// </summary>
public sealed record AuditReport(UsageWindow Window, IReadOnlyList<RegistrationAudit> Registrations)
{
    /// <summary>Registrations of tenants.yaml without a <c>stamp:</c>: not audited.</summary>
    public int RegistrationsWithoutStamp { get; init; }

    /// <summary>Unbilled tenants and desired-but-unregistered tenants with usage: usage billed to a registration subscription now.</summary>
    public int LeakCount => Registrations.Sum(r => r.Unbilled.Count + r.DesiredNotRegistered.Count);

    public decimal LeakUsage => Registrations.Sum(r => r.UnbilledUsage + r.DesiredNotRegistered.Sum(t => t.Quantity));

    /// <summary>Stamps whose usage could not be read.</summary>
    public IReadOnlyList<RegistrationAudit> Unreadable => [.. Registrations.Where(r => r.Stamp.Status == StampReadStatus.Unknown)];

    /// <summary>Stamps that report to another registration: errors in tenants.yaml.</summary>
    public IReadOnlyList<RegistrationAudit> Mismatched => [.. Registrations.Where(r => r.Stamp.Status == StampReadStatus.Mismatch)];
}

/// <summary>One registration's audit. The lists are empty unless its stamp was read completely.</summary>
public sealed record RegistrationAudit(RegistrationRef Registration, StampReport Stamp)
{
    /// <summary>Tenants with usage and no live mapping, not in <c>billedToOperator</c> nor in tenants.yaml: by usage, largest first.</summary>
    public IReadOnlyList<AuditTenant> Unbilled { get; init; } = [];

    /// <summary>Tenants of <c>billedToOperator</c> with usage: billed to the operator on purpose.</summary>
    public IReadOnlyList<AuditTenant> BilledToOperator { get; init; } = [];

    /// <summary>Live mappings whose tenant has no enabled subscription on the stamp: a removal would change no bill.</summary>
    public IReadOnlyList<LiveMapping> UnusedMappings { get; init; } = [];

    /// <summary>Tenants of tenants.yaml with usage that the live registration does not map: the next apply maps them.</summary>
    public IReadOnlyList<AuditTenant> DesiredNotRegistered { get; init; } = [];

    /// <summary>Subscriptions under delegated providers (resellers): their usage is not visible to the operator.</summary>
    public IReadOnlyList<StampSubscription> NotVisible { get; init; } = [];

    public decimal UnbilledUsage => Unbilled.Sum(t => t.Quantity);
}

/// <summary>A tenant with usage, its subscriptions and their usage in the window.</summary>
/// <param name="CustomerSubscriptionId">For a desired tenant: the customer subscription tenants.yaml names; else null.</param>
/// <param name="Label">The tenant's <c>name:</c> in tenants.yaml, if any.</param>
public sealed record AuditTenant(Guid TenantId, decimal Quantity, IReadOnlyList<AuditSubscription> Subscriptions, Guid? CustomerSubscriptionId = null, string? Label = null);

/// <summary>A user subscription of a tenant, with its usage in the window (0 when none).</summary>
public sealed record AuditSubscription(StampSubscription Subscription, decimal Quantity);

/// <summary>Builds the <see cref="AuditReport"/>: pure, sorted, so the renderers and snapshots are stable.</summary>
public static class AuditBuilder
{
    /// <param name="live">The complete listings of the registrations with a stamp.</param>
    /// <param name="stamps">Their stamp reports (<see cref="StampReader"/>), in the order of tenants.yaml.</param>
    public static AuditReport Build(DesiredState desired, IReadOnlyList<LiveRegistration> live, IReadOnlyList<StampReport> stamps, UsageWindow window)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(stamps);
        ArgumentNullException.ThrowIfNull(window);
        var listings = live.ToDictionary(l => l.Registration);
        var audits = new List<RegistrationAudit>(stamps.Count);
        foreach (var report in stamps)
        {
            var registration = desired.Registrations.First(r => r.Registration.Equals(report.Registration));
            var mappings = listings.TryGetValue(report.Registration, out var listing) ? listing.Mappings : [];
            audits.Add(Audit(registration, mappings, report));
        }

        return new AuditReport(window, [.. audits.OrderBy(a => a.Registration, Comparer<RegistrationRef>.Create(RegistrationRef.Compare))])
        {
            RegistrationsWithoutStamp = desired.Registrations.Count(r => r.Stamp is null),
        };
    }

    private static RegistrationAudit Audit(DesiredRegistration registration, IReadOnlyList<LiveMapping> mappings, StampReport report)
    {
        var audit = new RegistrationAudit(registration.Registration, report);
        if (!report.IsComplete)
        {
            return audit;
        }

        var mapped = mappings.Select(m => m.TenantId).ToHashSet();
        var desiredTenants = registration.Tenants.ToDictionary(t => t.TenantId);
        var stamp = report.Stamp;
        var unbilled = new List<AuditTenant>();
        var billed = new List<AuditTenant>();
        var pending = new List<AuditTenant>();
        foreach (var tenant in report.Tenants.Values)
        {
            if (tenant.Quantity <= 0 || mapped.Contains(tenant.TenantId))
            {
                continue;
            }

            var subscriptions = tenant.Subscriptions
                .Select(s => new AuditSubscription(s, tenant.BySubscription.GetValueOrDefault(s.SubscriptionId)))
                .OrderByDescending(s => s.Quantity)
                .ThenBy(s => s.Subscription.SubscriptionId.ToString("D"), StringComparer.Ordinal)
                .ToArray();
            if (desiredTenants.TryGetValue(tenant.TenantId, out var wanted))
            {
                pending.Add(new AuditTenant(tenant.TenantId, tenant.Quantity, subscriptions, wanted.CustomerSubscriptionId, wanted.Name));
            }
            else if (stamp.IsBilledToOperator(tenant.TenantId))
            {
                billed.Add(new AuditTenant(tenant.TenantId, tenant.Quantity, subscriptions));
            }
            else
            {
                unbilled.Add(new AuditTenant(tenant.TenantId, tenant.Quantity, subscriptions));
            }
        }

        var unused = mappings
            .Where(m => !report.Tenants.TryGetValue(m.TenantId, out var onStamp) || !onStamp.HasEnabledSubscription)
            .OrderBy(m => m.TenantId.ToString("D"), StringComparer.Ordinal)
            .ToArray();
        var notVisible = report.Tenants.Values
            .SelectMany(t => t.NotVisible)
            .OrderBy(s => s.TenantId.ToString("D"), StringComparer.Ordinal)
            .ThenBy(s => s.SubscriptionId.ToString("D"), StringComparer.Ordinal)
            .ToArray();
        return audit with
        {
            Unbilled = ByUsage(unbilled),
            BilledToOperator = ByUsage(billed),
            UnusedMappings = unused,
            DesiredNotRegistered = ByUsage(pending),
            NotVisible = notVisible,
        };
    }

    private static AuditTenant[] ByUsage(List<AuditTenant> tenants) =>
        [.. tenants.OrderByDescending(t => t.Quantity).ThenBy(t => t.TenantId.ToString("D"), StringComparer.Ordinal)];
}
