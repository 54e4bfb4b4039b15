namespace TenantReconciler;

/// <summary>
/// ARM naming rules for the names that reach a URL path. ASCII only: Unicode look-alikes, percent signs, slashes,
/// '?', '#', '..' and the like can never pass.
/// </summary>
public static class ArmNames
{
    /// <summary>
    /// Resource group: 1-90 characters of ASCII letters, digits, '_', '-', '.', '(' and ')'; must not end with '.'.
    /// (ARM also allows Unicode letters here; we deliberately accept ASCII only, so that no look-alike reaches a URL.)
    /// </summary>
    public static bool IsValidResourceGroupName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 90 || name[^1] == '.')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '(' or ')'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Registration (a tracked resource name): 1-128 characters of ASCII letters, digits, '_', '-' and '.';
    /// starts with a letter or digit and does not end with '.'.
    /// </summary>
    public static bool IsValidRegistrationName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 128 || !char.IsAsciiLetterOrDigit(name[0]) || name[^1] == '.')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
