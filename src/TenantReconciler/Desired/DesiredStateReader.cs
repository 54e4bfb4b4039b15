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
    private static readonly string[] TopLevelKeys = ["cloud", "apiVersion", "registrations", "protect", "suspend"];
    private static readonly string[] RegistrationKeys = ["name", "subscriptionId", "resourceGroup", "tenants", "maxRemovals", "stamp"];

    private readonly YamlEventCursor _cursor;
    private readonly DiagnosticBag _diagnostics;
    private readonly YamlValueReader _values;
    private readonly TenantListReader _tenants;
    private readonly StampBlockReader _stamps;

    // One reusable mapping reader per level of the format: the nesting is fixed, aliases and merges don't deepen it.
    private readonly MappingReader _topKeys;
    private readonly MappingReader _registrationKeys;

    public DesiredStateReader(YamlEventCursor cursor, DiagnosticBag diagnostics)
    {
        _cursor = cursor;
        _diagnostics = diagnostics;
        _values = new YamlValueReader(cursor, diagnostics);
        _tenants = new TenantListReader(cursor, diagnostics, _values);
        _stamps = new StampBlockReader(cursor, diagnostics, _values);
        _topKeys = new MappingReader(cursor, diagnostics);
        _registrationKeys = new MappingReader(cursor, diagnostics);
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
        SourceLocation? cloudAt = null, apiVersionAt = null;
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
                    cloudAt = _diagnostics.At(key.Line, key.Column);
                    _values.ReadCloud(key, ref cloud);
                    break;
                case "apiVersion":
                    apiVersionAt = _diagnostics.At(key.Line, key.Column);
                    _values.ReadApiVersion(key, ref apiVersion);
                    break;
                case "suspend":
                    _values.ReadBoolean(key, ref suspend);
                    break;
                case "protect":
                    protect = ReadProtect(key);
                    break;
                case "registrations":
                    hasRegistrations = true;
                    registrations = ReadRegistrations(key);
                    break;
                default:
                    _values.Unknown(key, TopLevelKeys, "at the top level", ref suggested);
                    break;
            }
        }

        if (!hasRegistrations && !YamlValueReader.WasSuggested(suggested, "registrations"))
        {
            _diagnostics.Add(line, column, DiagnosticCodes.MissingKey, "The file has no 'registrations' key: list at least one registration (name, subscriptionId, resourceGroup, tenants).");
        }

        return registrations is null
            ? null
            : new DesiredState(sourcePath, cloud, apiVersion, registrations, protect, suspend) { CloudAt = cloudAt, ApiVersionAt = apiVersionAt };
    }

    private IReadOnlyList<Guid> ReadProtect(in YamlKey key)
    {
        if (!_values.TryBeginSequence(key, "a list of tenant GUIDs"))
        {
            return [];
        }

        var result = new List<Guid>();
        var seen = new HashSet<Guid>();
        while (_cursor.Current is not SequenceEnd and not null)
        {
            if (_cursor.Current is Scalar scalar && !YamlEventCursor.IsNull(scalar))
            {
                if (_values.TryParseGuid(scalar, key.Value, out var tenantId) && seen.Add(tenantId))
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
        if (!_values.TryBeginSequence(key, "a list of registrations"))
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

            if (DesiredStamps.FirstWithSameStamp(registration, result) is { } sameStamp)
            {
                _diagnostics.Add(
                    registration.Stamp!.Location.Line,
                    registration.Stamp.Location.Column,
                    DiagnosticCodes.DuplicateStamp,
                    DesiredStamps.DuplicateMessage(registration.Stamp, sameStamp, $"line {sameStamp.Stamp!.Location.Line}"));
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
        StampBlockReader.StampRead? stamp = null;
        bool hasName = false, hasSubscription = false, hasResourceGroup = false, hasTenants = false;
        bool subscriptionOk = false, maxRemovalsOk = true, hasStamp = false;
        List<string>? suggested = null;

        var keys = _registrationKeys;
        keys.Begin();
        while (keys.MoveNextKey(out var key))
        {
            switch (key.Value)
            {
                case "name":
                    hasName = true;
                    if (_values.TryReadScalar(key, "a registration name", out var nameScalar))
                    {
                        if (ArmNames.IsValidRegistrationName(nameScalar.Value))
                        {
                            name = nameScalar.Value;
                        }
                        else
                        {
                            _values.AddAt(nameScalar, DiagnosticCodes.InvalidRegistrationName, NameRules.ExplainRegistrationName(nameScalar.Value));
                        }
                    }

                    break;
                case "subscriptionId":
                    hasSubscription = true;
                    subscriptionOk = _values.TryReadGuid(key, out subscriptionId, out _, out _);
                    break;
                case "resourceGroup":
                    hasResourceGroup = true;
                    if (_values.TryReadScalar(key, "a resource group name", out var groupScalar))
                    {
                        if (ArmNames.IsValidResourceGroupName(groupScalar.Value))
                        {
                            resourceGroup = groupScalar.Value;
                        }
                        else
                        {
                            _values.AddAt(groupScalar, DiagnosticCodes.InvalidResourceGroupName, NameRules.ExplainResourceGroupName(groupScalar.Value));
                        }
                    }

                    break;
                case "tenants":
                    hasTenants = true;
                    tenants = _tenants.ReadTenants(key);
                    break;
                case "maxRemovals":
                    maxRemovals = _values.ReadNonNegativeInteger(key);
                    maxRemovalsOk = maxRemovals is not null;
                    break;
                case "stamp":
                    hasStamp = true;
                    stamp = _stamps.ReadStamp(key);
                    break;
                default:
                    _values.Unknown(key, RegistrationKeys, "in a registration", ref suggested);
                    break;
            }
        }

        var complete = _values.RequireKey(hasName, "name", line, column, "registration", suggested)
            & _values.RequireKey(hasSubscription, "subscriptionId", line, column, "registration", suggested)
            & _values.RequireKey(hasResourceGroup, "resourceGroup", line, column, "registration", suggested)
            & _values.RequireKey(hasTenants, "tenants", line, column, "registration", suggested);

        if (stamp is not null && tenants is not null)
        {
            _stamps.CheckBilledTenants(stamp, tenants);
        }

        if (!complete || !subscriptionOk || !maxRemovalsOk || name is null || resourceGroup is null || tenants is null || (hasStamp && stamp is null))
        {
            return null;
        }

        return new DesiredRegistration(
            new RegistrationRef(subscriptionId, resourceGroup, name),
            tenants,
            _diagnostics.At(line, column),
            maxRemovals) { Stamp = stamp?.Stamp };
    }
}
