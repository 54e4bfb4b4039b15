namespace TenantReconciler.Stamps;

/// <summary>
/// The rules for a stamp's admin endpoint (<c>stamp.adminEndpoint</c> in tenants.yaml, <c>import --stamp-endpoint</c>):
/// an absolute https URL with a host, without user-info, query or fragment, and without whitespace or control
/// characters. A path is allowed (a stamp behind a reverse proxy, the emulator's <c>/stamps/{id}</c>).
/// </summary>
public static class StampEndpoint
{
    /// <summary>The example the messages give.</summary>
    public const string Example = "https://adminmanagement.local.azurestack.external";

    /// <summary>
    /// True with the URL when <paramref name="text"/> follows the rules; otherwise false with what is wrong, as the end
    /// of a sentence ("has a query (…)"). The problem never repeats a user-info part (it may hold a password).
    /// </summary>
    public static bool TryParse(string? text, out Uri endpoint, out OptionText problem)
    {
        endpoint = null!;
        if (string.IsNullOrEmpty(text))
        {
            problem = "is empty";
            return false;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                problem = "holds whitespace or a control character";
                return false;
            }
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !text.Contains("://", StringComparison.Ordinal))
        {
            problem = "is not an absolute URL";
            return false;
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            problem = $"uses '{uri.Scheme}', not https (a stamp's admin API is served over https only)";
            return false;
        }

        if (uri.UserInfo.Length > 0)
        {
            problem = OptionText.Of($"has user-info before '@' (never put a name or password in tenants.yaml: sign in with {UserOption.StampAuth})");
            return false;
        }

        if (uri.Query.Length > 0 || text.Contains('?', StringComparison.Ordinal))
        {
            problem = "has a query ('?…'); give the endpoint only";
            return false;
        }

        if (uri.Fragment.Length > 0 || text.Contains('#', StringComparison.Ordinal))
        {
            problem = "has a fragment ('#…'); give the endpoint only";
            return false;
        }

        if (uri.Host.Length == 0)
        {
            problem = "has no host";
            return false;
        }

        endpoint = uri;
        problem = string.Empty;
        return true;
    }

    /// <summary>The endpoint as the base of request paths: scheme, authority and path, without a trailing '/'.</summary>
    public static string Base(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>True when two endpoints address the same stamp: same scheme, host and port, same path ignoring case and a trailing '/'.</summary>
    public static bool Same(Uri a, Uri b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return string.Equals(Base(a), Base(b), StringComparison.OrdinalIgnoreCase);
    }
}
