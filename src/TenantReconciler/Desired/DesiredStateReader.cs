using System.Globalization;
using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>
/// Reads a <see cref="DesiredState"/> from parser events in one pass, checking the schema and every value and adding
/// every problem to the <see cref="DiagnosticBag"/>. Returns null when anything is wrong.
/// Hot paths (one call per tenant) do no LINQ and build no strings unless there is a problem; nothing but the result
/// outlives its tenant, so a large file costs little more than YamlDotNet's own parse.
/// </summary>
internal sealed class DesiredStateReader
{
    private const string ExampleGuid = "00000000-0000-0000-0000-000000000000";

    private static readonly string[] TopLevelKeys = ["cloud", "apiVersion", "registrations", "protect", "suspend"];
    private static readonly string[] RegistrationKeys = ["name", "subscriptionId", "resourceGroup", "tenants", "maxRemovals"];
    private static readonly string[] TenantKeys = ["tenantId", "customerSubscriptionId", "name"];

    private readonly YamlEventCursor _cursor;
    private readonly DiagnosticBag _diagnostics;

    // One reusable mapping reader per level of the format: the nesting is fixed, aliases and merges don't deepen it.
    private readonly MappingReader _topKeys;
    private readonly MappingReader _registrationKeys;
    private readonly MappingReader _tenantKeys;

    // Duplicate detection within one registration; reused across registrations (tenants lists never nest).
    // Values are the line of the first occurrence.
    private Dictionary<Guid, int> _byTenant = [];
    private Dictionary<Guid, int> _bySubscription = [];

    public DesiredStateReader(YamlEventCursor cursor, DiagnosticBag diagnostics)
    {
        _cursor = cursor;
        _diagnostics = diagnostics;
        _topKeys = new MappingReader(cursor, diagnostics);
        _registrationKeys = new MappingReader(cursor, diagnostics);
        _tenantKeys = new MappingReader(cursor, diagnostics);
    }

    /// <exception cref="YamlDotNet.Core.YamlException">The text is not well-formed YAML.</exception>
    public DesiredState? Read(string sourcePath)
    {
        _cursor.Next(); // StreamStart
        _cursor.Next(); // DocumentStart, or StreamEnd for a file without a document
        if (_cursor.Current is not DocumentStart)
        {
            _diagnostics.Add(1, 1, DiagnosticCodes.EmptyDocument, "The file has no content: it must be a mapping with a 'registrations' list.");
            return null;
        }

        var documentLine = _cursor.Line;
        var documentColumn = _cursor.Column;
        _cursor.Next();

        DesiredState? state = null;
        if (_cursor.Current is Scalar root && YamlEventCursor.IsNull(root))
        {
            _diagnostics.Add(documentLine, documentColumn, DiagnosticCodes.EmptyDocument, "The file has no content: it must be a mapping with a 'registrations' list.");
            _cursor.SkipNode();
        }
        else if (_cursor.Current is not MappingStart)
        {
            _diagnostics.Add(_cursor.Line, _cursor.Column, DiagnosticCodes.WrongNodeKind, $"The document must be a mapping with a 'registrations' key, but found {_cursor.KindName}.");
            _cursor.SkipNode();
        }
        else
        {
            state = ReadTopLevel(sourcePath);
        }

        _cursor.Next(); // past DocumentEnd
        if (_cursor.Current is DocumentStart)
        {
            _diagnostics.Add(
                _cursor.Line,
                _cursor.Column,
                DiagnosticCodes.MultipleDocuments,
                "The file must contain exactly one YAML document; remove the second document (and the '---' that starts it).");
            _cursor.SkipToEnd();
        }

        return _diagnostics.HasErrors ? null : state;
    }

