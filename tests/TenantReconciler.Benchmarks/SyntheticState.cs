using System.Text;
using TenantReconciler.Live;

namespace TenantReconciler.Benchmarks;

/// <summary>Deterministic desired YAML and a live listing that differs from it by a known share of adds, overwrites and removals.</summary>
public static class SyntheticState
{
    public const string RegistrationName = "azurestack-bench";
    public const string ResourceGroup = "azurestack";
    public static readonly Guid RegistrationSubscription = Guid.Parse("6513270e-269e-4d37-b2a7-4de452e6b438");

    public static Guid Tenant(int i) => Make(1, i);

    public static Guid Subscription(int i) => Make(2, i);

    public static string DesiredYaml(int mappings)
    {
        var yaml = new StringBuilder(mappings * 120);
        yaml.Append("registrations:\n")
            .Append("  - name: ").Append(RegistrationName).Append('\n')
            .Append("    subscriptionId: ").Append(RegistrationSubscription).Append('\n')
            .Append("    resourceGroup: ").Append(ResourceGroup).Append('\n')
            .Append("    tenants:\n");
        for (var i = 0; i < mappings; i++)
        {
            yaml.Append("      - tenantId: ").Append(Tenant(i)).Append('\n')
                .Append("        customerSubscriptionId: ").Append(Subscription(i)).Append('\n')
                .Append("        name: Tenant ").Append(i).Append('\n');
        }

        return yaml.ToString();
    }

    /// <summary>Live = desired, but 1% missing (adds), 1% with another tenant (overwrites) and 1% extra (removals); upper-case ids as ARM lists them.</summary>
    public static LiveRegistration Live(int mappings)
    {
        var registration = new RegistrationRef(RegistrationSubscription, ResourceGroup, RegistrationName);
        var items = new List<LiveMapping>(mappings + mappings / 100);
        for (var i = 0; i < mappings; i++)
        {
            if (i % 100 == 0)
            {
                continue;
            }

            var tenant = i % 100 == 1 ? Make(3, i) : Tenant(i);
            items.Add(new LiveMapping(Subscription(i).ToString("D").ToUpperInvariant(), Subscription(i), tenant));
        }

        for (var i = 0; i < mappings / 100; i++)
        {
            items.Add(new LiveMapping(Make(4, i).ToString("D").ToUpperInvariant(), Make(4, i), Make(5, i)));
        }

        return new LiveRegistration(registration, items);
    }

    private static Guid Make(int kind, int i)
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, i);
        BitConverter.TryWriteBytes(bytes[4..], kind * 7919);
        BitConverter.TryWriteBytes(bytes[8..], (long)i * 2654435761L ^ kind);
        return new Guid(bytes);
    }
}
