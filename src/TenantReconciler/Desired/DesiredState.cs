namespace TenantReconciler.Desired;

/// <summary>The validated content of <c>tenants.yaml</c>.</summary>
/// <param name="Protect">Tenants that must never be removed (top-level <c>protect:</c>). Empty when absent.</param>
/// <param name="Suspend">Top-level <c>suspend:</c>: when true, nothing is to be changed.</param>
public sealed record DesiredState(
    string SourcePath,
    AzureCloud Cloud,
    string ApiVersion,
    IReadOnlyList<DesiredRegistration> Registrations,
    IReadOnlyList<Guid>? Protect = null,
    bool Suspend = false)
{
    public IReadOnlyList<Guid> Protect { get; init; } = Protect ?? [];

    /// <summary>
    /// <c>sha256:…</c> of the bytes that were parsed (set by <see cref="DesiredStateLoader.Load"/>; null for text parsed
    /// from memory). Saved plans record it, so a file changed after its plan was reviewed is refused.
    /// </summary>
    public string? Sha256 { get; init; }
}

/// <summary>One registration and the tenants it must map, in file order.</summary>
/// <param name="MaxRemovals">Per-registration <c>maxRemovals:</c>; null when absent.</param>
public sealed record DesiredRegistration(
    RegistrationRef Registration,
    IReadOnlyList<DesiredTenant> Tenants,
    SourceLocation Location,
    int? MaxRemovals = null);

/// <summary>One desired mapping: customer subscription to tenant. <see cref="Name"/> is a display label only.</summary>
public sealed record DesiredTenant(
    Guid TenantId,
    Guid CustomerSubscriptionId,
    string? Name,
    SourceLocation Location);