    private DesiredState? ReadTopLevel(string sourcePath)
    {
        int line = _cursor.Line, column = _cursor.Column;
        var cloud = AzureCloud.AzureCloud;
        var apiVersion = ApiVersions.Default;
        var suspend = false;
        IReadOnlyList<Guid> protect = [];
        List<DesiredRegistration>? registrations = null;
        var hasRegistrations = false;
        List<string>? suggested = null;

        var keys = _topKeys;
        keys.Begin();
        while (keys.MoveNextKey(out var key))
        {
            switch (key.Value)
            {
                case "cloud":
                    ReadCloud(key, ref cloud);
                    break;
                case "apiVersion":
                    ReadApiVersion(key, ref apiVersion);
                    break;
                case "suspend":
                    ReadBoolean(key, ref suspend);
                    break;
                case "protect":
                    protect = ReadProtect(key);
                    break;
                case "registrations":
                    hasRegistrations = true;
                    registrations = ReadRegistrations(key);
                    break;
                default:
                    Unknown(key, TopLevelKeys, "at the top level", ref suggested);
                    break;
            }
        }

        if (!hasRegistrations && !WasSuggested(suggested, "registrations"))
        {
            _diagnostics.Add(line, column, DiagnosticCodes.MissingKey, "The file has no 'registrations' key: list at least one registration (name, subscriptionId, resourceGroup, tenants).");
        }

        return registrations is null ? null : new DesiredState(sourcePath, cloud, apiVersion, registrations, protect, suspend);
    }

    private void ReadCloud(in YamlKey key, ref AzureCloud cloud)
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

    private void ReadApiVersion(in YamlKey key, ref string apiVersion)
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

    private void ReadBoolean(in YamlKey key, ref bool value)
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

    private int? ReadNonNegativeInteger(in YamlKey key)
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

    private IReadOnlyList<Guid> ReadProtect(in YamlKey key)
    {
        if (!TryBeginSequence(key, "a list of tenant GUIDs"))
        {
            return [];
        }

        var result = new List<Guid>();
        var seen = new HashSet<Guid>();
        while (_cursor.Current is not SequenceEnd and not null)
        {
            if (_cursor.Current is Scalar scalar && !YamlEventCursor.IsNull(scalar))
            {
                if (TryParseGuid(scalar, key.Value, out var tenantId) && seen.Add(tenantId))
                {
                    result.Add(tenantId);
                }

                _cursor.Next();
            }
            else
            {
                _diagnostics.Add(_cursor.NodeLine, _cursor.NodeColumn, DiagnosticCodes.WrongNodeKind, $"Each item of '{key.Value}' must be a tenant GUID, but found {_cursor.KindName}.");
                _cursor.SkipNode();
            }
        }

        _cursor.Next(); // past SequenceEnd
        return result;
    }

    private List<DesiredRegistration>? ReadRegistrations(in YamlKey key)
    {
        int line = _cursor.Line, column = _cursor.Column;
        if (!TryBeginSequence(key, "a list of registrations"))
        {
            return null;
        }

        if (_cursor.Current is SequenceEnd)
        {
            _diagnostics.Add(line, column, DiagnosticCodes.NoRegistrations, "'registrations' is empty: list at least one registration (name, subscriptionId, resourceGroup, tenants).");
            _cursor.Next();
            return null;
        }

        var result = new List<DesiredRegistration>();
        var seen = new Dictionary<RegistrationRef, SourceLocation>();
        while (_cursor.Current is not SequenceEnd and not null)
        {
            var registration = ReadRegistration();
            if (registration is null)
            {
                continue;
            }

            if (!seen.TryAdd(registration.Registration, registration.Location))
            {
                var first = seen[registration.Registration];
                var r = registration.Registration;
                _diagnostics.Add(
                    registration.Location.Line,
                    registration.Location.Column,
                    DiagnosticCodes.DuplicateRegistration,
                    $"Registration '{r.Name}' (resource group '{r.ResourceGroup}', subscription {r.SubscriptionId:D}) is listed twice; the first is at line {first.Line}. Names compare case-insensitively.");
                continue;
            }

            result.Add(registration);
        }

        _cursor.Next(); // past SequenceEnd
        return result;
    }

