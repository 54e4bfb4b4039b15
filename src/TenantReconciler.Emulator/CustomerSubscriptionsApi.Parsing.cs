using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TenantReconciler.Emulator;

/// <summary>The request parsing and the small responses of <see cref="CustomerSubscriptionsApi"/>.</summary>
internal sealed partial class CustomerSubscriptionsApi
{
    /// <summary>
    /// <c>{"properties":{"tenantId":"&lt;guid&gt;"}}</c>. Property names match case-insensitively (as ARM's
    /// deserializer does); anything else in the body (id, name, type, etag, location…) is ignored.
    /// </summary>
    private static async Task<(string? TenantText, Guid Tenant, ArmError? Error)> ReadBodyAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType)
            && !contentType.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, default, new ArmError(
                StatusCodes.Status415UnsupportedMediaType,
                "UnsupportedMediaType",
                $"The content media type '{contentType}' is not supported. Only 'application/json' is supported."));
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException exception)
        {
            return (null, default, new ArmError(
                StatusCodes.Status400BadRequest,
                "InvalidRequestContent",
                $"The request content was invalid and could not be deserialized: '{exception.Message}'."));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, default, new ArmError(
                    StatusCodes.Status400BadRequest,
                    "InvalidRequestContent",
                    "The request content was invalid and could not be deserialized: the body must be a JSON object."));
            }

            if (TryGetProperty(document.RootElement, "properties", out var properties)
                && properties.ValueKind == JsonValueKind.Object
                && TryGetProperty(properties, "tenantId", out var tenantElement)
                && tenantElement.ValueKind == JsonValueKind.String
                && tenantElement.GetString() is { } tenantText
                && Guid.TryParseExact(tenantText, "D", out var tenant)
                && tenant != Guid.Empty)
            {
                return (tenantText, tenant, null);
            }

            return (null, default, new ArmError(
                StatusCodes.Status400BadRequest,
                "InvalidTenantId",
                "The request body must be {\"properties\":{\"tenantId\":\"<guid>\"}} with the tenant id as a GUID."));
        }
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static bool TryReadRegistration(
        HttpContext context,
        [NotNullWhen(true)] out RegistrationAddress? address,
        [NotNullWhen(false)] out ArmError? error)
    {
        var subscriptionId = (string)context.GetRouteValue("subscriptionId")!;
        address = new RegistrationAddress(
            subscriptionId,
            (string)context.GetRouteValue("resourceGroup")!,
            (string)context.GetRouteValue("registrationName")!);
        if (!Guid.TryParseExact(subscriptionId, "D", out _))
        {
            address = null;
            error = new ArmError(
                StatusCodes.Status400BadRequest,
                "InvalidSubscriptionId",
                $"The provided subscription identifier '{subscriptionId}' is malformed or invalid.");
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryReadItem(
        HttpContext context,
        [NotNullWhen(true)] out RegistrationAddress? address,
        out string name,
        out Guid id,
        [NotNullWhen(false)] out ArmError? error)
    {
        name = (string)context.GetRouteValue("customerSubscriptionName")!;
        id = default;
        if (!TryReadRegistration(context, out address, out error))
        {
            return false;
        }

        if (!Guid.TryParseExact(name, "D", out id) || id == Guid.Empty)
        {
            address = null;
            error = new ArmError(
                StatusCodes.Status400BadRequest,
                "InvalidResourceName",
                $"The resource name '{name}' is invalid: the name of a customerSubscriptions resource is the customer's Azure subscription id, a GUID.");
            return false;
        }

        return true;
    }

    private static ArmError RegistrationNotFound(RegistrationAddress address) => new(
        StatusCodes.Status404NotFound,
        "ResourceNotFound",
        $"The Resource 'Microsoft.AzureStack/registrations/{address.Name}' under resource group '{address.ResourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    private static Task MethodNotAllowedAsync(HttpContext context, string allowed) => ArmResponses.MethodNotAllowedAsync(context, allowed);

    /// <summary>
    /// The original request URL (scheme, host and port, path as sent, every query parameter as sent) with
    /// <c>$skipToken</c> set to <paramref name="token"/> (an existing one is replaced).
    /// </summary>
    private static string NextLink(HttpContext context, string token)
    {
        var target = ArmFrontDoor.RawTarget(context);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var kept = question < 0
            ? []
            : target[(question + 1)..]
                .Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => !Uri.UnescapeDataString(p.Split('=')[0]).Equals(SkipTokenParameter, StringComparison.OrdinalIgnoreCase));
        var query = string.Join('&', kept.Append($"{SkipTokenParameter}={token}"));
        return $"{context.Request.Scheme}://{context.Request.Host.ToUriComponent()}{path}?{query}";
    }

    /// <summary>Opaque to clients: base64url of the last key of the page, so writes between pages never shift them.</summary>
    internal static class SkipToken
    {
        public static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

        public static bool TryDecode(string? token, [NotNullWhen(true)] out string? key)
        {
            key = null;
            if (string.IsNullOrEmpty(token) || token.Length > 128 || !Base64Url.IsValid(token))
            {
                return false;
            }

            try
            {
                var text = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
                if (!Guid.TryParseExact(text, "D", out var last))
                {
                    return false;
                }

                key = last.ToString("D").ToUpperInvariant();
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
            catch (DecoderFallbackException)
            {
                return false;
            }
        }
    }
}
