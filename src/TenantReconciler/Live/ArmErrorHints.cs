namespace TenantReconciler.Live;

/// <summary>
/// One-line explanations of the error codes the Azure Stack resource provider documents for customer-subscription
/// operations (the registration troubleshooting page), to show next to ARM's own message and request id.
/// </summary>
public static class ArmErrorHints
{
    public const string RegistrationNotFound = "RegistrationNotFound";
    public const string BadCustomerSubscriptionId = "BadCustomerSubscriptionId";
    public const string InvalidCustomerSubscriptionId = "InvalidCustomerSubscriptionId";
    public const string CustomerSubscriptionNotFound = "CustomerSubscriptionNotFound";
    public const string UnauthorizedCspRegistration = "UnauthorizedCspRegistration";
    public const string CustomerSubscriptionsNotAllowed = "CustomerSubscriptionsNotAllowed";
    public const string InvalidCspSubscription = "InvalidCSPSubscription";
    public const string MetadataResolverBadGatewayError = "MetadataResolverBadGatewayError";

    /// <summary>ARM's own code (not the resource provider's): a management lock refused the write.</summary>
    public const string ScopeLocked = "ScopeLocked";

    private static readonly Dictionary<string, string> Hints = new(StringComparer.OrdinalIgnoreCase)
    {
        [RegistrationNotFound] =
            "The registration named in the path does not exist: check its subscription, resource group and name (the registration whose CloudDeploymentID matches your Azure Stack).",
        [BadCustomerSubscriptionId] =
            "The customer subscription rolls up to a different CSP partner than the registration's subscription; check the subscription id.",
        [InvalidCustomerSubscriptionId] =
            "The value is not a valid Azure subscription for this operation; check the customer subscription id.",
        [CustomerSubscriptionNotFound] =
            "The customer subscription does not exist or cannot be found; check the customer subscription id.",
        [UnauthorizedCspRegistration] =
            "Multi-tenant billing has not been enabled for this registration yet; ask Microsoft (CSP support) to enable it.",
        [CustomerSubscriptionsNotAllowed] =
            "The registration's billing model (Capacity, or a disconnected deployment) does not allow customer subscriptions.",
        [InvalidCspSubscription] =
            "The customer subscription is not a CSP subscription; only CSP subscriptions can be mapped.",
        [MetadataResolverBadGatewayError] =
            "A back-end dependency of the resource provider failed; this is transient, retry later.",
        [ScopeLocked] =
            "A management lock on the registration, its resource group or its subscription refuses this write: CanNotDelete refuses removals, ReadOnly every change. "
            + "Set-AzsRegistration puts a CanNotDelete lock named RegistrationResourceLock on the registration. Remove the lock for the apply and put it back after "
            + "(or ask its owner); 'tenant-reconciler check' lists the locks. The registration's other writes were not attempted.",
    };

    /// <summary>The documented codes that mean "try again later", whatever the HTTP status they come with.</summary>
    private static readonly HashSet<string> TransientCodes = new(StringComparer.OrdinalIgnoreCase) { MetadataResolverBadGatewayError };

    /// <summary>Every code with a hint.</summary>
    public static IReadOnlyCollection<string> Codes => Hints.Keys;

    /// <summary>The hint for ARM's <c>error.code</c>, or null for a code without one (matched case-insensitively).</summary>
    public static string? HintFor(string? errorCode) =>
        errorCode is not null && Hints.TryGetValue(errorCode, out var hint) ? hint : null;

    /// <summary>True for a code the resource provider documents as transient (retried by <see cref="ArmRetryPolicy"/>).</summary>
    public static bool IsTransient(string? errorCode) => errorCode is not null && TransientCodes.Contains(errorCode);
}