    /// <summary>Reads one item of <c>registrations</c>; null if it is invalid (the problems are reported).</summary>
    private DesiredRegistration? ReadRegistration()
    {
        int line = _cursor.NodeLine, column = _cursor.NodeColumn;
        if (_cursor.Current is not MappingStart)
        {
            _diagnostics.Add(line, column, DiagnosticCodes.WrongNodeKind, $"Each item of 'registrations' must be a mapping with name, subscriptionId, resourceGroup and tenants, but found {_cursor.KindName}.");
            _cursor.SkipNode();
            return null;
        }

        string? name = null;
        string? resourceGroup = null;
        Guid subscriptionId = default;
        int? maxRemovals = null;
        List<DesiredTenant>? tenants = null;
        bool hasName = false, hasSubscription = false, hasResourceGroup = false, hasTenants = false;
        bool subscriptionOk = false, maxRemovalsOk = true;
        List<string>? suggested = null;

        var keys = _registrationKeys;
        keys.Begin();
        while (keys.MoveNextKey(out var key))
        {
            switch (key.Value)
            {
                case "name":
                    hasName = true;
                    if (TryReadScalar(key, "a registration name", out var nameScalar))
                    {
                        if (ArmNames.IsValidRegistrationName(nameScalar.Value))
                        {
                            name = nameScalar.Value;
                        }
                        else
                        {
                            AddAt(nameScalar, DiagnosticCodes.InvalidRegistrationName, NameRules.ExplainRegistrationName(nameScalar.Value));
                        }
                    }

                    break;
                case "subscriptionId":
                    hasSubscription = true;
                    subscriptionOk = TryReadGuid(key, out subscriptionId, out _, out _);
                    break;
                case "resourceGroup":
                    hasResourceGroup = true;
                    if (TryReadScalar(key, "a resource group name", out var groupScalar))
                    {
                        if (ArmNames.IsValidResourceGroupName(groupScalar.Value))
                        {
                            resourceGroup = groupScalar.Value;
                        }
                        else
                        {
                            AddAt(groupScalar, DiagnosticCodes.InvalidResourceGroupName, NameRules.ExplainResourceGroupName(groupScalar.Value));
                        }
                    }

                    break;
                case "tenants":
                    hasTenants = true;
                    tenants = ReadTenants(key);
                    break;
                case "maxRemovals":
                    maxRemovals = ReadNonNegativeInteger(key);
                    maxRemovalsOk = maxRemovals is not null;
                    break;
                default:
                    Unknown(key, RegistrationKeys, "in a registration", ref suggested);
                    break;
            }
        }

        var complete = RequireKey(hasName, "name", line, column, "registration", suggested)
            & RequireKey(hasSubscription, "subscriptionId", line, column, "registration", suggested)
            & RequireKey(hasResourceGroup, "resourceGroup", line, column, "registration", suggested)
            & RequireKey(hasTenants, "tenants", line, column, "registration", suggested);

        if (!complete || !subscriptionOk || !maxRemovalsOk || name is null || resourceGroup is null || tenants is null)
        {
            return null;
        }

        return new DesiredRegistration(
            new RegistrationRef(subscriptionId, resourceGroup, name),
            tenants,
            _diagnostics.At(line, column),
            maxRemovals);
    }

    private List<DesiredTenant>? ReadTenants(in YamlKey key)
    {
        if (_cursor.Current is Scalar scalar && YamlEventCursor.IsNull(scalar))
        {
            _diagnostics.Add(key.Line, key.Column, DiagnosticCodes.EmptyValue, "'tenants' has no value: list the tenants, or write 'tenants: []' for a registration that must have none.");
            _cursor.Next();
            return null;
        }

        if (!TryBeginSequence(key, "a list of tenants"))
        {
            return null;
        }

        var result = new List<DesiredTenant>();
        var byTenant = Reset(ref _byTenant);
        var bySubscription = Reset(ref _bySubscription);
        while (_cursor.Current is not SequenceEnd and not null)
        {
            var tenant = ReadTenant(byTenant, bySubscription);
            if (tenant is not null)
            {
                result.Add(tenant);
            }
        }

        _cursor.Next(); // past SequenceEnd
        return result;
    }

