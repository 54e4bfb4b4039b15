using System.Text.Json;
using Azure.Core;

namespace TenantReconciler.Live;

/// <summary>GET of the registration resource (<see cref="IRegistrationClient"/>).</summary>
public sealed partial class ArmCustomerSubscriptionClient
{
    public async Task<RegistrationInfo> GetRegistrationAsync(RegistrationRef registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var correlationId = Guid.NewGuid().ToString();
        var uri = BuildUri(registration.Id.ToString()).ToUri();
        using var message = CreateMessage(RequestMethod.Get, uri, correlationId);
        var response = await SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found.");
        }

        try
        {
            return ReadRegistration(response.Content.ToMemory(), registration);
        }
        catch (ArmResponseFormatException e)
        {
            throw new ArmRequestException(
                $"GET {uri} answered {response.Status} with a registration that cannot be read: {e.Message}.{Ids(response, correlationId)}",
                response.Status,
                e.Code,
                RequestId(response),
                CorrelationId(response, correlationId),
                e);
        }
    }

    /// <summary>The spec's Registration: a tracked resource whose <c>properties</c> hold <c>billingModel</c>, <c>cloudId</c>, <c>objectId</c>.</summary>
    private static RegistrationInfo ReadRegistration(ReadOnlyMemory<byte> body, RegistrationRef registration)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new ArmResponseFormatException("InvalidResponse", $"the body is not valid JSON ({OutsideText.Sanitize(e.Message)})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("properties", out var properties)
                || properties.ValueKind != JsonValueKind.Object)
            {
                throw new ArmResponseFormatException("InvalidResponse", "the body is not a resource with 'properties'");
            }

            var billingModel = StringOf(properties, "billingModel");
            if (string.IsNullOrEmpty(billingModel))
            {
                throw new ArmResponseFormatException("InvalidResponse", "'properties.billingModel' is missing");
            }

            return new RegistrationInfo(registration, billingModel, StringOf(properties, "cloudId"), StringOf(properties, "objectId"))
            {
                Location = StringOf(root, "location"),
                ETag = StringOf(root, "etag"),
            };
        }
    }

    /// <summary>A string ARM sent (shown by <c>check</c>): sanitised where it enters.</summary>
    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? OutsideText.Sanitize(value.GetString()) : null;
}
