using TenantReconciler.Applying;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;

namespace TenantReconciler.Planning;

/// <summary>
/// Turns the journal of the last apply into a desired state that restores every mapping it changed, leaving all other
/// live mappings as they are. The result is planned, reviewed, guarded and checked for staleness like any other plan.
/// </summary>
public static class UndoPlanner
{
    public static DesiredState DesiredFor(DesiredState template, IReadOnlyList<JournalEntry> writes, IReadOnlyList<LiveRegistration> live)
    {
        var location = new SourceLocation(template.SourcePath, 1, 1);
        var registrations = new List<DesiredRegistration>();
        foreach (var liveRegistration in live)
        {
            var id = liveRegistration.Registration.Id.ToString();
            var mine = writes.Where(w => string.Equals(w.Registration, id, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (mine.Length == 0)
            {
                continue;
            }

            // Current live, then each touched subscription back to its value before the apply's first write to it.
            var target = liveRegistration.Mappings.ToDictionary(m => m.CustomerSubscriptionId, m => m.TenantId);
            foreach (var first in mine.GroupBy(w => w.CustomerSubscriptionId!.Value).Select(g => g.First()))
            {
                if (first.PreviousTenantId is { } previous)
                {
                    target[first.CustomerSubscriptionId!.Value] = previous;
                }
                else
                {
                    target.Remove(first.CustomerSubscriptionId!.Value);
                }
            }

            var duplicate = target.GroupBy(kv => kv.Value).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new ReconcilerException(
                    $"cannot undo in {liveRegistration.Registration.Name}: restoring would map tenant {duplicate.Key:D} to several subscriptions " +
                    $"({string.Join(", ", duplicate.Select(kv => kv.Key.ToString("D")))}); the live state changed since that apply. Edit tenants.yaml instead.");
            }

            registrations.Add(new DesiredRegistration(
                liveRegistration.Registration,
                target.OrderBy(kv => kv.Key).Select(kv => new DesiredTenant(kv.Value, kv.Key, null, location)).ToArray(),
                location)
            {
                MaxRemovals = template.Registrations.FirstOrDefault(r => r.Registration == liveRegistration.Registration)?.MaxRemovals,
            });
        }

        if (registrations.Count == 0)
        {
            throw new ReconcilerException("the journal has no successful write to undo.");
        }

        return template with { Registrations = registrations };
    }

    /// <summary>The registrations the writes touched, as validated references.</summary>
    public static IReadOnlyList<RegistrationRef> Registrations(IReadOnlyList<JournalEntry> writes)
    {
        var result = new List<RegistrationRef>();
        foreach (var id in writes.Select(w => w.Registration).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var resourceId = new Azure.Core.ResourceIdentifier(id!);
            if (!Guid.TryParse(resourceId.SubscriptionId, out var subscription) || resourceId.ResourceGroupName is null)
            {
                throw new ReconcilerException($"journal: invalid registration id '{id}'.");
            }

            try
            {
                result.Add(new RegistrationRef(subscription, resourceId.ResourceGroupName, resourceId.Name));
            }
            catch (ArgumentException e)
            {
                throw new ReconcilerException($"journal: invalid registration id '{id}': {e.Message}", e);
            }
        }

        return result;
    }
}