    /// <summary>Reads one item of <c>tenants</c>, checking it against the registration's earlier tenants.</summary>
    private DesiredTenant? ReadTenant(Dictionary<Guid, int> byTenant, Dictionary<Guid, int> bySubscription)
    {
        int line = _cursor.NodeLine, column = _cursor.NodeColumn;
        var isAlias = _cursor.IsAliasStart;
        if (_cursor.Current is not MappingStart)
        {
            _diagnostics.Add(line, column, DiagnosticCodes.WrongNodeKind, $"Each item of 'tenants' must be a mapping with tenantId and customerSubscriptionId, but found {_cursor.KindName}.");
            _cursor.SkipNode();
            return null;
        }

        Guid tenantId = default, customerSubscriptionId = default;
        bool hasTenant = false, hasSubscription = false, tenantOk = false, subscriptionOk = false;
        int tenantLine = 0, tenantColumn = 0, subscriptionLine = 0, subscriptionColumn = 0;
        string? label = null;
        List<string>? suggested = null;

        var keys = _tenantKeys;
        keys.Begin();
        while (keys.MoveNextKey(out var key))
        {
            switch (key.Value)
            {
                case "tenantId":
                    hasTenant = true;
                    tenantOk = TryReadGuid(key, out tenantId, out tenantLine, out tenantColumn);
                    break;
                case "customerSubscriptionId":
                    hasSubscription = true;
                    subscriptionOk = TryReadGuid(key, out customerSubscriptionId, out subscriptionLine, out subscriptionColumn);
                    break;
                case "name":
                    label = ReadLabel(key);
                    break;
                default:
                    Unknown(key, TenantKeys, "in a tenant", ref suggested);
                    break;
            }
        }

        RequireKey(hasTenant, "tenantId", line, column, "tenant", suggested);
        RequireKey(hasSubscription, "customerSubscriptionId", line, column, "tenant", suggested);
        if (!tenantOk || !subscriptionOk)
        {
            return null;
        }

        // An aliased item is reported where the alias is written: the anchored node's position is the same for every use.
        if (isAlias)
        {
            tenantLine = subscriptionLine = line;
            tenantColumn = subscriptionColumn = column;
        }

        if (!byTenant.TryAdd(tenantId, tenantLine))
        {
            _diagnostics.Add(
                tenantLine,
                tenantColumn,
                DiagnosticCodes.DuplicateTenant,
                $"Tenant {tenantId:D} is listed twice in this registration; the first is at line {byTenant[tenantId]}. A tenant maps to one customer subscription per registration.");
            return null;
        }

        if (!bySubscription.TryAdd(customerSubscriptionId, subscriptionLine))
        {
            _diagnostics.Add(
                subscriptionLine,
                subscriptionColumn,
                DiagnosticCodes.DuplicateCustomerSubscription,
                $"Customer subscription {customerSubscriptionId:D} is listed twice in this registration; the first is at line {bySubscription[customerSubscriptionId]}.");
            return null;
        }

        return new DesiredTenant(tenantId, customerSubscriptionId, label, _diagnostics.At(line, column));
    }

    /// <summary>The optional display label: any scalar; empty means none.</summary>
    private string? ReadLabel(in YamlKey key)
    {
        if (_cursor.Current is Scalar scalar)
        {
            _cursor.Next();
            return YamlEventCursor.IsNull(scalar) || scalar.Value.Length == 0 ? null : scalar.Value;
        }

        _diagnostics.Add(_cursor.Line, _cursor.Column, DiagnosticCodes.WrongNodeKind, $"'{key.Value}' is a display label and must be a string, but found {_cursor.KindName}.");
        _cursor.SkipNode();
        return null;
    }

