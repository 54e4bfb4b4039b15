using System.Text.Json.Serialization;

namespace TenantReconciler.Emulator;

/// <summary>
/// An Azure Stack Hub stamp's admin API, served at <c>{BaseUri}stamps/{providerSubscriptionId}</c> (that is the
/// stamp's <c>adminEndpoint</c>): the metadata document, the activation, the user subscriptions and the usage records.
/// Read-only: no request changes it. See docs/emulator.md.
/// </summary>
public sealed record EmulatorStamp
{
    /// <summary>Identity systems of <see cref="IdentitySystem"/>.</summary>
    public const string AzureAD = "AzureAD";

    /// <summary>Identity systems of <see cref="IdentitySystem"/>.</summary>
    public const string Adfs = "ADFS";

    /// <summary>The stamp's Default Provider Subscription: in its address and in every admin path.</summary>
    public required string ProviderSubscriptionId { get; init; }

    /// <summary><c>AzureAD</c> (null, the default) or <c>ADFS</c>: the metadata document's <c>loginEndpoint</c> and audience.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IdentitySystem { get; init; }

    /// <summary><c>authentication.loginEndpoint</c>; null for the identity system's usual one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LoginEndpoint { get; init; }

    /// <summary><c>authentication.audiences[0]</c>; null for one derived from the provider subscription.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Audience { get; init; }

    /// <summary>The activation (which registration the stamp reports to); null answers 404 <c>ResourceNotFound</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public EmulatorActivation? Activation { get; init; }

    /// <summary>The user subscriptions (<c>Microsoft.Subscriptions.Admin/subscriptions</c>), served 1,000 a page in this order.</summary>
    public List<EmulatorUserSubscription>? Subscriptions { get; init; } = [];

    /// <summary>
    /// The usage records (<c>subscriberUsageAggregates</c>), served 1,000 a page in this order: those reported in the
    /// window asked for, of subscriptions that are not under a delegated provider (the operator does not see a
    /// reseller's tenants' usage).
    /// </summary>
    public List<EmulatorUsageRecord>? Usage { get; init; } = [];

    /// <summary>Errors answered instead of a read (503 <c>ServiceUnavailable</c> by default).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<EmulatorStampFault>? Faults { get; init; }
}

/// <summary><c>Microsoft.AzureBridge.Admin/activations/default</c>.</summary>
public sealed record EmulatorActivation
{
    /// <summary><c>azureRegistrationResourceIdentifier</c>: the registration's ARM id, as the stamp spells it.</summary>
    public required string RegistrationId { get; init; }

    /// <summary><c>usageReportingEnabled</c> (null: true); false on a stamp that does not report usage (disconnected, capacity).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? UsageReportingEnabled { get; init; }

    /// <summary>The <c>configuration</c>'s <c>deviceVersion</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeviceVersion { get; init; }
}

/// <summary>One user subscription of the stamp; its tenant is at the top level of the served item.</summary>
public sealed record EmulatorUserSubscription
{
    public required string SubscriptionId { get; init; }

    public required string TenantId { get; init; }

    /// <summary><c>Enabled</c> (null, the default), <c>Disabled</c>, <c>Deleting</c>, <c>Deleted</c> or <c>PartiallyDeleted</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? State { get; init; }

    /// <summary>The delegated provider (reseller) subscription; null is the stamp's Default Provider Subscription (a direct tenant).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DelegatedProviderSubscriptionId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DisplayName { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Owner { get; init; }

    /// <summary>The offer's name (served as the offer's full id under the provider subscription).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Offer { get; init; }

    internal string EffectiveState => string.IsNullOrEmpty(State) ? "Enabled" : State;
}

/// <summary>One usage aggregate (a meter's quantity over an hour or a day).</summary>
public sealed record EmulatorUsageRecord
{
    public required string SubscriptionId { get; init; }

    /// <summary><c>usageStartTime</c>, UTC; null: <see cref="DaysAgo"/> days before today (by the emulator's clock).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? UsageStartTime { get; init; }

    /// <summary>
    /// Instead of <see cref="UsageStartTime"/>: the day that started this many days before today's midnight UTC (1 is
    /// yesterday), so that an example state keeps usage in the window whenever it is run.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DaysAgo { get; init; }

    /// <summary><c>usageEndTime</c>; null is a day after <see cref="UsageStartTime"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? UsageEndTime { get; init; }

    /// <summary>
    /// When the record was reported: what the query's window selects on. Null is <see cref="UsageStartTime"/>, so a
    /// record counts in the window that holds its day; set it later to model usage that arrives late.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ReportedTime { get; init; }

    /// <summary>The meter; null is a fixed one (compute hours).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? MeterId { get; init; }

    public double Quantity { get; init; }

    /// <summary>When set, <c>quantity</c> is served as this string (the older specification's type), not as <see cref="Quantity"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? QuantityText { get; init; }

    internal DateTimeOffset StartTime(DateTimeOffset today) => UsageStartTime ?? today.AddDays(-(DaysAgo ?? 1));

    internal DateTimeOffset EndTime(DateTimeOffset today) => UsageEndTime ?? StartTime(today).AddDays(1);

    internal DateTimeOffset ReportedAt(DateTimeOffset today) => ReportedTime ?? StartTime(today);
}

/// <summary>An error answered for one of a stamp's reads, on every page or one, every time or a number of times.</summary>
public sealed record EmulatorStampFault
{
    public const string Metadata = "metadata";
    public const string Activation = "activation";
    public const string Subscriptions = "subscriptions";
    public const string Usage = "usage";

    /// <summary><c>metadata</c>, <c>activation</c>, <c>subscriptions</c> or <c>usage</c>.</summary>
    public required string Read { get; init; }

    /// <summary>The page (1 is the first); null, every page.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Page { get; init; }

    /// <summary>The HTTP status; null is 503.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Status { get; init; }

    internal int EffectiveStatus => Status ?? 503;

    /// <summary><c>error.code</c>; null is <c>ServiceUnavailable</c> for a 503, else <c>InternalServerError</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Code { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }

    /// <summary>How many requests get the error; null, all. Counted in memory (a restart starts again).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Times { get; init; }

    /// <summary>The <c>Retry-After</c> seconds sent with the error; null sends none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RetryAfterSeconds { get; init; }
}
