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

    public Task HandleCollectionAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return ArmResponses.MethodNotAllowedAsync(context, "GET");
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

        return ArmResponses.MethodNotAllowedAsync(context, "GET, PUT, DELETE");
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
        if (!CustomerSubscriptionRequests.TryReadRegistration(context, out var address, out var error))
        {
            await ArmResponses.WriteErrorAsync(context, error);
            return;
        }

        string? afterKey = null;
        var tokens = context.Request.Query[SkipToken.Parameter];
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
            await ArmResponses.WriteErrorAsync(context, CustomerSubscriptionRequests.RegistrationNotFound(address));
            return;
        }

        if (page.Items.Count == 0 && afterKey is null && options.PutStatus == StatusCodes.Status201Created)
        {
            // The product document: "If no tenants have been registered, you won't receive a response." That is the
            // whole listing being empty: a later page that finds nothing left is an ordinary {"value": []} end.
            await ArmResponses.WriteEmptyAsync(context, StatusCodes.Status200OK);
            return;
        }

        var nextLink = page.HasMore ? SkipToken.NextLink(context, SkipToken.Encode(page.Items[^1].Key)) : null;
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
        if (!CustomerSubscriptionRequests.TryReadItem(context, out var address, out var name, out var id, out var error))
        {
            await ArmResponses.WriteErrorAsync(context, error);
            return;
        }

        var (registration, mapping) = store.Get(address, id);
        if (registration is null)
        {
            await ArmResponses.WriteErrorAsync(context, CustomerSubscriptionRequests.RegistrationNotFound(address));
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
        if (!CustomerSubscriptionRequests.TryReadItem(context, out var address, out var name, out var id, out var error))
        {
            await ArmResponses.WriteErrorAsync(context, error);
            return;
        }

        var (tenantText, tenant, bodyError) = await CustomerSubscriptionRequests.ReadBodyAsync(context);
        if (bodyError is not null)
        {
            await ArmResponses.WriteErrorAsync(context, bodyError);
            return;
        }

        var written = store.Put(address, name, id, tenantText!, tenant, options.OverwriteSemantics);
        if (written is null)
        {
            await ArmResponses.WriteErrorAsync(context, CustomerSubscriptionRequests.RegistrationNotFound(address));
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
        if (!CustomerSubscriptionRequests.TryReadItem(context, out var address, out _, out var id, out var error))
        {
            await ArmResponses.WriteErrorAsync(context, error);
            return;
        }

        switch (store.Delete(address, id))
        {
            case DeleteOutcome.RegistrationNotFound:
                await ArmResponses.WriteErrorAsync(context, CustomerSubscriptionRequests.RegistrationNotFound(address));
                break;
            case DeleteOutcome.Deleted:
                await ArmResponses.WriteEmptyAsync(context, StatusCodes.Status200OK);
                break;
            default:
                await ArmResponses.WriteEmptyAsync(context, StatusCodes.Status204NoContent);
                break;
        }
    }
}