    private bool TryReadGuid(in YamlKey key, out Guid value, out int line, out int column)
    {
        line = _cursor.Line;
        column = _cursor.Column;
        if (_cursor.Current is MappingStart)
        {
            // "{1111…}" unquoted is a YAML flow mapping: say so.
            _diagnostics.Add(line, column, DiagnosticCodes.WrongNodeKind, $"'{key.Value}' must be a GUID, but found a mapping. A GUID in braces must be quoted: \"{{{ExampleGuid}}}\".");
            _cursor.SkipNode();
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

    private bool TryParseGuid(Scalar scalar, string key, out Guid value)
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
    internal static bool TryParseGuid(string text, out Guid value)
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
    private bool TryReadScalar(in YamlKey key, string expected, out Scalar scalar)
    {
        if (_cursor.Current is Scalar s)
        {
            _cursor.Next();
            if (!YamlEventCursor.IsNull(s))
            {
                scalar = s;
                return true;
            }

            _diagnostics.Add(key.Line, key.Column, DiagnosticCodes.EmptyValue, $"'{key.Value}' has no value: expected {expected}.");
        }
        else
        {
            _diagnostics.Add(_cursor.Line, _cursor.Column, DiagnosticCodes.WrongNodeKind, $"'{key.Value}' must be {expected}, but found {_cursor.KindName}.");
            _cursor.SkipNode();
        }

        scalar = null!;
        return false;
    }

    /// <summary>On a list: moves into it (to its first item or its end) and returns true. Otherwise consumes the value and reports.</summary>
    private bool TryBeginSequence(in YamlKey key, string expected)
    {
        switch (_cursor.Current)
        {
            case SequenceStart:
                _cursor.Next();
                return true;
            case Scalar s when YamlEventCursor.IsNull(s):
                _diagnostics.Add(key.Line, key.Column, DiagnosticCodes.EmptyValue, $"'{key.Value}' has no value: expected {expected} (write '[]' for an empty list).");
                _cursor.Next();
                return false;
            default:
                _diagnostics.Add(_cursor.Line, _cursor.Column, DiagnosticCodes.WrongNodeKind, $"'{key.Value}' must be {expected}, but found {_cursor.KindName}.");
                _cursor.SkipNode();
                return false;
        }
    }

    /// <summary>Reports an unknown key (with a "did you mean" when one is close) and skips its value.</summary>
    private void Unknown(in YamlKey key, IReadOnlyList<string> knownKeys, string where, ref List<string>? suggested)
    {
        _cursor.SkipNode();
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

        _diagnostics.Add(key.Line, key.Column, DiagnosticCodes.UnknownKey, message);
    }

    /// <summary>
    /// Reports a missing required key at the mapping, unless an unknown key was already reported with a
    /// "did you mean" for it (one mistake, one diagnostic).
    /// </summary>
    private bool RequireKey(bool present, string key, int line, int column, string what, List<string>? suggested)
    {
        if (present)
        {
            return true;
        }

        if (!WasSuggested(suggested, key))
        {
            _diagnostics.Add(line, column, DiagnosticCodes.MissingKey, $"The {what} has no '{key}' key, which is required.");
        }

        return false;
    }

    /// <summary>
    /// An empty dictionary: the same one, unless it is large and was mostly unused last time (clearing costs its
    /// capacity, so a huge registration followed by many small ones would otherwise be quadratic).
    /// </summary>
    private static Dictionary<Guid, int> Reset(ref Dictionary<Guid, int> dictionary)
    {
        var capacity = dictionary.EnsureCapacity(0);
        if (capacity > 1024 && dictionary.Count * 4 < capacity)
        {
            dictionary = [];
        }
        else
        {
            dictionary.Clear();
        }

        return dictionary;
    }

    private void AddAt(Scalar scalar, string code, string message) =>
        _diagnostics.Add(ToInt(scalar.Start.Line), ToInt(scalar.Start.Column), code, message);

    private static int ToInt(long value) => value < 1 ? 1 : value > int.MaxValue ? int.MaxValue : (int)value;

    private static bool WasSuggested(List<string>? suggested, string key) => suggested is not null && suggested.Contains(key);
}
