using System.Security.Cryptography.X509Certificates;
using Azure.ResourceManager;

namespace TenantReconciler.Tests.Live;

/// <summary>Shared arrangement for the client tests: a registration, a client over the real pipeline, list-page JSON.</summary>
internal static class LiveTestSupport
{
    public static readonly RegistrationRef Registration =
        new(Guid.Parse("dd8597b4-8739-4467-8b10-f8679f62bfbf"), "azurestack", "testregistration");

    /// <summary>
    /// The production settings (retry policy, pacing) with tiny retry delays, so that retry tests take milliseconds;
    /// 429s are retried as often as the rest.
    /// </summary>
    public static ArmPipelineSettings FastSettings(int maxRetries = 2) =>
        Applying.ApplyTestSupport.FastSettings with { MaxRetries = maxRetries, MaxThrottleRetries = maxRetries };

    /// <summary>A client through the real pipeline (bearer token, retry policy, certificate trust) to <paramref name="endpoint"/>.</summary>
    public static ArmCustomerSubscriptionClient CreateClient(
        Uri endpoint,
        X509Certificate2? trusted,
        int maxRetries = 2,
        int maxPages = ArmCustomerSubscriptionClient.DefaultMaxPages)
    {
        var connection = new ArmConnection(
            endpoint,
            ApiVersions.Default,
            ArmConnections.ScopeFor(AzureCloud.AzureCloud),
            trusted is null ? null : X509CertificateLoader.LoadCertificate(trusted.RawData));
        var pipeline = ArmPipeline.Create(new EmulatorTokenCredential(), connection, FastSettings(maxRetries), TimeProvider.System);
        return new ArmCustomerSubscriptionClient(pipeline, connection) { MaxPages = maxPages };
    }

    public static string CollectionPath(RegistrationRef registration) =>
        $"{registration.Id}/customerSubscriptions";

    /// <summary>One list item as ARM shapes it (name = registration/SUBSCRIPTION, as in the official examples).</summary>
    public static object Item(RegistrationRef registration, string customerSubscription, string tenantId) => new
    {
        id = $"{registration.Id}/customerSubscriptions/{customerSubscription}",
        name = $"{registration.Name}/{customerSubscription}",
        type = "Microsoft.AzureStack/registrations/customerSubscriptions",
        properties = new { tenantId },
    };

    public static string Page(IEnumerable<object> items, string? nextLink = null) =>
        nextLink is null
            ? JsonSerializer.Serialize(new { value = items })
            : JsonSerializer.Serialize(new { value = items, nextLink });

    /// <summary>An absolute link to the collection on <paramref name="baseUri"/> with a skip token.</summary>
    public static string NextLink(Uri baseUri, string skipToken, RegistrationRef? registration = null) =>
        new Uri(baseUri, $"{CollectionPath(registration ?? Registration)}?api-version={ApiVersions.Default}&$skipToken={skipToken}").AbsoluteUri;

    public static ResourceIdentifier IdOf(RegistrationRef registration, string customerSubscription) =>
        registration.CustomerSubscriptionId(customerSubscription);
}
