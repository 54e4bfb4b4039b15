using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;

namespace TenantReconciler.Planning;

/// <summary>One successful write of an apply, as undo needs it: which mapping it changed, and what it was before.</summary>
/// <param name="PreviousTenantId">The tenant on <paramref name="CustomerSubscriptionId"/> before the write (null: none).</param>
public sealed record UndoWrite(RegistrationRef Registration, Guid CustomerSubscriptionId, Guid? PreviousTenantId);

/// <summary>
/// Turns the successful writes of an apply into a desired state that restores every mapping they changed, leaving all
/// other live mappings as they are. Pure. The result is planned, guarded and checked like any other plan.
/// </summary>
public static class UndoPlanner
{
    /// <param name="template">Gives the cloud, the api-version, the protected tenants, the thresholds and the stamps.</param>
    /// <param name="writes">In the order they were made: the first write to a subscription holds its value before the apply.</param>
    /// <exception cref="ReconcilerException">Nothing to undo, or restoring would map a tenant twice.</exception>
    public static DesiredState DesiredFor(DesiredState template, IReadOnlyList<UndoWrite> writes, IReadOnlyList<LiveRegistration> live)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(live);
        var location = new Desired.SourceLocation(template.SourcePath, 1, 1);
        var registrations = new List<DesiredRegistration>();
        foreach (var liveRegistration in live)
        {
            var mine = writes.Where(w => w.Registration == liveRegistration.Registration).ToArray();
            if (mine.Length == 0)
            {
                continue;
            }

            // Current live, then each touched subscription back to its value before the apply's first write to it.
            var target = liveRegistration.Mappings.ToDictionary(m => m.CustomerSubscriptionId, m => m.TenantId);
            foreach (var first in mine.GroupBy(w => w.CustomerSubscriptionId).Select(g => g.First()))
            {
                if (first.PreviousTenantId is { } previous)
                {
                    target[first.CustomerSubscriptionId] = previous;
                }
                else
                {
                    target.Remove(first.CustomerSubscriptionId);
                }
            }

            var duplicate = target.GroupBy(kv => kv.Value).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new ReconcilerException(
                    $"cannot undo in {liveRegistration.Registration.Name}: restoring would map tenant {duplicate.Key:D} to several subscriptions " +
                    $"({string.Join(", ", duplicate.Select(kv => kv.Key.ToString("D")))}); the live state changed since that apply. Edit tenants.yaml instead.");
            }

            // The template's threshold and stamp: an undo that leaves a tenant unmapped is a removal like any other, so it
            // shows that tenant's usage and is judged by billed-removal wherever tenants.yaml gives the registration a stamp.
            var configured = template.Registrations.FirstOrDefault(r => r.Registration == liveRegistration.Registration);
            registrations.Add(new DesiredRegistration(
                liveRegistration.Registration,
                target.OrderBy(kv => kv.Key).Select(kv => new DesiredTenant(kv.Value, kv.Key, null, location)).ToArray(),
                location)
            {
                MaxRemovals = configured?.MaxRemovals,
                Stamp = configured?.Stamp,
            });
        }

        if (registrations.Count == 0)
        {
            throw new ReconcilerException("the journal has no successful write to undo.");
        }

        return template with { Registrations = registrations };
    }

    /// <summary>The registrations the writes touched, in order of first appearance.</summary>
    public static IReadOnlyList<RegistrationRef> Registrations(IReadOnlyList<UndoWrite> writes) =>
        writes.Select(w => w.Registration).Distinct().ToArray();
}
