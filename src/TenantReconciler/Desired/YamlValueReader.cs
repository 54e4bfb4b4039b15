using System.Globalization;
using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>
/// The values of tenants.yaml (cloud, api-version, booleans, integers, GUIDs) and the checks every level of the format
/// shares: node kinds, unknown keys (with a "did you mean") and missing ones. Each reads from the cursor, consumes the
/// value it was given, and reports what is wrong to the <see cref="DiagnosticBag"/> with its line and column.
/// </summary>
internal sealed class YamlValueReader(YamlEventCursor cursor, DiagnosticBag diagnostics)
{
    public const string ExampleGuid = "9531985d-5d9d-49f8-9818-e811892f902b";

    public void ReadCloud(in YamlKey key, ref AzureCloud cloud)
    {
        if (!TryReadScalar(key, "one of AzureCloud, AzureUSGovernment or AzureChinaCloud", out var scalar))
        {
            return;
        }

        if (string.Equals(scalar.Value, nameof(AzureCloud.AzureCloud), StringComparison.OrdinalIgnoreCase))
        {
            cloud = AzureCloud.AzureCloud;
        }
        else if (string.Equals(scalar.Value, nameof(AzureCloud.AzureUSGovernment), StringComparison.OrdinalIgnoreCase))
        {
            cloud = AzureCloud.AzureUSGovernment;
        }
        else if (string.Equals(scalar.Value, nameof(AzureCloud.AzureChinaCloud), StringComparison.OrdinalIgnoreCase))
        {
            cloud = AzureCloud.AzureChinaCloud;
        }
        else
        {
            AddAt(scalar, DiagnosticCodes.UnknownCloud, $"Unknown cloud '{Text.Quote(scalar.Value)}': expected AzureCloud, AzureUSGovernment or AzureChinaCloud.");
        }
    }

    public void ReadApiVersion(in YamlKey key, ref string apiVersion)
    {
        if (!TryReadScalar(key, "an api-version such as " + ApiVersions.Default, out var scalar))
        {
            return;
        }

        foreach (var supported in ApiVersions.Supported)
        {
            if (string.Equals(scalar.Value, supported, StringComparison.Ordinal))
            {
                apiVersion = supported;
                return;
            }
        }

        AddAt(scalar, DiagnosticCodes.UnsupportedApiVersion, $"Unsupported apiVersion '{Text.Quote(scalar.Value)}': supported are {string.Join(", ", ApiVersions.Supported)}.");
    }

    public void ReadBoolean(in YamlKey key, ref bool value)
    {
        if (!TryReadScalar(key, "true or false", out var scalar))
        {
            return;
        }

        if (scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && bool.TryParse(scalar.Value, out var parsed))
        {
            value = parsed;
            return;
        }

        AddAt(scalar, DiagnosticCodes.InvalidBoolean, $"'{key.Value}' must be true or false (unquoted), but found '{Text.Quote(scalar.Value)}'.");
    }

