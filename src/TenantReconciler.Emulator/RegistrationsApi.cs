using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TenantReconciler.Emulator;

/// <summary>
/// GET of the registration resource itself, in the spec's shape (<c>examples/Registration/Get.json</c>): a tracked
/// resource, <c>location: global</c>, an <c>etag</c>, and <c>properties</c> with <c>objectId</c>, <c>cloudId</c> and
/// <c>billingModel</c>. An unknown registration is 404 <c>RegistrationNotFound</c>.
/// </summary>
internal sealed class RegistrationsApi(EmulatorStore store)
{
    public const string Route =
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.AzureStack/registrations/{registrationName}";

    public const string RegistrationType = "Microsoft.AzureStack/registrations";

    private const string CloudIdPrefix = "azurestack-";

    public Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return ArmResponses.MethodNotAllowedAsync(context, "GET");
        }

        var address = ResourceProviderErrors.AddressOf(context);
        if (!Guid.TryParseExact(address.SubscriptionId, "D", out _))
        {
            return ArmResponses.WriteErrorAsync(context, new ArmError(
                StatusCodes.Status400BadRequest,
                "InvalidSubscriptionId",
                $"The provided subscription identifier '{address.SubscriptionId}' is malformed or invalid."));
        }

        if (store.Registration(address) is not { } registration)
        {
            return ArmResponses.WriteErrorAsync(context, ResourceProviderErrors.RegistrationNotFound(address));
        }

        var path = registration.Path;
        var id = $"/subscriptions/{path.SubscriptionId}/resourceGroups/{path.ResourceGroup}/providers/{RegistrationType}/{path.Name}";
        var cloudId = registration.CloudId
            ?? (path.Name.StartsWith(CloudIdPrefix, StringComparison.OrdinalIgnoreCase) && path.Name.Length > CloudIdPrefix.Length
                ? path.Name[CloudIdPrefix.Length..]
                : null);
        var objectId = registration.ObjectId ?? StableGuid(id.ToUpperInvariant()).ToString("D");
        var etag = StableGuid($"{id.ToUpperInvariant()}|{registration.BillingModel}|{cloudId}|{objectId}").ToString("D");
        return ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("name", path.Name);
            writer.WriteString("type", RegistrationType);
            writer.WriteString("location", "global");
            writer.WriteString("etag", etag);
            writer.WriteStartObject("properties");
            writer.WriteString("objectId", objectId);
            if (cloudId is not null)
            {
                writer.WriteString("cloudId", cloudId);
            }

            writer.WriteString("billingModel", registration.BillingModel);
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    /// <summary>A GUID from the first 16 bytes of the text's SHA-256: the same registration always gets the same one.</summary>
    private static Guid StableGuid(string text) => new(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
