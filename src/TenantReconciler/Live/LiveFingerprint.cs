using System.Security.Cryptography;
using System.Text;

namespace TenantReconciler.Live;

/// <summary>
/// A digest of one registration's live listing: the mappings sorted by subscription, GUIDs normalised to lower case,
/// so the service's casing or paging order never changes it, and any added, removed or re-pointed mapping does.
/// </summary>
public static class LiveFingerprint
{
    public static string Of(LiveRegistration live)
    {
        var lines = new StringBuilder(live.Mappings.Count * 74);
        foreach (var mapping in live.Mappings.OrderBy(m => m.CustomerSubscriptionId).ThenBy(m => m.TenantId))
        {
            lines.Append(mapping.CustomerSubscriptionId.ToString("D")).Append(':').Append(mapping.TenantId.ToString("D")).Append('\n');
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
    }
}
