using TenantReconciler.Applying;
using TenantReconciler.Planning;

namespace TenantReconciler.Persistence;

/// <summary>Reads the successful writes of one apply out of its journal entries, for <see cref="UndoPlanner"/>.</summary>
public static class UndoWrites
{
    /// <exception cref="ReconcilerException">An entry names a registration id that is not valid.</exception>
    public static IReadOnlyList<UndoWrite> From(IReadOnlyList<JournalEntry> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var registrations = new Dictionary<string, RegistrationRef>(StringComparer.OrdinalIgnoreCase);
        return writes
            .Where(w => w.CustomerSubscriptionId is not null && w.Registration is not null)
            .Select(w => new UndoWrite(Registration(w.Registration!, registrations), w.CustomerSubscriptionId!.Value, w.PreviousTenantId))
            .ToArray();
    }

    private static RegistrationRef Registration(string id, Dictionary<string, RegistrationRef> known)
    {
        if (known.TryGetValue(id, out var registration))
        {
            return registration;
        }

        if (!RegistrationRef.TryParse(id, out registration, out _))
        {
            throw new ReconcilerException($"journal: invalid registration id '{id}'.");
        }

        return known[id] = registration;
    }
}
