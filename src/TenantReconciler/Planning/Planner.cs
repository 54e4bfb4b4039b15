using System.Collections.ObjectModel;
using TenantReconciler.Desired;
using TenantReconciler.Live;

namespace TenantReconciler.Planning;

/// <summary>The pure diff of desired against live. No I/O, no logging, no clock.</summary>
/// <remarks>
/// Per registration, with desired D (subscription → tenant) and live L (subscription → tenant; a tenant may sit on
/// several subscriptions when the service keeps mappings independent):
/// <list type="bullet">
/// <item>a desired subscription that is live with the desired tenant is <b>unchanged</b> (GUIDs compare as values, so
/// casing never matters);</item>
/// <item>a desired subscription that is live with another tenant is <b>overwritten in place</b>;</item>
/// <item>a desired subscription that is not live is an <b>add</b>, or a <b>move</b> when its tenant is live on a
/// subscription that D does not keep (the smallest such subscription is the one moved from; it is deleted after the PUT);
/// an in-place overwrite consumes such a subscription in the same way;</item>
/// <item>every other live subscription that D does not keep is a <b>removal</b>.</item>
/// </list>
/// A tenant that ends with no mapping in the registration is named in <see cref="PlannedChange.BillingFallbackTenantId"/>.
/// The whole diff is a few dictionary passes and one sort: linear apart from the sort.
/// </remarks>
public static class Planner
{
    /// <summary>
    /// Plans every desired registration against its live listing. <paramref name="live"/> must hold a listing for each
    /// desired registration; listings of registrations that are not desired are ignored.
    /// </summary>
    /// <exception cref="ArgumentException">A desired registration has no listing, or an input holds duplicates.</exception>
    public static Plan Compute(DesiredState desired, IReadOnlyList<LiveRegistration> live)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(live);

        var liveByRef = new Dictionary<RegistrationRef, LiveRegistration>(live.Count);
        foreach (var registration in live)
        {
            if (!liveByRef.TryAdd(registration.Registration, registration))
            {
                throw new ArgumentException($"Registration {registration.Registration} is listed more than once.", nameof(live));
            }
        }

        var seen = new HashSet<RegistrationRef>();
        var plans = new RegistrationPlan[desired.Registrations.Count];
        for (var i = 0; i < plans.Length; i++)
        {
            var registration = desired.Registrations[i];
            if (!seen.Add(registration.Registration))
            {
                throw new ArgumentException($"Registration {registration.Registration} is desired more than once.", nameof(desired));
            }

            if (!liveByRef.TryGetValue(registration.Registration, out var listing))
            {
                throw new ArgumentException($"No live listing was given for registration {registration.Registration}.", nameof(live));
            }

            plans[i] = ComputeRegistration(registration, listing);
        }

