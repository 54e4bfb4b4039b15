namespace TenantReconciler.Live;

/// <summary>
/// Reads the registration resource itself (<c>GET …/Microsoft.AzureStack/registrations/{name}</c>), for pre-flight
/// checks. Separate from <see cref="ICustomerSubscriptionClient"/> so that its other implementations need not change.
/// </summary>
public interface IRegistrationClient
{
    /// <summary>
    /// The registration's billing model, Cloud ID and object id. A missing registration (404 <c>RegistrationNotFound</c>
    /// or <c>ResourceNotFound</c>) and any other failure throw <see cref="ArmRequestException"/>.
    /// </summary>
    Task<RegistrationInfo> GetRegistrationAsync(RegistrationRef registration, CancellationToken cancellationToken);

    /// <summary>
    /// The management locks that hold for the registration: on it, its resource group or its subscription
    /// (<c>GET {registration}/providers/Microsoft.Authorization/locks?api-version=2016-09-01&amp;$filter=atScope()</c>, which
    /// needs <c>Microsoft.Authorization/locks/read</c>). A refusal (403 without that permission) or any other failure
    /// throws <see cref="ArmRequestException"/>: locks that could not be read are never "no locks".
    /// </summary>
    Task<IReadOnlyList<ManagementLock>> ListLocksAsync(RegistrationRef registration, CancellationToken cancellationToken);
}

/// <summary>What the registration resource says about itself (<c>properties</c> of the spec's Registration).</summary>
/// <param name="Registration">The registration asked for.</param>
/// <param name="BillingModel"><c>PayAsYouUse</c>, <c>Capacity</c> or <c>Development</c>, as ARM spells it.</param>
/// <param name="CloudId">The Cloud ID of the Azure Stack, or null when the resource does not carry one.</param>
/// <param name="ObjectId">The registration's object id, or null when absent.</param>
public sealed record RegistrationInfo(RegistrationRef Registration, string BillingModel, string? CloudId, string? ObjectId)
{
    public const string Capacity = "Capacity";

    /// <summary>
    /// False for a Capacity registration: ARM refuses its customer subscriptions with <c>CustomerSubscriptionsNotAllowed</c>.
    /// </summary>
    public bool AllowsCustomerSubscriptions => !string.Equals(BillingModel, Capacity, StringComparison.OrdinalIgnoreCase);
}
