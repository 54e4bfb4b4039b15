using System.Text.Json.Serialization;

namespace TenantReconciler.Emulator;

/// <summary>The state file: registrations and their customer subscriptions. A registration not listed answers 404.</summary>
public sealed record EmulatorState
{
    public List<EmulatorRegistration> Registrations { get; init; } = [];

    /// <summary>Azure Stack Hub stamps whose admin API is served (see <see cref="EmulatorStamp"/>); null for none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<EmulatorStamp>? Stamps { get; init; }

    /// <summary>Reads a state file (as <c>--state</c> reads it), e.g. to seed an emulator whose own state lives elsewhere.</summary>
    /// <exception cref="InvalidDataException">The file is not an emulator state.</exception>
    public static EmulatorState Load(string path) => EmulatorStateFile.Load(Path.GetFullPath(path));
}

public sealed record EmulatorRegistration
{
    /// <summary>The billing model when <see cref="BillingModel"/> is not set.</summary>
    public const string DefaultBillingModel = "PayAsYouUse";

    /// <summary>The billing model that refuses customer subscriptions (PUT answers 400 <c>CustomerSubscriptionsNotAllowed</c>).</summary>
    public const string CapacityBillingModel = "Capacity";

    public required string SubscriptionId { get; init; }

    public required string ResourceGroup { get; init; }

    public required string Name { get; init; }

    /// <summary><c>PayAsYouUse</c> (null, the default), <c>Capacity</c> or <c>Development</c>, served as <c>properties.billingModel</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BillingModel { get; init; }

    /// <summary>
    /// <c>properties.cloudId</c>. Null: the part of <see cref="Name"/> after <c>azurestack-</c> when it has that form,
    /// otherwise none is served.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CloudId { get; init; }

    /// <summary><c>properties.objectId</c>. Null: a GUID derived from the registration's id (stable across runs).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ObjectId { get; init; }

    public List<EmulatorCustomerSubscription> CustomerSubscriptions { get; init; } = [];

    /// <summary>
    /// ARM errors to answer for requests (GET, PUT, DELETE) addressing given customer subscriptions, mapped or not:
    /// how to make the resource provider's own codes (<c>BadCustomerSubscriptionId</c>, …) happen.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<EmulatorCustomerSubscriptionError>? CustomerSubscriptionErrors { get; init; }

    /// <summary>
    /// ARM management locks on the registration (or, by <see cref="EmulatorLock.Scope"/>, on its resource group or
    /// subscription, which then hold for every registration there). A <c>CanNotDelete</c> lock answers a DELETE of a
    /// customer subscription with 409 <c>ScopeLocked</c>; a <c>ReadOnly</c> lock a PUT too. Listed at
    /// <c>{registration}/providers/Microsoft.Authorization/locks?api-version=2016-09-01</c>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<EmulatorLock>? Locks { get; init; }

    /// <summary>
    /// True: the caller lacks <c>Microsoft.Authorization/locks/read</c> here, so listing the locks answers 403
    /// <c>AuthorizationFailed</c> (the locks still hold).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool LocksUnreadable { get; init; }

    internal string EffectiveBillingModel => string.IsNullOrEmpty(BillingModel) ? DefaultBillingModel : BillingModel;
}

public sealed record EmulatorCustomerSubscription
{
    /// <summary>The customer subscription GUID, as the caller first spelled it.</summary>
    public required string SubscriptionId { get; init; }

    public required string TenantId { get; init; }
}

/// <summary>One ARM error answered for one customer subscription of a registration.</summary>
public sealed record EmulatorCustomerSubscriptionError
{
    /// <summary>The customer subscription GUID the error is for.</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>ARM's <c>error.code</c>, e.g. <c>BadCustomerSubscriptionId</c>.</summary>
    public required string Code { get; init; }

    /// <summary>The HTTP status; null picks the code's usual one (see docs/emulator.md), 400 for an unknown code.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Status { get; init; }

    /// <summary><c>error.message</c>; null uses the documented text of the code.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Message { get; init; }

    /// <summary>
    /// How many requests get the error before the subscription behaves normally again; null, every request. The count
    /// is kept in memory: a restart (or <c>Reset</c>) starts it again.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Times { get; init; }
}

/// <summary>One ARM management lock (<c>Microsoft.Authorization/locks</c>), as <c>Set-AzsRegistration</c> puts one.</summary>
public sealed record EmulatorLock
{
    public const string CanNotDelete = "CanNotDelete";
    public const string ReadOnly = "ReadOnly";

    /// <summary>Where the lock sits: the registration itself.</summary>
    public const string RegistrationScope = "registration";

    /// <summary>Where the lock sits: the registration's resource group.</summary>
    public const string ResourceGroupScope = "resourceGroup";

    /// <summary>Where the lock sits: the registration's subscription.</summary>
    public const string SubscriptionScope = "subscription";

    /// <summary>The lock's name, e.g. <c>RegistrationResourceLock</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>CanNotDelete</c> or <c>ReadOnly</c>.</summary>
    public required string Level { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Notes { get; init; }

    /// <summary><c>registration</c> (null, the default), <c>resourceGroup</c> or <c>subscription</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Scope { get; init; }

    internal bool BlocksPut => string.Equals(Level, ReadOnly, StringComparison.OrdinalIgnoreCase);
}
