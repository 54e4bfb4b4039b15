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
