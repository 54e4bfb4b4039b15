namespace TenantReconciler.Live;

/// <summary>
/// The narrow port to ARM's <c>Microsoft.AzureStack/registrations/{name}/customerSubscriptions</c>.
/// Every failure is an <see cref="ArmRequestException"/>; a listing is either complete or an exception, never partial.
/// </summary>
public interface ICustomerSubscriptionClient
{
    /// <summary>
    /// Lists every mapping of a registration, following <c>nextLink</c>. 404 and any failed page throw, and so does an empty
    /// body on a page after the first (an empty first page means no tenants; an empty later page is a truncated listing).
    /// </summary>
    Task<LiveRegistration> ListAsync(RegistrationRef registration, CancellationToken cancellationToken);

    /// <summary>PUT <c>{"properties":{"tenantId":…}}</c>. Accepts 200 or 201, with or without a body.</summary>
    Task<ArmWriteResult> PutAsync(RegistrationRef registration, string customerSubscriptionName, Guid tenantId, CancellationToken cancellationToken);

    /// <summary>DELETE. Accepts 200 and 204 (204 also when the resource was already gone).</summary>
    Task<ArmWriteResult> DeleteAsync(RegistrationRef registration, string customerSubscriptionName, CancellationToken cancellationToken);
}

/// <summary>What a successful write returned: the status and the ids to quote in a journal or a bug report.</summary>
public sealed record ArmWriteResult(int Status, string? RequestId, string? CorrelationId);
