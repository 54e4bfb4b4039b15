namespace TenantReconciler.Stamps;

/// <summary>
/// A stamp's metadata document (<c>{adminEndpoint}/metadata/endpoints</c>): where to sign in and for which audience.
/// An AD FS stamp (<see cref="IsAdfs"/>) signs in with tenant <c>adfs</c> at its own AD FS, instance discovery off.
/// </summary>
/// <param name="LoginEndpoint"><c>authentication.loginEndpoint</c>, e.g. <c>https://login.microsoftonline.com/</c>.</param>
/// <param name="Audience"><c>authentication.audiences[0]</c>: the token scope is <c>{Audience}/.default</c>.</param>
public sealed record StampMetadata(Uri LoginEndpoint, string Audience)
{
    /// <summary>The tenant an AD FS stamp signs in with.</summary>
    public const string AdfsTenant = "adfs";

    /// <summary>True when <see cref="LoginEndpoint"/>'s path ends in <c>/adfs</c>.</summary>
    public bool IsAdfs => LoginEndpoint.AbsolutePath.TrimEnd('/').EndsWith("/adfs", StringComparison.OrdinalIgnoreCase);

    /// <summary>The authority host for Azure.Identity: the login endpoint, without the <c>/adfs</c> of an AD FS stamp.</summary>
    public Uri AuthorityHost
    {
        get
        {
            if (!IsAdfs)
            {
                return new Uri(LoginEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
            }

            var path = LoginEndpoint.AbsolutePath.TrimEnd('/');
            return new Uri(LoginEndpoint.GetLeftPart(UriPartial.Authority) + path[..^"/adfs".Length] + "/");
        }
    }

    /// <summary><c>adfs</c> for an AD FS stamp; null for Azure AD (the credential's own directory).</summary>
    public string? Tenant => IsAdfs ? AdfsTenant : null;

    /// <summary>The token scope: the audience without trailing '/', then <c>/.default</c>.</summary>
    public string Scope => Live.ArmConnections.ScopeForAudience(Audience);
}

/// <summary>The stamp's activation: the registration it reports usage to.</summary>
/// <param name="RegistrationId"><c>azureRegistrationResourceIdentifier</c>, as the stamp spells it (sanitised).</param>
public sealed record StampActivation(string RegistrationId, bool UsageReportingEnabled);

/// <summary>One user subscription of the stamp (<c>Microsoft.Subscriptions.Admin/subscriptions</c>).</summary>
/// <param name="State"><c>Enabled</c>, <c>Disabled</c>, <c>Deleting</c>, <c>Deleted</c>, <c>PartiallyDeleted</c> (sanitised, as sent).</param>
/// <param name="Offer">The last segment of <c>offerId</c>; null when none.</param>
public sealed record StampSubscription(
    Guid SubscriptionId,
    Guid TenantId,
    string State,
    Guid DelegatedProviderSubscriptionId,
    string? DisplayName,
    string? Owner,
    string? Offer)
{
    public bool IsEnabled => string.Equals(State, "Enabled", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for a subscription of a direct tenant of <paramref name="providerSubscriptionId"/> (not a reseller's).</summary>
    public bool IsDirect(Guid providerSubscriptionId) => DelegatedProviderSubscriptionId == providerSubscriptionId;
}

/// <summary>What a stamp read came to.</summary>
public enum StampReadStatus
{
    /// <summary>Every page of the three reads was read: the usage is known.</summary>
    Complete,

    /// <summary>A read failed (any page): the usage is unknown, never "no usage".</summary>
    Unknown,

    /// <summary>The stamp reports to another registration: an error in tenants.yaml naming both ids.</summary>
    Mismatch,
}

/// <summary>One tenant on a stamp: its subscriptions (direct and under resellers) and its usage in the window.</summary>
/// <param name="Quantity">The sum of <c>quantity</c> over its subscriptions' records in the window (every meter).</param>
/// <param name="BySubscription">Each subscription's sum, for the subscriptions with records.</param>
public sealed record TenantOnStamp(
    Guid TenantId,
    decimal Quantity,
    IReadOnlyList<StampSubscription> Subscriptions,
    IReadOnlyDictionary<Guid, decimal> BySubscription)
{
    /// <summary>The subscriptions under a delegated provider: their usage is not visible to the operator.</summary>
    public IReadOnlyList<StampSubscription> NotVisible { get; init; } = [];

    public bool HasEnabledSubscription => Subscriptions.Any(s => s.IsEnabled);
}

/// <summary>What is known of one tenant's usage in the window.</summary>
public enum UsageKind
{
    /// <summary>Known: nothing used in the window.</summary>
    None,

    /// <summary>Known: used more than zero.</summary>
    Used,

    /// <summary>Not known (the stamp was not read, or part of it is not visible): never taken as "no usage".</summary>
    Unknown,
}

/// <summary>One tenant's usage in the window, as a plan and the guard see it.</summary>
/// <param name="Quantity">Known usage (for <see cref="UsageKind.Unknown"/>, what is known so far, possibly 0).</param>
/// <param name="Subscriptions">How many of its subscriptions have usage.</param>
/// <param name="Reason">For <see cref="UsageKind.Unknown"/>: why, one clause ("the stamp's usage could not be read: …").</param>
public sealed record TenantUsage(UsageKind Kind, decimal Quantity, int Subscriptions, string? Reason)
{
    public static TenantUsage NoUsage { get; } = new(UsageKind.None, 0, 0, null);

    public static TenantUsage Unknown(string reason) => new(UsageKind.Unknown, 0, 0, reason);
}
