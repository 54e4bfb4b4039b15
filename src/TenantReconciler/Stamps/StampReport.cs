using System.Globalization;
using TenantReconciler.Desired;

namespace TenantReconciler.Stamps;

/// <summary>
/// What was read of one registration's stamp: the activation, every tenant with its subscriptions and its usage in
/// the window, or why the usage is unknown. Built by <see cref="StampReader"/>; immutable.
/// </summary>
public sealed record StampReport
{
    public required RegistrationRef Registration { get; init; }

    public required DesiredStamp Stamp { get; init; }

    public required UsageWindow Window { get; init; }

    public required StampReadStatus Status { get; init; }

    /// <summary>For <see cref="StampReadStatus.Unknown"/> and <see cref="StampReadStatus.Mismatch"/>: one sentence saying why.</summary>
    public string? Problem { get; init; }

    /// <summary>The registration the activation names (as the stamp spells it); null when it was not read.</summary>
    public string? ActivatedRegistrationId { get; init; }

    /// <summary>False when the activation says the stamp does not report usage.</summary>
    public bool UsageReportingEnabled { get; init; } = true;

    /// <summary>Warnings that do not make the usage unknown (usage reporting off).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Every tenant with a subscription on the stamp (or usage), by tenant id. Empty unless <see cref="StampReadStatus.Complete"/>.</summary>
    public IReadOnlyDictionary<Guid, TenantOnStamp> Tenants { get; init; } = new Dictionary<Guid, TenantOnStamp>();

    /// <summary>Usage of subscriptions that the stamp does not list: no tenant can be named for it.</summary>
    public IReadOnlyDictionary<Guid, decimal> Unattributed { get; init; } = new Dictionary<Guid, decimal>();

    /// <summary>User subscriptions listed, and usage records read.</summary>
    public int SubscriptionCount { get; init; }

    public long UsageRecords { get; init; }

    public bool IsComplete => Status == StampReadStatus.Complete;

    /// <summary>
    /// A tenant's usage in the window, fail-closed: unknown when the stamp was not completely read, when some of the
    /// tenant's subscriptions are under a delegated provider (their usage is not visible), or, for a tenant with no
    /// usage of its own, when usage of unlisted subscriptions could be anyone's. A tenant not on the stamp used nothing.
    /// </summary>
    public TenantUsage UsageOf(Guid tenantId)
    {
        if (Status != StampReadStatus.Complete)
        {
            return TenantUsage.Unknown(Problem ?? "the stamp was not read");
        }

        var quantity = 0m;
        var used = 0;
        TenantOnStamp? tenant = null;
        if (Tenants.TryGetValue(tenantId, out var found))
        {
            tenant = found;
            quantity = found.Quantity;
            used = found.BySubscription.Count(s => s.Value != 0);
        }

        if (tenant is { NotVisible.Count: > 0 } hidden && quantity <= 0)
        {
            var providers = string.Join(", ", hidden.NotVisible.Select(s => s.DelegatedProviderSubscriptionId).Distinct().Select(p => p == Guid.Empty ? "(not named)" : p.ToString("D")));
            return new TenantUsage(UsageKind.Unknown, quantity, used, $"{hidden.NotVisible.Count} of its subscriptions are under the delegated provider {providers}, whose usage the operator cannot see");
        }

        if (quantity > 0)
        {
            return new TenantUsage(UsageKind.Used, quantity, used, null);
        }

        var unattributed = Unattributed.Values.Sum();
        if (unattributed > 0)
        {
            return TenantUsage.Unknown($"{Units(unattributed)} units of usage are on {Unattributed.Count} subscription(s) the stamp does not list, so no tenant can be ruled out");
        }

        return TenantUsage.NoUsage;
    }

    /// <summary>A quantity as the reports print it: invariant, without trailing zeros ("412.5", "24").</summary>
    public static string Units(decimal quantity) => quantity.ToString("0.############", CultureInfo.InvariantCulture);
}
