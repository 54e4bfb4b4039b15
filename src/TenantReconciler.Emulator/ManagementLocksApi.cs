using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TenantReconciler.Emulator;

/// <summary>
/// ARM's management locks on a registration (<see cref="EmulatorRegistration.Locks"/>): the listing at the registration
/// scope, and their effect on its customer subscriptions. A lock at a parent scope holds for the children: any lock
/// refuses a DELETE of a customer subscription, and a <c>ReadOnly</c> lock a PUT too, with 409 <c>ScopeLocked</c> and
/// ARM's message. Enforced ahead of the resource provider (ARM checks locks before it forwards a request).
/// </summary>
internal sealed class ManagementLocksApi(EmulatorStore store)
{
    public const string Route = RegistrationsApi.Route + "/providers/Microsoft.Authorization/locks";

    /// <summary>The api-version of <c>Microsoft.Authorization/locks</c> that the emulator serves.</summary>
    public const string ApiVersion = "2016-09-01";

    public const string LockType = "Microsoft.Authorization/locks";

    /// <summary>True for a request to a locks collection (whatever the scope), whose api-version is <see cref="ApiVersion"/>.</summary>
    public static bool IsLocksPath(PathString path) =>
        path.Value?.EndsWith("/providers/Microsoft.Authorization/locks", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// <c>GET {registration}/providers/Microsoft.Authorization/locks</c>: every lock that holds for the registration (at
    /// its scope or above; with or without <c>$filter=atScope()</c>, as the registration has no locked children).
    /// </summary>
    public Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            return ArmResponses.MethodNotAllowedAsync(context, "GET");
        }

        var address = ResourceProviderErrors.AddressOf(context);
        if (store.Registration(address) is not { } registration)
        {
            return ArmResponses.WriteErrorAsync(context, ResourceProviderErrors.RegistrationNotFound(address));
        }

        var scope = context.Request.Path.Value![..^"/providers/Microsoft.Authorization/locks".Length];
        if (registration.LocksUnreadable)
        {
            return ArmResponses.WriteErrorAsync(context, new ArmError(
                StatusCodes.Status403Forbidden,
                "AuthorizationFailed",
                $"The client '00000000-0000-0000-0000-000000000000' with object id '00000000-0000-0000-0000-000000000000' does not have authorization to perform action 'Microsoft.Authorization/locks/read' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials."));
        }

        return ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("value");
            foreach (var held in registration.Locks)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("properties");
                writer.WriteString("level", held.Lock.Level);
                if (held.Lock.Notes is { } notes)
                {
                    writer.WriteString("notes", notes);
                }

                writer.WriteEndObject();
                writer.WriteString("id", held.Id);
                writer.WriteString("type", LockType);
                writer.WriteString("name", held.Lock.Name);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <summary>Middleware: a write of a customer subscription that a lock refuses gets ARM's 409 <c>ScopeLocked</c>.</summary>
    public Task EnforceAsync(HttpContext context, RequestDelegate next)
    {
        var method = context.Request.Method;
        if ((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText != CustomerSubscriptionsApi.ItemRoute
            || !(HttpMethods.IsDelete(method) || HttpMethods.IsPut(method))
            || store.Registration(ResourceProviderErrors.AddressOf(context)) is not { } registration)
        {
            return next(context);
        }

        var refusing = registration.Locks.Where(held => HttpMethods.IsDelete(method) || held.Lock.BlocksPut).ToArray();
        if (refusing.Length == 0)
        {
            return next(context);
        }

        var operation = HttpMethods.IsDelete(method) ? "delete" : "write";
        var scopes = string.Join(",", refusing.Select(held => $"'{held.ScopeId}'").Distinct(StringComparer.OrdinalIgnoreCase));
        return ArmResponses.WriteErrorAsync(context, new ArmError(
            StatusCodes.Status409Conflict,
            "ScopeLocked",
            $"The scope '{context.Request.Path.Value}' cannot perform {operation} operation because following scope(s) are locked: {scopes}. Please remove the lock and try again."));
    }
}
