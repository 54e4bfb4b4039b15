using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TenantReconciler.Emulator;

/// <summary>
/// The resource provider part: list, get, put and delete of
/// <c>Microsoft.AzureStack/registrations/{registrationName}/customerSubscriptions/{customerSubscriptionName}</c>.
/// Routing is case-insensitive on the literal segments; names match case-insensitively and keep the caller's casing.
/// </summary>
internal sealed class CustomerSubscriptionsApi(EmulatorStore store, EmulatorOptions options)
{
    public const string CollectionRoute =
        "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.AzureStack/registrations/{registrationName}/customerSubscriptions";

    public const string ItemRoute = CollectionRoute + "/{customerSubscriptionName}";

    internal const string SkipTokenParameter = "$skipToken";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public Task HandleCollectionAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return MethodNotAllowedAsync(context, "GET");
        }

        return ListAsync(context);
    }

    public Task HandleItemAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method))
        {
            return GetAsync(context);
        }

        if (HttpMethods.IsPut(method))
        {
            return PutAsync(context);
        }

        if (HttpMethods.IsDelete(method))
        {
            return DeleteAsync(context);
        }

        return MethodNotAllowedAsync(context, "GET, PUT, DELETE");
    }

    /// <summary>No route matched: ARM's answer for a type it does not know, or for a path that is no resource at all.</summary>
    public static Task NotFoundAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var providers = Array.FindIndex(segments, s => s.Equals("providers", StringComparison.OrdinalIgnoreCase));
        if (providers >= 0 && providers + 2 < segments.Length
            && segments[providers + 1].Equals("Microsoft.AzureStack", StringComparison.OrdinalIgnoreCase))
        {
            // Types sit at every other segment after the namespace: registrations/{name}/customerSubscriptions/{name}/…
            var type = string.Join('/', segments.Skip(providers + 2).Where((_, i) => i % 2 == 0));
            return ArmResponses.WriteErrorAsync(context, new ArmError(
                StatusCodes.Status404NotFound,
                "InvalidResourceType",
                $"The resource type '{type}' could not be found in the namespace 'Microsoft.AzureStack' for api version '{context.Request.Query["api-version"]}'."));
        }

        return ArmResponses.WriteErrorAsync(context, new ArmError(
            StatusCodes.Status404NotFound,
            "NotFound",
            $"The requested path '{context.Request.Path.ToUriComponent()}' was not found."));
    }

    private async Task ListAsync(HttpContext context)
    {
        if (!TryReadRegistration(context, out var address, out var error))
        {
            await ArmResponses.WriteErrorAsync(context, error);
            return;
        }

        string? afterKey = null;
        var tokens = context.Request.Query[SkipTokenParameter];
        if (tokens.Count > 0 && (tokens.Count > 1 || !SkipToken.TryDecode(tokens[0], out afterKey)))
        {
            await ArmResponses.WriteErrorAsync(context, new ArmError(
                StatusCodes.Status400BadRequest,
                "InvalidSkipToken",
                $"The skip token '{tokens}' is invalid."));
            return;
        }

        var page = store.List(address, afterKey, options.PageSize);
        if (page is null)
        {
            await ArmResponses.WriteErrorAsync(context, RegistrationNotFound(address));
            return;
        }

        if (page.Items.Count == 0 && afterKey is null && options.PutStatus == StatusCodes.Status201Created)
        {
            // The product document: "If no tenants have been registered, you won't receive a response." That is the
            // whole listing being empty: a later page that finds nothing left is an ordinary {"value": []} end.
            await ArmResponses.WriteEmptyAsync(context, StatusCodes.Status200OK);
            return;
        }

        var nextLink = page.HasMore ? NextLink(context, SkipToken.Encode(page.Items[^1].Key)) : null;
        await ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("value");
            foreach (var mapping in page.Items)
            {
                ArmResponses.WriteCustomerSubscription(writer, page.Registration, mapping);
            }

            writer.WriteEndArray();
            if (nextLink is not null)
            {
                writer.WriteString("nextLink", nextLink);
            }

            writer.WriteEndObject();
        });
    }

    private async Task GetAsync(HttpContext context)
    {
        if (!TryReadItem(context, out var address, out var name, out var id, out var error))
        {
            await ArmResponses.WriteErrorAsync(context, error);
            return;
        }

        var (registration, mapping) = store.Get(address, id);
        if (registration is null)
        {
            await ArmResponses.WriteErrorAsync(context, RegistrationNotFound(address));
            return;
        }

        if (mapping is null)
        {
            await ArmResponses.WriteErrorAsync(context, new ArmError(
                StatusCodes.Status404NotFound,
                "ResourceNotFound",
                $"The Resource 'Microsoft.AzureStack/registrations/{address.Name}/customerSubscriptions/{name}' under resource group '{address.ResourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"));
            return;
        }

        await ArmResponses.WriteJsonAsync(
            context,
            StatusCodes.Status200OK,
            writer => ArmResponses.WriteCustomerSubscription(writer, registration, mapping));
    }

    private async Task PutAsync(HttpContext context)
    {
        if (!TryReadItem(context, out var address, out var name, out var id, out var error))
        {
            await ArmResponses.WriteErrorAsync(context, error);
            return;
        }

        var (tenantText, tenant, bodyError) = await ReadBodyAsync(context);
        if (bodyError is not null)
        {
            await ArmResponses.WriteErrorAsync(context, bodyError);
            return;
        }

        var written = store.Put(address, name, id, tenantText!, tenant, options.OverwriteSemantics);
        if (written is null)
        {
            await ArmResponses.WriteErrorAsync(context, RegistrationNotFound(address));
            return;
        }

        if (options.PutStatus == StatusCodes.Status201Created)
        {
            // The product document: "Response: 201 Created, Response Body: Empty".
            await ArmResponses.WriteEmptyAsync(context, StatusCodes.Status201Created);
            return;
        }

        var (registration, mapping) = written.Value;
        await ArmResponses.WriteJsonAsync(
            context,
            StatusCodes.Status200OK,
            writer => ArmResponses.WriteCustomerSubscription(writer, registration, mapping));
    }

    /// <summary>
    /// 200 (empty body) when the resource existed and was deleted, 204 when it did not exist: the specification allows
    /// both, the document shows 204, and the ARM resource-provider contract requires 204 for an absent resource.
    /// </summary>
    private async Task DeleteAsync(HttpContext context)
    {
        if (!TryReadItem(context, out var address, out _, out var id, out var error))
        {
            await ArmResponses.WriteErrorAsync(context, error);
            return;
        }

        switch (store.Delete(address, id))
        {
            case DeleteOutcome.RegistrationNotFound:
                await ArmResponses.WriteErrorAsync(context, RegistrationNotFound(address));
                break;
            case DeleteOutcome.Deleted:
                await ArmResponses.WriteEmptyAsync(context, StatusCodes.Status200OK);
                break;
            default:
                await ArmResponses.WriteEmptyAsync(context, StatusCodes.Status204NoContent);
                break;
        }
    }

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

    private static Task MethodNotAllowedAsync(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return ArmResponses.WriteErrorAsync(context, new ArmError(
            StatusCodes.Status405MethodNotAllowed,
            "MethodNotAllowed",
            $"The requested resource does not support http method '{context.Request.Method}'."));
    }

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
