namespace TenantReconciler.Live;

/// <summary>
/// One <c>customerSubscriptions</c> resource as listed. <see cref="CustomerSubscriptionName"/> keeps the service's casing
/// (the last segment of <c>id</c>), because a DELETE must address the resource as the service spells it.
/// </summary>
public sealed record LiveMapping(string CustomerSubscriptionName, Guid CustomerSubscriptionId, Guid TenantId);

/// <summary>The complete listing of one registration (every page was read).</summary>
public sealed record LiveRegistration(RegistrationRef Registration, IReadOnlyList<LiveMapping> Mappings);
