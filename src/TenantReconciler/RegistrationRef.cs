using System.Diagnostics.CodeAnalysis;
using Azure.Core;

namespace TenantReconciler;

/// <summary>
/// Identifies one <c>Microsoft.AzureStack/registrations</c> resource. Only constructed from a parsed GUID and
/// names that passed <see cref="ArmNames"/>, so every part is safe to put into a URL path.
/// Equality follows ARM: names compare case-insensitively.
/// </summary>
public sealed record RegistrationRef
{
    public const string ProviderNamespace = "Microsoft.AzureStack";
    public const string ResourceType = "registrations";
    public const string ChildResourceType = "customerSubscriptions";

    public RegistrationRef(Guid subscriptionId, string resourceGroup, string name)
    {
        if (!ArmNames.IsValidResourceGroupName(resourceGroup))
        {
            throw new ArgumentException($"'{resourceGroup}' is not a valid resource group name.", nameof(resourceGroup));
        }

        if (!ArmNames.IsValidRegistrationName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid registration name.", nameof(name));
        }

        SubscriptionId = subscriptionId;
        ResourceGroup = resourceGroup;
        Name = name;
    }

    public Guid SubscriptionId { get; }

    public string ResourceGroup { get; }

    public string Name { get; }

    /// <summary>The registration's ARM resource id.</summary>
    public ResourceIdentifier Id =>
        new($"/subscriptions/{SubscriptionId:D}/resourceGroups/{ResourceGroup}/providers/{ProviderNamespace}/{ResourceType}/{Name}");

    /// <summary>The id of one <c>customerSubscriptions</c> child. <paramref name="customerSubscriptionName"/> must be a GUID string.</summary>
    public ResourceIdentifier CustomerSubscriptionId(string customerSubscriptionName)
    {
        if (!Guid.TryParseExact(customerSubscriptionName, "D", out _))
        {
            throw new ArgumentException($"'{customerSubscriptionName}' is not a GUID.", nameof(customerSubscriptionName));
        }

        return Id.AppendChildResource(ChildResourceType, customerSubscriptionName);
    }

    /// <summary>
    /// Reads a registration's ARM id (<c>/subscriptions/S/resourceGroups/G/providers/Microsoft.AzureStack/registrations/R</c>)
    /// with <see cref="ResourceIdentifier"/>, as ARM reads ids: the fixed segments case-insensitively. False, with the
    /// problem in words, for anything else: another resource type (a customer subscription, a resource group), a
    /// subscription that is not a GUID, or a name <see cref="ArmNames"/> refuses.
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out RegistrationRef? registration, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        registration = null;
        if (!text.StartsWith('/') || !ResourceIdentifier.TryParse(text, out var id) || id is null)
        {
            // ResourceIdentifier refuses a subscription that is not a GUID: say that rather than "not an id".
            var parts = text.Split('/');
            problem = parts.Length > 2 && parts[0].Length == 0 && parts[1].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) && !Guid.TryParse(parts[2], out _)
                ? $"'{parts[2]}' is not a subscription GUID"
                : "it must be an ARM resource id, starting with '/subscriptions/'";
            return false;
        }

        var type = id.ResourceType;
        if (type.Equals(new Azure.Core.ResourceType($"{ProviderNamespace}/{ResourceType}/{ChildResourceType}")))
        {
            problem = "it names a customer subscription, not a registration";
            return false;
        }

        if (!type.Equals(new Azure.Core.ResourceType($"{ProviderNamespace}/{ResourceType}")))
        {
            var segments = text.TrimEnd('/').Split('/').Length - 1;
            problem = type.Type.Equals(ResourceType, StringComparison.OrdinalIgnoreCase) && segments == 8
                ? $"the provider must be '{ProviderNamespace}', not '{type.Namespace}'"
                : segments != 8 ? $"{segments} segments instead of 8" : $"it names a {type}, not a registration";
            return false;
        }

        if (id.ResourceGroupName is not { } resourceGroup || id.Parent?.ResourceType != new Azure.Core.ResourceType("Microsoft.Resources/resourceGroups"))
        {
            problem = "it must name the registration's resource group";
            return false;
        }

        if (!Guid.TryParseExact(id.SubscriptionId, "D", out var subscription))
        {
            problem = $"'{id.SubscriptionId}' is not a subscription GUID";
            return false;
        }

        if (!ArmNames.IsValidResourceGroupName(resourceGroup))
        {
            problem = $"'{resourceGroup}' is not a valid resource group name";
            return false;
        }

        if (!ArmNames.IsValidRegistrationName(id.Name))
        {
            problem = $"'{id.Name}' is not a valid registration name";
            return false;
        }

        registration = new RegistrationRef(subscription, resourceGroup, id.Name);
        problem = string.Empty;
        return true;
    }

    public bool Equals(RegistrationRef? other) =>
        other is not null
        && SubscriptionId == other.SubscriptionId
        && string.Equals(ResourceGroup, other.ResourceGroup, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() =>
        HashCode.Combine(
            SubscriptionId,
            StringComparer.OrdinalIgnoreCase.GetHashCode(ResourceGroup),
            StringComparer.OrdinalIgnoreCase.GetHashCode(Name));

    public override string ToString() => Id.ToString();

    /// <summary>Sort order used everywhere a plan is shown: subscription, resource group, name.</summary>
    public static int Compare(RegistrationRef x, RegistrationRef y)
    {
        var c = x.SubscriptionId.CompareTo(y.SubscriptionId);
        if (c != 0)
        {
            return c;
        }

        c = StringComparer.OrdinalIgnoreCase.Compare(x.ResourceGroup, y.ResourceGroup);
        return c != 0 ? c : StringComparer.OrdinalIgnoreCase.Compare(x.Name, y.Name);
    }
}
