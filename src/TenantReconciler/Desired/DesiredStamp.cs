namespace TenantReconciler.Desired;

/// <summary>
/// A registration's Azure Stack Hub stamp (<c>stamp:</c> in tenants.yaml): where its admin API is, its Default
/// Provider Subscription, and the tenants whose usage the operator pays on purpose. Read-only: the stamp is only read.
/// </summary>
/// <param name="AdminEndpoint">The admin endpoint (https, no user-info, query or fragment; see <see cref="Stamps.StampEndpoint"/>).</param>
/// <param name="ProviderSubscriptionId">The stamp's Default Provider Subscription, in every admin API path.</param>
/// <param name="BilledToOperator">Tenants whose usage is billed to the registration subscription on purpose; repeats count once.</param>
/// <param name="Location">Where <c>stamp:</c> is.</param>
public sealed record DesiredStamp(
    Uri AdminEndpoint,
    Guid ProviderSubscriptionId,
    IReadOnlyList<Guid> BilledToOperator,
    SourceLocation Location)
{
    /// <summary>True when <paramref name="tenantId"/> is one of <see cref="BilledToOperator"/>.</summary>
    public bool IsBilledToOperator(Guid tenantId)
    {
        foreach (var billed in BilledToOperator)
        {
            if (billed == tenantId)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>The rule that a stamp belongs to one registration (TR1028), for one file and across files.</summary>
internal static class DesiredStamps
{
    /// <summary>The first of <paramref name="earlier"/> whose stamp is <paramref name="registration"/>'s (same endpoint or provider subscription); null if none.</summary>
    public static DesiredRegistration? FirstWithSameStamp(DesiredRegistration registration, IEnumerable<DesiredRegistration> earlier)
    {
        if (registration.Stamp is not { } stamp)
        {
            return null;
        }

        foreach (var other in earlier)
        {
            if (other.Stamp is { } theirs
                && (theirs.ProviderSubscriptionId == stamp.ProviderSubscriptionId || Stamps.StampEndpoint.Same(theirs.AdminEndpoint, stamp.AdminEndpoint)))
            {
                return other;
            }
        }

        return null;
    }

    /// <summary>The TR1028 message; <paramref name="firstAt"/> says where the first is ("line 4" or "file:4:5").</summary>
    public static string DuplicateMessage(DesiredStamp stamp, DesiredRegistration first, string firstAt) =>
        $"This stamp ({Stamps.StampEndpoint.Base(stamp.AdminEndpoint)}, provider subscription {stamp.ProviderSubscriptionId:D}) is already the stamp of registration '{first.Registration.Name}' at {firstAt}: "
        + "a stamp reports its usage to one registration, so name it once.";
}
