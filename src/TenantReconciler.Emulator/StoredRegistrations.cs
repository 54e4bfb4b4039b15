namespace TenantReconciler.Emulator;

/// <summary>
/// How the store matches what a request names with what it holds: registrations case-insensitively (the subscription
/// as a GUID, the resource group and the name ordinal-ignore-case), customer subscriptions as GUIDs, and which locks
/// hold for a registration. Pure: the caller holds the store's lock.
/// </summary>
internal static class StoredRegistrations
{
    /// <summary>The upper-case "D" form ARM shows in ids and names (a hand-edited non-GUID is just upper-cased).</summary>
    public static string Key(string subscriptionId) =>
        Guid.TryParse(subscriptionId, out var id) ? id.ToString("D").ToUpperInvariant() : subscriptionId.ToUpperInvariant();

    public static bool SameGuid(string text, Guid value) => Guid.TryParse(text, out var parsed) && parsed == value;

    public static bool SameSubscription(string a, string b) =>
        Guid.TryParse(a, out var left) && Guid.TryParse(b, out var right)
            ? left == right
            : string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    public static EmulatorRegistration? Find(EmulatorState state, RegistrationAddress address) =>
        state.Registrations.Find(r =>
            SameSubscription(r.SubscriptionId, address.SubscriptionId)
            && string.Equals(r.ResourceGroup, address.ResourceGroup, StringComparison.OrdinalIgnoreCase)
            && string.Equals(r.Name, address.Name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The registration's own locks, and the resource-group and subscription locks that any registration of the state
    /// declares for its resource group or subscription (a parent's lock holds for all its children), once each.
    /// </summary>
    public static List<HeldLock> HeldLocks(EmulatorState state, EmulatorRegistration registration)
    {
        var held = new List<HeldLock>();
        foreach (var other in state.Registrations)
        {
            var sameSubscription = SameSubscription(other.SubscriptionId, registration.SubscriptionId);
            var sameGroup = sameSubscription && string.Equals(other.ResourceGroup, registration.ResourceGroup, StringComparison.OrdinalIgnoreCase);
            foreach (var declared in other.Locks ?? [])
            {
                var scope = declared.Scope ?? EmulatorLock.RegistrationScope;
                string? scopeId =
                    string.Equals(scope, EmulatorLock.SubscriptionScope, StringComparison.OrdinalIgnoreCase) && sameSubscription
                        ? $"/subscriptions/{other.SubscriptionId}"
                    : string.Equals(scope, EmulatorLock.ResourceGroupScope, StringComparison.OrdinalIgnoreCase) && sameGroup
                        ? $"/subscriptions/{other.SubscriptionId}/resourceGroups/{other.ResourceGroup}"
                    : string.Equals(scope, EmulatorLock.RegistrationScope, StringComparison.OrdinalIgnoreCase) && ReferenceEquals(other, registration)
                        ? RegistrationId(registration)
                    : null;
                if (scopeId is not null && !held.Exists(h => string.Equals(h.Id, $"{scopeId}/providers/Microsoft.Authorization/locks/{declared.Name}", StringComparison.OrdinalIgnoreCase)))
                {
                    held.Add(new HeldLock(declared, scopeId));
                }
            }
        }

        return held;
    }

    public static string RegistrationId(EmulatorRegistration registration) =>
        $"/subscriptions/{registration.SubscriptionId}/resourceGroups/{registration.ResourceGroup}/providers/Microsoft.AzureStack/registrations/{registration.Name}";

    public static RegistrationPath PathOf(EmulatorRegistration registration) =>
        new(registration.SubscriptionId, registration.ResourceGroup, registration.Name);
}
