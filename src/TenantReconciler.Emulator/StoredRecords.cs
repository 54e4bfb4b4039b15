namespace TenantReconciler.Emulator;

/// <summary>A registration as addressed by a request (the caller's casing).</summary>
internal sealed record RegistrationAddress(string SubscriptionId, string ResourceGroup, string Name);

/// <summary>A registration as stored (the casing it was first written with), used to build resource ids.</summary>
internal sealed record RegistrationPath(string SubscriptionId, string ResourceGroup, string Name);

/// <summary>A registration resource as stored: what <c>GET …/registrations/{name}</c> serves and what writes are checked against.</summary>
internal sealed record RegistrationView(
    RegistrationPath Path,
    string BillingModel,
    string? CloudId,
    string? ObjectId,
    IReadOnlyList<EmulatorCustomerSubscriptionError> Errors)
{
    /// <summary>The locks that hold for the registration: its own, and those on its resource group and subscription.</summary>
    public IReadOnlyList<HeldLock> Locks { get; init; } = [];

    public bool LocksUnreadable { get; init; }
}

/// <summary>A lock and the id of the scope it sits on.</summary>
internal sealed record HeldLock(EmulatorLock Lock, string ScopeId)
{
    public string Id => $"{ScopeId}/providers/Microsoft.Authorization/locks/{Lock.Name}";
}

/// <summary>One customer subscription: <see cref="Key"/> is the subscription GUID in upper case, as ARM shows it.</summary>
internal sealed record StoredMapping(string Key, string TenantId);

/// <summary>One page of a listing; <see cref="HasMore"/> when mappings after the last one remain.</summary>
internal sealed record ListPage(RegistrationPath Registration, IReadOnlyList<StoredMapping> Items, bool HasMore);

internal enum DeleteOutcome
{
    RegistrationNotFound,
    Deleted,
    Absent,
}
