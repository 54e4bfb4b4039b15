namespace TenantReconciler.Desired;

/// <summary>The validated content of <c>tenants.yaml</c>.</summary>
public sealed record DesiredState(
    string SourcePath,
    AzureCloud Cloud,
    string ApiVersion,
    IReadOnlyList<DesiredRegistration> Registrations);

/// <summary>One registration and the tenants it must map, in file order.</summary>
public sealed record DesiredRegistration(
    RegistrationRef Registration,
    IReadOnlyList<DesiredTenant> Tenants,
    SourceLocation Location);

/// <summary>One desired mapping: customer subscription to tenant. <see cref="Name"/> is a display label only.</summary>
public sealed record DesiredTenant(
    Guid TenantId,
    Guid CustomerSubscriptionId,
    string? Name,
    SourceLocation Location);