    public int? ReadNonNegativeInteger(in YamlKey key)
    {
        if (!TryReadScalar(key, "a non-negative whole number", out var scalar))
        {
            return null;
        }

        if (scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && int.TryParse(scalar.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        AddAt(
            scalar,
            DiagnosticCodes.InvalidInteger,
            $"'{key.Value}' must be a non-negative whole number (unquoted, at most {int.MaxValue.ToString(CultureInfo.InvariantCulture)}), but found '{Text.Quote(scalar.Value)}'.");
        return null;
    }

    public bool TryReadGuid(in YamlKey key, out Guid value, out int line, out int column)
    {
        line = cursor.Line;
        column = cursor.Column;
        if (cursor.Current is MappingStart)
        {
            // "{1111…}" unquoted is a YAML flow mapping: say so.
            diagnostics.Add(line, column, DiagnosticCodes.WrongNodeKind, $"'{key.Value}' must be a GUID, but found a mapping. A GUID in braces must be quoted: \"{{{ExampleGuid}}}\".");
            cursor.SkipNode();
            value = default;
            return false;
        }

        if (!TryReadScalar(key, "a GUID", out var scalar))
        {
            value = default;
            return false;
        }

        return TryParseGuid(scalar, key.Value, out value);
    }

    public bool TryParseGuid(Scalar scalar, string key, out Guid value)
    {
        if (TryParseGuid(scalar.Value, out value))
        {
            if (value != Guid.Empty)
            {
                return true;
            }

            // Never a real tenant or subscription; usually a placeholder left in by mistake.
            AddAt(scalar, DiagnosticCodes.NilGuid, $"'{key}' is the all-zero GUID, which is never a real tenant or subscription: write the actual GUID.");
            return false;
        }

        var hint = IsCompactHex(scalar.Value) ? " Write it with hyphens." : string.Empty;
        AddAt(scalar, DiagnosticCodes.InvalidGuid, $"'{key}' must be a GUID such as {ExampleGuid} (optionally in braces), but found '{Text.Quote(scalar.Value)}'.{hint}");
        return false;
    }

    /// <summary>GUIDs in format "D" (hyphens) or "B" (hyphens in braces), any case, nothing else: no "N", "P", "X", no whitespace.</summary>
    public static bool TryParseGuid(string text, out Guid value)
    {
        // The length checks also exclude surrounding whitespace, which TryParseExact would otherwise trim.
        switch (text.Length)
        {
            case 36:
                return Guid.TryParseExact(text, "D", out value);
            case 38 when text[0] == '{':
                return Guid.TryParseExact(text, "B", out value);
            default:
                value = default;
                return false;
        }
    }

    private static bool IsCompactHex(string text)
    {
        if (text.Length != 32)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Consumes the value; true with the scalar if it is a non-empty scalar, else reports why not.</summary>
    public bool TryReadScalar(in YamlKey key, string expected, out Scalar scalar)
    {
        if (cursor.Current is Scalar s)
        {
            cursor.Next();
            if (!YamlEventCursor.IsNull(s))
            {
                scalar = s;
                return true;
            }

            diagnostics.Add(key.Line, key.Column, DiagnosticCodes.EmptyValue, $"'{key.Value}' has no value: expected {expected}.");
        }
        else
        {
            diagnostics.Add(cursor.Line, cursor.Column, DiagnosticCodes.WrongNodeKind, $"'{key.Value}' must be {expected}, but found {cursor.KindName}.");
            cursor.SkipNode();
        }

        scalar = null!;
        return false;
    }

    /// <summary>On a list: moves into it (to its first item or its end) and returns true. Otherwise consumes the value and reports.</summary>
    public bool TryBeginSequence(in YamlKey key, string expected)
    {
        switch (cursor.Current)
        {
            case SequenceStart:
                cursor.Next();
                return true;
            case Scalar s when YamlEventCursor.IsNull(s):
                diagnostics.Add(key.Line, key.Column, DiagnosticCodes.EmptyValue, $"'{key.Value}' has no value: expected {expected} (write '[]' for an empty list).");
                cursor.Next();
                return false;
            default:
                diagnostics.Add(cursor.Line, cursor.Column, DiagnosticCodes.WrongNodeKind, $"'{key.Value}' must be {expected}, but found {cursor.KindName}.");
                cursor.SkipNode();
                return false;
        }
    }

    /// <summary>Reports an unknown key (with a "did you mean" when one is close) and skips its value.</summary>
    public void Unknown(in YamlKey key, IReadOnlyList<string> knownKeys, string where, ref List<string>? suggested)
    {
        cursor.SkipNode();
        var suggestion = KeySuggester.Suggest(key.Value, knownKeys);
        string message;
        if (suggestion is not null)
        {
            (suggested ??= []).Add(suggestion);
            message = $"Unknown key '{Text.Quote(key.Value)}' {where}. Did you mean '{suggestion}'?";
        }
        else
        {
            message = $"Unknown key '{Text.Quote(key.Value)}' {where}. Expected one of: {string.Join(", ", knownKeys)}.";
        }

        diagnostics.Add(key.Line, key.Column, DiagnosticCodes.UnknownKey, message);
    }

    /// <summary>
    /// Reports a missing required key at the mapping, unless an unknown key was already reported with a
    /// "did you mean" for it (one mistake, one diagnostic).
    /// </summary>
    public bool RequireKey(bool present, string key, int line, int column, string what, List<string>? suggested)
    {
        if (present)
        {
            return true;
        }

        if (!WasSuggested(suggested, key))
        {
            diagnostics.Add(line, column, DiagnosticCodes.MissingKey, $"The {what} has no '{key}' key, which is required.");
        }

        return false;
    }

    public void AddAt(Scalar scalar, string code, string message) =>
        diagnostics.Add(ToInt(scalar.Start.Line), ToInt(scalar.Start.Column), code, message);

    /// <summary>As <see cref="AddAt(Scalar, string, string)"/>, for a message that names a setting (<see cref="UserOption"/>).</summary>
    public void AddAt(Scalar scalar, string code, OptionText message) =>
        diagnostics.Add(ToInt(scalar.Start.Line), ToInt(scalar.Start.Column), code, message);

    private static int ToInt(long value) => value < 1 ? 1 : value > int.MaxValue ? int.MaxValue : (int)value;

    public static bool WasSuggested(List<string>? suggested, string key) => suggested is not null && suggested.Contains(key);
}
