using System.Text;

namespace TenantReconciler;

/// <summary>
/// The one function through which a URL is printed, logged or served on <c>/status</c>: a URL can carry a secret (a
/// SAS in its query, user-info before its host), so what is shown has no user-info, no fragment, and the value of every
/// query parameter that can be a credential replaced by <c>REDACTED</c>: the SAS fields (<c>sig</c>, <c>sv</c>,
/// <c>se</c>, <c>st</c>, <c>sp</c>, …), <c>token</c>, <c>key</c>, <c>code</c>, and any name holding <c>secret</c>,
/// <c>password</c>, <c>signature</c>, <c>api-key</c> or <c>access_token</c> (ARM's <c>$skipToken</c> is a cursor, and stays). It works on text too, for a URL that did not even parse (a refused option value); the result then
/// passes <see cref="OutsideText"/>.
/// </summary>
public static class SafeUrl
{
    public const string Redacted = "REDACTED";

    private static readonly HashSet<string> SasFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "sig", "sv", "se", "st", "sp", "spr", "sr", "srt", "ss", "si", "sip", "sdd", "skoid", "sktid", "skt", "ske", "sks", "skv", "saoid", "suoid", "scid",
        "token", "key", "code", "pwd", "auth",
    };

    private static readonly string[] SecretWords =
        ["secret", "password", "passwd", "signature", "credential", "apikey", "api-key", "api_key", "access_token", "accesstoken", "id_token", "auth_token", "sas"];

    /// <summary>
    /// <paramref name="uri"/> as an address to keep and show (a blob's, in <c>/status</c> and the logs): scheme, host, port
    /// and path only; no user-info, no query, no fragment.
    /// </summary>
    public static Uri Strip(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri;
    }

    /// <summary>A blob's (or an endpoint's) address as text: <see cref="Strip"/>, sanitised.</summary>
    public static string Address(Uri uri) => Redact(Strip(uri));

    public static string Redact(Uri? uri) => uri is null ? string.Empty : Redact(uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.ToString());

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Scheme and authority: drop everything up to the last '@' of the authority (user-info).
        var builder = new StringBuilder(text.Length);
        var rest = text.AsSpan();
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            builder.Append(rest[..(scheme + 3)]);
            rest = rest[(scheme + 3)..];
            var end = rest.IndexOfAny('/', '?', '#');
            var authority = end < 0 ? rest : rest[..end];
            var at = authority.LastIndexOf('@');
            builder.Append(at < 0 ? authority : authority[(at + 1)..]);
            rest = end < 0 ? [] : rest[end..];
        }

        // Path, then the query with its secrets' values replaced; the fragment is dropped.
        var hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        var question = rest.IndexOf('?');
        builder.Append(question < 0 ? rest : rest[..question]);
        if (question >= 0)
        {
            builder.Append('?');
            var first = true;
            foreach (var part in rest[(question + 1)..].ToString().Split('&'))
            {
                builder.Append(first ? string.Empty : "&");
                first = false;
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? part : part[..equals];
                builder.Append(IsSecret(Uri.UnescapeDataString(name)) ? $"{name}={Redacted}" : part);
            }
        }

        return OutsideText.Sanitize(builder.ToString());
    }

    /// <summary>True when a query parameter of this name can hold a credential.</summary>
    public static bool IsSecret(string name) =>
        SasFields.Contains(name) || SecretWords.Any(w => name.Contains(w, StringComparison.OrdinalIgnoreCase));
}
