namespace TenantReconciler.Live;

/// <summary>ARM's lock levels (<c>properties.level</c> of <c>Microsoft.Authorization/locks</c>).</summary>
public enum LockLevel
{
    /// <summary>Any other value ARM may send (<c>NotSpecified</c>): refuses nothing the tool knows of.</summary>
    NotSpecified,

    /// <summary>Refuses deletes of the scope and everything under it: here, every removal of a customer subscription.</summary>
    CanNotDelete,

    /// <summary>Refuses every write of the scope and everything under it: PUT and DELETE.</summary>
    ReadOnly,
}

/// <summary>
/// A management lock that holds for a registration: on the registration itself, or on its resource group or its
/// subscription (a lock at a parent scope holds for the children). <c>Set-AzsRegistration</c> puts a
/// <c>CanNotDelete</c> lock named <c>RegistrationResourceLock</c> on every registration. <see cref="Name"/> and
/// <see cref="Notes"/> come from ARM: print them sanitised.
/// </summary>
/// <param name="Name">The lock's name, e.g. <c>RegistrationResourceLock</c>.</param>
/// <param name="Level">What it refuses.</param>
/// <param name="Notes">Its notes, or null.</param>
/// <param name="ScopeId">The id of the scope it sits on (the part of its id before <c>/providers/Microsoft.Authorization/locks/</c>).</param>
public sealed record ManagementLock(string Name, LockLevel Level, string? Notes, string ScopeId)
{
    public const string LocksSegment = "/providers/Microsoft.Authorization/locks";

    /// <summary>True when a DELETE of a customer subscription under the lock's scope is refused.</summary>
    public bool RefusesDeletes => Level is LockLevel.CanNotDelete or LockLevel.ReadOnly;

    /// <summary>True when a PUT of a customer subscription under the lock's scope is refused.</summary>
    public bool RefusesPuts => Level == LockLevel.ReadOnly;

    /// <summary>What the lock refuses, in words.</summary>
    public string Refuses => Level switch
    {
        LockLevel.CanNotDelete => "removals (DELETE)",
        LockLevel.ReadOnly => "every change (PUT and DELETE)",
        _ => "no change the tool makes",
    };

    /// <summary>Where the lock sits, relative to <paramref name="registration"/>: "on the registration", "on its resource group", …</summary>
    public string Where(RegistrationRef registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var scope = ScopeId.TrimEnd('/');
        var id = registration.Id.ToString();
        return string.Equals(scope, id, StringComparison.OrdinalIgnoreCase) ? "on the registration"
            : string.Equals(scope, $"/subscriptions/{registration.SubscriptionId:D}/resourceGroups/{registration.ResourceGroup}", StringComparison.OrdinalIgnoreCase)
                ? $"on its resource group {registration.ResourceGroup}"
            : string.Equals(scope, $"/subscriptions/{registration.SubscriptionId:D}", StringComparison.OrdinalIgnoreCase)
                ? $"on its subscription {registration.SubscriptionId:D}"
            : $"on {scope}";
    }

    /// <summary>The level ARM wrote (case-insensitive), or <see cref="LockLevel.NotSpecified"/>.</summary>
    public static LockLevel LevelOf(string? level) =>
        string.Equals(level, nameof(LockLevel.CanNotDelete), StringComparison.OrdinalIgnoreCase) ? LockLevel.CanNotDelete
        : string.Equals(level, nameof(LockLevel.ReadOnly), StringComparison.OrdinalIgnoreCase) ? LockLevel.ReadOnly
        : LockLevel.NotSpecified;
}
