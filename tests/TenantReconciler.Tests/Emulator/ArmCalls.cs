using Azure;
using Azure.Core.Pipeline;

namespace TenantReconciler.Tests.Emulator;

/// <summary>Test data and raw ARM calls through an Azure.Core pipeline.</summary>
internal static class ArmCalls
{
    public const string Subscription = "dd8597b4-8739-4467-8b10-f8679f62bfbf";
    public const string ResourceGroup = "azurestack";
    public const string Registration = "testregistration";
    public const string ApiVersion = "2017-06-01";

    public const string Tenant1 = "dbab3982-796f-4d03-9908-044c08aef8a2";
    public const string Tenant2 = "5f8c9b4e-1d2a-4c3b-9e7f-0a1b2c3d4e5f";

    public static string CollectionPath(
        string subscription = Subscription,
        string resourceGroup = ResourceGroup,
        string registration = Registration) =>
        $"/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.AzureStack/registrations/{registration}/customerSubscriptions";

    public static string ItemPath(string customerSubscription, string registration = Registration) =>
        $"{CollectionPath(registration: registration)}/{customerSubscription}";

    public static Uri Url(ArmEmulator emulator, string path, string? apiVersion = ApiVersion) =>
        new(emulator.BaseUri, apiVersion is null ? path : $"{path}?api-version={apiVersion}");

    /// <summary>One registration (the test constants) holding the given (customer subscription, tenant) pairs.</summary>
    public static EmulatorState State(params (string Subscription, string Tenant)[] mappings) => new()
    {
        Registrations =
        [
            new EmulatorRegistration
            {
                SubscriptionId = Subscription,
                ResourceGroup = ResourceGroup,
                Name = Registration,
                CustomerSubscriptions = mappings
                    .Select(m => new EmulatorCustomerSubscription { SubscriptionId = m.Subscription, TenantId = m.Tenant })
                    .ToList(),
            },
        ],
    };

    public static string PutBody(string tenant) => $$$"""{"properties":{"tenantId":"{{{tenant}}}"}}""";

    public static async Task<Response> SendAsync(
        HttpPipeline pipeline,
        RequestMethod method,
        Uri uri,
        string? jsonBody = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(uri);
        if (jsonBody is not null)
        {
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create(BinaryData.FromString(jsonBody));
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.SetValue(name, value);
        }

        // Buffered by the pipeline: the body stays readable after the request is disposed.
        return await pipeline.SendRequestAsync(request, CancellationToken.None);
    }

    public static Task<Response> GetAsync(HttpPipeline pipeline, Uri uri) => SendAsync(pipeline, RequestMethod.Get, uri);

    public static Task<Response> PutAsync(HttpPipeline pipeline, Uri uri, string body) => SendAsync(pipeline, RequestMethod.Put, uri, body);

    public static Task<Response> DeleteAsync(HttpPipeline pipeline, Uri uri) => SendAsync(pipeline, RequestMethod.Delete, uri);

    public static JsonElement Json(Response response)
    {
        using var document = JsonDocument.Parse(response.Content);
        return document.RootElement.Clone();
    }

    public static string ErrorCode(Response response) => Json(response).GetProperty("error").GetProperty("code").GetString()!;

    public static string ErrorMessage(Response response) => Json(response).GetProperty("error").GetProperty("message").GetString()!;

    public static string? Header(Response response, string name) => response.Headers.TryGetValue(name, out var value) ? value : null;
}
