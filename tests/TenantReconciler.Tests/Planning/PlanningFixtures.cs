namespace TenantReconciler.Tests.Planning;

/// <summary>Readable GUIDs and builders for planner and renderer tests.</summary>
internal static class PlanningFixtures
{
    public static readonly SourceLocation Location = new("tenants.yaml", 1, 1);

    public static readonly RegistrationRef Registration =
        new(Guid.Parse("9e000000-0000-0000-0000-000000000001"), "rg-azurestack", "reg-stack1");

    /// <summary>Customer subscription number <paramref name="n"/>; ordered by <paramref name="n"/>.</summary>
    public static Guid S(int n) => Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"5b000000-0000-0000-0000-{n:D12}"));

    /// <summary>Tenant number <paramref name="n"/>; the "ab" keeps upper and lower case apart.</summary>
    public static Guid T(int n) => Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"7e000000-0000-0000-00ab-{n:D12}"));

    public static DesiredTenant Want(Guid subscription, Guid tenant, string? name = null) =>
        new(tenant, subscription, name, Location);

    public static LiveMapping Have(Guid subscription, Guid tenant, bool upperCase = false) =>
        new(upperCase ? subscription.ToString("D").ToUpperInvariant() : subscription.ToString("D"), subscription, tenant);

    public static DesiredRegistration DesiredOf(params DesiredTenant[] tenants) => DesiredOf(Registration, tenants);

    public static DesiredRegistration DesiredOf(RegistrationRef registration, params DesiredTenant[] tenants) =>
        new(registration, tenants, Location);

    public static LiveRegistration LiveOf(params LiveMapping[] mappings) => LiveOf(Registration, mappings);

    public static LiveRegistration LiveOf(RegistrationRef registration, params LiveMapping[] mappings) => new(registration, mappings);

    public static DesiredState State(params DesiredRegistration[] registrations) =>
        new("tenants.yaml", AzureCloud.AzureCloud, "2017-06-01", registrations);
}
