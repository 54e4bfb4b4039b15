using System.Globalization;
using System.Text;
using TenantReconciler.Live;
using TenantReconciler.Schema;

namespace TenantReconciler.Rendering;

/// <summary>
/// Writes a complete tenants.yaml for live listings (<c>import</c>): the schema modeline first (the schema beside the
/// file, as the README explains, so it works outside this repository), then the cloud, the
/// api-version and every registration with its mappings. Registrations are sorted as plans sort them, tenants by
/// tenant id; every GUID is lower case. No <c>name:</c> labels are written: ARM does not know them, and a comment
/// says so. Pure: the same listings always give the same text.
/// </summary>
public static class TenantsYamlWriter
{
    /// <summary>YAML 1.1 and 1.2 words that a plain scalar would turn into a boolean or a null.</summary>
    private static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
    };

    /// <exception cref="ReconcilerException">
    /// The listings cannot be written as a valid tenants.yaml: a registration listed twice, or a tenant (or customer
    /// subscription) mapped twice in one registration, which tenants.yaml does not allow.
    /// </exception>
    /// <param name="stamp">With one registration: its <c>stamp:</c> block (endpoint and provider subscription; no billed tenants); null writes none.</param>
    public static string Write(AzureCloud cloud, string apiVersion, IReadOnlyList<LiveRegistration> registrations, Desired.DesiredStamp? stamp = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiVersion);
        ArgumentNullException.ThrowIfNull(registrations);
        if (registrations.Count == 0)
        {
            throw new ArgumentException("At least one registration is needed.", nameof(registrations));
        }

        if (stamp is not null && registrations.Count != 1)
        {
            throw new ArgumentException("A stamp is written for exactly one registration.", nameof(stamp));
        }

        var sorted = registrations.OrderBy(r => r.Registration, Comparer<RegistrationRef>.Create(RegistrationRef.Compare)).ToArray();
        RefuseDuplicates(sorted);
        var mappings = sorted.Sum(r => r.Mappings.Count);

        var text = new StringBuilder();
        text.Append(TenantsSchema.BesideModeline()).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"# Editors validate this file against the schema beside it: tenant-reconciler schema > {TenantsSchema.BesideFileName}\n");
        text.Append(CultureInfo.InvariantCulture, $"# Written by 'tenant-reconciler import' from the live mappings of {sorted.Length} registration(s), {mappings} tenant mapping(s).\n");
        text.Append("# ARM does not know the tenants' names: add a 'name:' label to each tenant, so that plans and reports say who it is.\n");
        text.Append("# 'tenant-reconciler plan' against this file shows no changes until you edit it.\n");
        text.Append(CultureInfo.InvariantCulture, $"cloud: {cloud}\n");
        text.Append(CultureInfo.InvariantCulture, $"apiVersion: \"{apiVersion}\"\n");
        text.Append('\n');
        text.Append("registrations:\n");
        foreach (var registration in sorted)
        {
            var r = registration.Registration;
            text.Append(CultureInfo.InvariantCulture, $"  - name: {Scalar(r.Name)}\n");
            text.Append(CultureInfo.InvariantCulture, $"    subscriptionId: {Lower(r.SubscriptionId)}\n");
            text.Append(CultureInfo.InvariantCulture, $"    resourceGroup: {Scalar(r.ResourceGroup)}\n");
            if (stamp is not null)
            {
                text.Append("    stamp:                  # read only: usage in plans, and audit's unbilled tenants\n");
                text.Append(CultureInfo.InvariantCulture, $"      adminEndpoint: {Stamps.StampEndpoint.Base(stamp.AdminEndpoint)}\n");
                text.Append(CultureInfo.InvariantCulture, $"      providerSubscriptionId: {Lower(stamp.ProviderSubscriptionId)}\n");
            }

            if (registration.Mappings.Count == 0)
            {
                text.Append("    tenants: []\n");
                continue;
            }

            text.Append("    tenants:\n");
            foreach (var mapping in registration.Mappings.OrderBy(m => Lower(m.TenantId), StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"      - tenantId: {Lower(mapping.TenantId)}\n");
                text.Append(CultureInfo.InvariantCulture, $"        customerSubscriptionId: {Lower(mapping.CustomerSubscriptionId)}\n");
            }
        }

        return text.ToString();
    }

    private static void RefuseDuplicates(IReadOnlyList<LiveRegistration> sorted)
    {
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Registration.Equals(sorted[i - 1].Registration))
            {
                throw new ReconcilerException($"Registration {sorted[i].Registration.Id} is named twice; name each registration once.");
            }
        }

        foreach (var registration in sorted)
        {
            var tenant = registration.Mappings.GroupBy(m => m.TenantId).FirstOrDefault(g => g.Count() > 1);
            if (tenant is not null)
            {
                throw new ReconcilerException(
                    $"Tenant {Lower(tenant.Key)} is mapped to {tenant.Count()} customer subscriptions in {registration.Registration.Id} " +
                    $"({string.Join(", ", tenant.Select(m => Lower(m.CustomerSubscriptionId)).Order(StringComparer.Ordinal))}); " +
                    "tenants.yaml maps a tenant to one customer subscription per registration. Remove the extra mappings in ARM, then import again.");
            }

            var subscription = registration.Mappings.GroupBy(m => m.CustomerSubscriptionId).FirstOrDefault(g => g.Count() > 1);
            if (subscription is not null)
            {
                throw new ReconcilerException(
                    $"Customer subscription {Lower(subscription.Key)} is listed {subscription.Count()} times in {registration.Registration.Id}; the listing is unusable.");
            }
        }
    }

    private static string Lower(Guid value) => value.ToString("D", CultureInfo.InvariantCulture);

    /// <summary>
    /// A name as a plain scalar when YAML reads it back as the same string, otherwise double-quoted. Names passed
    /// <see cref="ArmNames"/>, so they hold no character that needs escaping.
    /// </summary>
    private static string Scalar(string value)
    {
        var plain = value.Length > 0
            && char.IsAsciiLetter(value[0])
            && !ReservedWords.Contains(value)
            && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
        return plain ? value : $"\"{value}\"";
    }
}