        Array.Sort(plans, static (x, y) => RegistrationRef.Compare(x.Registration, y.Registration));
        return new Plan(Array.AsReadOnly(plans));
    }

    /// <summary>Plans one registration. The result includes one unchanged row per desired mapping that is already live.</summary>
    /// <exception cref="ArgumentException">
    /// The registrations differ, or a subscription or tenant is desired twice, or a subscription is listed twice.
    /// </exception>
    public static RegistrationPlan ComputeRegistration(DesiredRegistration desired, LiveRegistration live)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(live);
        if (!desired.Registration.Equals(live.Registration))
        {
            throw new ArgumentException(
                $"The live listing is of {live.Registration}, not of {desired.Registration}.", nameof(live));
        }

        var desiredBySubscription = new Dictionary<Guid, DesiredTenant>(desired.Tenants.Count);
        var desiredTenants = new HashSet<Guid>(desired.Tenants.Count);
        foreach (var tenant in desired.Tenants)
        {
            if (!desiredBySubscription.TryAdd(tenant.CustomerSubscriptionId, tenant))
            {
                throw new ArgumentException(
                    $"Customer subscription {tenant.CustomerSubscriptionId:D} is desired more than once in {desired.Registration}.",
                    nameof(desired));
            }

            if (!desiredTenants.Add(tenant.TenantId))
            {
                throw new ArgumentException(
                    $"Tenant {tenant.TenantId:D} is desired on more than one subscription in {desired.Registration}.",
                    nameof(desired));
            }
        }

        var liveBySubscription = new Dictionary<Guid, LiveMapping>(live.Mappings.Count);

        // For each tenant, the smallest live subscription that D does not keep: where a move takes it from.
        var moveSources = new Dictionary<Guid, LiveMapping>();
        foreach (var mapping in live.Mappings)
        {
            if (!liveBySubscription.TryAdd(mapping.CustomerSubscriptionId, mapping))
            {
                throw new ArgumentException(
                    $"Customer subscription {mapping.CustomerSubscriptionId:D} is listed more than once in {live.Registration}.",
                    nameof(live));
            }

            if (!desiredBySubscription.ContainsKey(mapping.CustomerSubscriptionId)
                && (!moveSources.TryGetValue(mapping.TenantId, out var current)
                    || mapping.CustomerSubscriptionId.CompareTo(current.CustomerSubscriptionId) < 0))
            {
                moveSources[mapping.TenantId] = mapping;
            }
        }

        var changes = new List<PlannedChange>(desired.Tenants.Count + live.Mappings.Count);
        var consumed = new HashSet<Guid>();
        foreach (var tenant in desired.Tenants)
        {
            var subscription = tenant.CustomerSubscriptionId;
            liveBySubscription.TryGetValue(subscription, out var current);
            if (current is not null && current.TenantId == tenant.TenantId)
            {
                changes.Add(new PlannedChange
                {
                    Action = ChangeAction.Unchanged,
                    CustomerSubscriptionId = subscription,
                    CustomerSubscriptionName = current.CustomerSubscriptionName,
                    TenantId = tenant.TenantId,
                    PreviousTenantId = current.TenantId,
                    Label = tenant.Name,
                });
                continue;
            }

            moveSources.TryGetValue(tenant.TenantId, out var source);
            if (source is not null)
            {
                consumed.Add(source.CustomerSubscriptionId);
            }

            var previous = current?.TenantId;
            changes.Add(new PlannedChange
            {
                Action = current is null && source is null ? ChangeAction.Add : ChangeAction.Overwrite,
                CustomerSubscriptionId = subscription,
                CustomerSubscriptionName = current?.CustomerSubscriptionName ?? subscription.ToString("D"),
                TenantId = tenant.TenantId,
                PreviousTenantId = previous,
                MovedFromSubscriptionId = source?.CustomerSubscriptionId,
                MovedFromSubscriptionName = source?.CustomerSubscriptionName,
                Label = tenant.Name,
                BillingFallbackTenantId = previous is { } p && !desiredTenants.Contains(p) ? p : null,
            });
        }

        foreach (var mapping in live.Mappings)
        {
            if (desiredBySubscription.ContainsKey(mapping.CustomerSubscriptionId) || consumed.Contains(mapping.CustomerSubscriptionId))
            {
                continue;
            }

            changes.Add(new PlannedChange
            {
                Action = ChangeAction.Remove,
                CustomerSubscriptionId = mapping.CustomerSubscriptionId,
                CustomerSubscriptionName = mapping.CustomerSubscriptionName,
                PreviousTenantId = mapping.TenantId,
                BillingFallbackTenantId = mapping.TenantId,
            });
        }

        // Sorting on a key array uses Guid's own IComparable: much faster than a comparison delegate.
        var sorted = changes.ToArray();
        var keys = new Guid[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            keys[i] = sorted[i].CustomerSubscriptionId;
        }

        Array.Sort(keys, sorted);
        return new RegistrationPlan(desired.Registration, Array.AsReadOnly(sorted));
    }
}
