using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TenantReconciler.Emulator;

/// <summary>
/// The resource provider's own refusals of customer-subscription requests, ahead of the handlers: the errors the state
/// configures per customer subscription (<see cref="EmulatorRegistration.CustomerSubscriptionErrors"/>), and
/// <c>CustomerSubscriptionsNotAllowed</c> for a PUT on a Capacity registration. The texts follow the Azure Stack Hub
/// registration troubleshooting page.
/// </summary>
internal sealed class ResourceProviderErrors(EmulatorStore store)
{
    private static readonly Dictionary<string, (int Status, string Message)> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RegistrationNotFound"] = (StatusCodes.Status404NotFound, "The provided registration was not found."),
        ["BadCustomerSubscriptionId"] = (StatusCodes.Status400BadRequest,
            "The provided customer subscription identifier and the registration name subscription identifier are not owned by the same Microsoft CSP."),
        ["InvalidCustomerSubscriptionId"] = (StatusCodes.Status400BadRequest,
            "The customer subscription identifier is not valid. Make sure a valid Azure subscription is provided."),
        ["CustomerSubscriptionNotFound"] = (StatusCodes.Status404NotFound,
            "Customer subscription identifier was not found under the registration name."),
        ["UnauthorizedCspRegistration"] = (StatusCodes.Status403Forbidden,
            "The provided registration is not approved to use multi-tenancy."),
        ["CustomerSubscriptionsNotAllowed"] = (StatusCodes.Status400BadRequest,
            "Customer subscription operations are not supported for disconnected customers or for Capacity registrations."),
        ["InvalidCSPSubscription"] = (StatusCodes.Status400BadRequest,
            "The provided customer subscription identifier isn't a valid CSP subscription."),
        ["MetadataResolverBadGatewayError"] = (StatusCodes.Status502BadGateway,
            "One of the upstream servers returned an unexpected exception. Try again later."),
    };

    private readonly ConcurrentDictionary<(string Registration, Guid CustomerSubscription, string Code), int> answered = new();

    /// <summary>The status a code is answered with when the state gives none: the code's usual one, else 400.</summary>
    public static int StatusFor(string code) => Known.TryGetValue(code, out var known) ? known.Status : StatusCodes.Status400BadRequest;

    public static ArmError Error(string code, int? status = null, string? message = null) =>
        new(status ?? StatusFor(code), code, message ?? (Known.TryGetValue(code, out var known) ? known.Message : $"The request failed with {code}."));

    /// <summary>404 <c>RegistrationNotFound</c>, with the values the caller gave, as the resource provider words it.</summary>
    public static ArmError RegistrationNotFound(RegistrationAddress address) => new(
        StatusCodes.Status404NotFound,
        "RegistrationNotFound",
        "The provided registration was not found. Make sure the following information was provided correctly: "
        + $"1. Subscription identifier (value provided: {address.SubscriptionId}), 2. Resource group (value provided: {address.ResourceGroup}), "
        + $"3. Registration name (value provided: {address.Name}).");

    public Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        if ((context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText != CustomerSubscriptionsApi.ItemRoute
            || !Guid.TryParseExact((string?)context.GetRouteValue("customerSubscriptionName"), "D", out var customerSubscription)
            || !Guid.TryParseExact((string?)context.GetRouteValue("subscriptionId"), "D", out _)
            || store.Registration(AddressOf(context)) is not { } registration)
        {
            // Malformed or unknown: the handlers answer those.
            return next(context);
        }

        foreach (var configured in registration.Errors)
        {
            if (Guid.TryParse(configured.SubscriptionId, out var id) && id == customerSubscription && Take(registration.Path, id, configured))
            {
                return ArmResponses.WriteErrorAsync(context, Error(configured.Code, configured.Status, configured.Message));
            }
        }

        if (HttpMethods.IsPut(context.Request.Method)
            && string.Equals(registration.BillingModel, EmulatorRegistration.CapacityBillingModel, StringComparison.OrdinalIgnoreCase))
        {
            return ArmResponses.WriteErrorAsync(context, Error("CustomerSubscriptionsNotAllowed", message:
                $"Customer subscription operations are not supported for the registration '{registration.Path.Name}': its billing model is '{registration.BillingModel}'."));
        }

        return next(context);
    }

    internal static RegistrationAddress AddressOf(HttpContext context) => new(
        (string)context.GetRouteValue("subscriptionId")!,
        (string)context.GetRouteValue("resourceGroup")!,
        (string)context.GetRouteValue("registrationName")!);

    /// <summary>True while the error still has requests to answer (every request when it has no <c>times</c>).</summary>
    private bool Take(RegistrationPath registration, Guid customerSubscription, EmulatorCustomerSubscriptionError configured)
    {
        if (configured.Times is not { } times)
        {
            return true;
        }

        var key = ($"{registration.SubscriptionId}/{registration.ResourceGroup}/{registration.Name}".ToUpperInvariant(), customerSubscription, configured.Code.ToUpperInvariant());
        return answered.AddOrUpdate(key, 1, (_, count) => count + 1) <= times;
    }
}
