using Azure.Core;
using Azure.Core.Pipeline;

namespace TenantReconciler.Live;

/// <summary>The real client: three hand-built requests sent through an Azure.Core <see cref="HttpPipeline"/>.</summary>
public sealed class ArmCustomerSubscriptionClient : ICustomerSubscriptionClient
{
    public ArmCustomerSubscriptionClient(HttpPipeline pipeline, ArmConnection connection)
    {
        throw new NotImplementedException();
    }

    /// <summary>Builds the pipeline: ArmClientOptions (retries configured) + BearerTokenAuthenticationPolicy + the trust of <see cref="ArmConnection.TrustedCertificate"/>.</summary>
    public static HttpPipeline CreatePipeline(TokenCredential credential, ArmConnection connection)
    {
        throw new NotImplementedException();
    }

    public Task<LiveRegistration> ListAsync(RegistrationRef registration, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ArmWriteResult> PutAsync(RegistrationRef registration, string customerSubscriptionName, Guid tenantId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<ArmWriteResult> DeleteAsync(RegistrationRef registration, string customerSubscriptionName, CancellationToken cancellationToken) => throw new NotImplementedException();
}
