using System.Text.Json;
using TenantReconciler.Live;

namespace TenantReconciler.Stamps;

/// <summary>
/// The stamp admin API's single documents: the metadata document and the activation (its paged lists are
/// <see cref="StampPageJson"/>'s). Anything that cannot be used is a <see cref="StampFormatException"/>.
/// </summary>
internal static class StampJson
{
    /// <summary>The metadata document's login endpoint and first audience.</summary>
    public static StampMetadata ReadMetadata(ReadOnlySpan<byte> body)
    {
        using var document = Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("authentication", out var authentication)
            || authentication.ValueKind != JsonValueKind.Object)
        {
            throw new StampFormatException("the metadata document has no 'authentication' object", "InvalidStampMetadata");
        }

        var login = authentication.TryGetProperty("loginEndpoint", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
        if (login is null || !Uri.TryCreate(login, UriKind.Absolute, out var loginEndpoint) || loginEndpoint.Scheme != Uri.UriSchemeHttps
            || loginEndpoint.UserInfo.Length > 0 || loginEndpoint.Query.Length > 0)
        {
            throw new StampFormatException($"the metadata document's loginEndpoint {CustomerSubscriptionJson.Quote(login)} is not an https URL", "InvalidStampMetadata");
        }

        var audience = authentication.TryGetProperty("audiences", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0
            && a[0].ValueKind == JsonValueKind.String ? a[0].GetString() : null;
        if (string.IsNullOrWhiteSpace(audience) || !Uri.TryCreate(audience, UriKind.Absolute, out _) || OutsideText.Sanitize(audience) != audience)
        {
            throw new StampFormatException($"the metadata document's audiences[0] {CustomerSubscriptionJson.Quote(audience)} is not an absolute URI", "InvalidStampMetadata");
        }

        return new StampMetadata(loginEndpoint, audience);
    }

    /// <summary>The activation's registration id and whether it reports usage (absent: true).</summary>
    public static StampActivation ReadActivation(ReadOnlySpan<byte> body)
    {
        using var document = Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("properties", out var properties)
            || properties.ValueKind != JsonValueKind.Object)
        {
            throw new StampFormatException("the activation has no 'properties' object", "InvalidActivation");
        }

        if (!properties.TryGetProperty("azureRegistrationResourceIdentifier", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(id.GetString()))
        {
            throw new StampFormatException("the activation has no azureRegistrationResourceIdentifier", "InvalidActivation");
        }

        var reporting = !properties.TryGetProperty("usageReportingEnabled", out var enabled) || enabled.ValueKind != JsonValueKind.False;
        return new StampActivation(OutsideText.Sanitize(id.GetString()!), reporting);
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new StampFormatException($"the body is not valid JSON ({OutsideText.Sanitize(e.Message)})", "InvalidJson", e);
        }
    }
}
