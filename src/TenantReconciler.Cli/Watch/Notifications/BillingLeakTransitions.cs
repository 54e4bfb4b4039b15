using System.Globalization;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Watch.Notifications;

/// <summary>
/// <c>billing.leak</c> on transitions only: it remembers, per registration with a stamp, the tenants that were unbilled
/// (<see cref="BillingLeakState"/>) and says so when a tenant becomes unbilled; the same tenants seen again are no
/// news, a tenant that is mapped and later unbilled again is. A tick whose usage is unknown changes nothing (unknown is
/// not "no leak", nor a new one). As <see cref="TransitionDetector"/>: every replica keeps track, only the leader
/// notifies. Pure and single-threaded: called on the loop.
/// </summary>
public sealed class BillingLeakTransitions
{
    public const string Reason = "UnbilledTenants";

    private readonly Dictionary<RegistrationRef, HashSet<Guid>> _unbilled = [];

    public IReadOnlyList<WatchNotification> Next(TickReport tick, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(tick);
        if (tick.Desired is { } desired)
        {
            foreach (var gone in _unbilled.Keys.Except(desired).ToArray())
            {
                _unbilled.Remove(gone);
            }
        }

        var found = new List<WatchNotification>();
        foreach (var registration in tick.Registrations)
        {
            if (registration.Billing is not { } state)
            {
                _unbilled.Remove(registration.Registration);
                continue;
            }

            if (state.Unbilled is not { } unbilled)
            {
                continue;
            }

            var previous = _unbilled.GetValueOrDefault(registration.Registration);
            var fresh = unbilled.Where(t => previous?.Contains(t.TenantId) != true).ToArray();
            _unbilled[registration.Registration] = [.. unbilled.Select(t => t.TenantId)];
            if (fresh.Length > 0)
            {
                found.Add(Event(tick, now, state, fresh));
            }
        }

        return tick.Leader ? found : [];
    }

    private static WatchNotification Event(TickReport tick, DateTimeOffset now, BillingLeakState state, AuditTenant[] fresh)
    {
        var registration = state.Registration;
        var units = StampReport.Units(fresh.Sum(t => t.Quantity));
        return new WatchNotification
        {
            Id = Guid.NewGuid().ToString("D"),
            Kind = NotificationKind.BillingLeak,
            Time = now,
            Subject = registration.Name,
            Registration = registration,
            File = tick.File,
            Reason = Reason,
            Message = string.Create(
                CultureInfo.InvariantCulture,
                $"{fresh.Length} tenant(s) became unbilled on {registration.Name}: {units} units {state.Window!.Between} with no mapping, billed to the registration subscription {registration.SubscriptionId:D} ")
                + string.Create(CultureInfo.InvariantCulture, $"({state.Unbilled!.Count} unbilled in all, {StampReport.Units(state.Usage)} units)"),
            Generation = tick.DesiredSha256,
            Tick = tick.Number,
            Changes = [.. fresh.Take(WatchNotification.MaxListedChanges).Select(Line)],
            ChangeCount = fresh.Length,
        };
    }

    /// <summary>"tenant … used 30 units on 1 subscription (not in tenants.yaml)".</summary>
    private static string Line(AuditTenant tenant) => string.Create(
        CultureInfo.InvariantCulture,
        $"tenant {tenant.TenantId:D} used {StampReport.Units(tenant.Quantity)} units on {tenant.Subscriptions.Count(s => s.Quantity != 0)} subscription(s) ")
        + (tenant.CustomerSubscriptionId is { } wanted
            ? $"(desired on {wanted:D}, not registered yet)"
            : "(not in tenants.yaml)");
}
