namespace TenantReconciler.Emulator;

/// <summary>The state file: registrations and their customer subscriptions. A registration not listed answers 404.</summary>
public sealed record EmulatorState
{
    public List<EmulatorRegistration> Registrations { get; init; } = [];
}

public sealed record EmulatorRegistration
{
    public required string SubscriptionId { get; init; }

    public required string ResourceGroup { get; init; }

    public required string Name { get; init; }

    public List<EmulatorCustomerSubscription> CustomerSubscriptions { get; init; } = [];
}

public sealed record EmulatorCustomerSubscription
{
    /// <summary>The customer subscription GUID, as the caller first spelled it.</summary>
    public required string SubscriptionId { get; init; }

    public required string TenantId { get; init; }
}
