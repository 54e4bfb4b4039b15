using TenantReconciler.Live;

namespace TenantReconciler.Reconciling;

/// <summary>The locks of one registration, or why they could not be read (never "no locks" then).</summary>
public sealed record LockListing(RegistrationRef Registration, IReadOnlyList<ManagementLock> Locks, ArmRequestException? Error)
{
    public bool Read => Error is null;
}

/// <summary>Reads the management locks of registrations, one at a time (reads only; a refusal is data).</summary>
public static class RegistrationLocks
{
    public static async Task<IReadOnlyList<LockListing>> ReadAsync(
        IRegistrationClient client, IEnumerable<RegistrationRef> registrations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(registrations);
        var listings = new List<LockListing>();
        foreach (var registration in registrations)
        {
            listings.Add(await ReadAsync(client, registration, cancellationToken).ConfigureAwait(false));
        }

        return listings;
    }

    public static async Task<LockListing> ReadAsync(IRegistrationClient client, RegistrationRef registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return new LockListing(registration, await client.ListLocksAsync(registration, cancellationToken).ConfigureAwait(false), null);
        }
        catch (ArmRequestException e)
        {
            return new LockListing(registration, [], e);
        }
    }

    /// <summary>
    /// The locks of every registration of <paramref name="plan"/> with a pending change (the others cannot be refused
    /// anything), and the warnings for the changes they refuse (<see cref="Planning.LockGuards"/>).
    /// </summary>
    public static async Task<(IReadOnlyList<Planning.GuardViolation> Warnings, IReadOnlyList<LockListing> Unreadable)> ForPlanAsync(
        IRegistrationClient client, Planning.Plan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var changed = plan.Registrations.Where(r => r.PendingChanges.Any()).Select(r => r.Registration).ToArray();
        var listings = await ReadAsync(client, changed, cancellationToken).ConfigureAwait(false);
        return (Planning.LockGuards.Evaluate(plan, ByRegistration(listings)), [.. listings.Where(l => !l.Read)]);
    }

    /// <summary>The read ones, by registration, for <see cref="Planning.LockGuards.Evaluate"/>.</summary>
    public static IReadOnlyDictionary<RegistrationRef, IReadOnlyList<ManagementLock>> ByRegistration(IEnumerable<LockListing> listings) =>
        listings.Where(l => l.Read).ToDictionary(l => l.Registration, l => l.Locks);

    /// <summary>The sentence for locks that could not be read: what ARM answered, and the permission it takes.</summary>
    public static string Unreadable(LockListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var error = listing.Error!;
        var answered = error.Kind switch
        {
            ArmFailureKind.NoResponse => "no answer",
            ArmFailureKind.Refused => $"refused: {error.ErrorCode}",
            _ => $"{error.Status}{(error.ErrorCode is null ? string.Empty : " " + error.ErrorCode)}",
        };
        return $"the management locks of registration {listing.Registration.Name} could not be read ({answered}; reading them needs Microsoft.Authorization/locks/read)";
    }
}
