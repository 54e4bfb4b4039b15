using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Composition;

/// <summary>How to reach the stamps, as given on the command line (<c>--stamp-auth</c>, <c>--stamp-ca-cert</c>, <c>--usage-days</c>).</summary>
public sealed record StampArguments(AuthKind? Auth, string? CaCertPath, int UsageDays = UsageWindow.DefaultDays)
{
    public static StampArguments Default { get; } = new(null, null);
}
