using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace TenantReconciler.Emulator;

/// <summary>
/// The emulator's paging of a listing: the <c>$skipToken</c> is opaque to clients (base64url of the last key of the
/// page, so writes between pages never shift them), and a <c>nextLink</c> is the original request URL with it set.
/// </summary>
internal static class SkipToken
{
    public const string Parameter = "$skipToken";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The original request URL (scheme, host and port, path as sent, every query parameter as sent) with
    /// <c>$skipToken</c> set to <paramref name="token"/> (an existing one is replaced).
    /// </summary>
    public static string NextLink(HttpContext context, string token)
    {
        var target = ArmFrontDoor.RawTarget(context);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var kept = question < 0
            ? []
            : target[(question + 1)..]
                .Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => !Uri.UnescapeDataString(p.Split('=')[0]).Equals(Parameter, StringComparison.OrdinalIgnoreCase));
        var query = string.Join('&', kept.Append($"{Parameter}={token}"));
        return $"{context.Request.Scheme}://{context.Request.Host.ToUriComponent()}{path}?{query}";
    }

    public static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    public static bool TryDecode(string? token, [NotNullWhen(true)] out string? key)
    {
        key = null;
        if (string.IsNullOrEmpty(token) || token.Length > 128 || !Base64Url.IsValid(token))
        {
            return false;
        }

        try
        {
            var text = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
            if (!Guid.TryParseExact(text, "D", out var last))
            {
                return false;
            }

            key = last.ToString("D").ToUpperInvariant();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
