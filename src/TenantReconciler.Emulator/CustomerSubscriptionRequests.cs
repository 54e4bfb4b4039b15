using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TenantReconciler.Emulator;

/// <summary>
/// What a <c>customerSubscriptions</c> request says, read as ARM's resource provider reads it: the registration and item
/// in the route, and a PUT's body; each refusal is the <see cref="ArmError"/> ARM answers with.
/// </summary>
internal static class CustomerSubscriptionRequests
{
    /// <summary>
    /// <c>{"properties":{"tenantId":"&lt;guid&gt;"}}</c>. Property names match case-insensitively (as ARM's
    /// deserializer does); anything else in the body (id, name, type, etag, location…) is ignored.
    /// </summary>
    public static async Task<(string? TenantText, Guid Tenant, ArmError? Error)> ReadBodyAsync(HttpContext context)
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

    public static bool TryReadRegistration(
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

    public static bool TryReadItem(
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

    public static ArmError RegistrationNotFound(RegistrationAddress address) => new(
        StatusCodes.Status404NotFound,
        "ResourceNotFound",
        $"The Resource 'Microsoft.AzureStack/registrations/{address.Name}' under resource group '{address.ResourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
}
