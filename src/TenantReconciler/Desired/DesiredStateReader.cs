using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>
/// Reads a <see cref="DesiredState"/> from parser events in one pass, checking the schema and every value and adding
/// every problem to the <see cref="DiagnosticBag"/>. Returns null when anything is wrong. This class reads the
/// document and its top level; the registrations are <see cref="RegistrationListReader"/>'s.
/// Hot paths (one call per tenant) do no LINQ and build no strings unless there is a problem; nothing but the result
/// outlives its tenant, so a large file costs little more than YamlDotNet's own parse.
/// </summary>
internal sealed class DesiredStateReader
{
    private static readonly string[] TopLevelKeys = ["cloud", "apiVersion", "registrations", "protect", "suspend"];

    private readonly YamlEventCursor _cursor;
    private readonly DiagnosticBag _diagnostics;
    private readonly YamlValueReader _values;
    private readonly RegistrationListReader _registrations;

    // One reusable mapping reader per level of the format: the nesting is fixed, aliases and merges don't deepen it.
    private readonly MappingReader _topKeys;

    public DesiredStateReader(YamlEventCursor cursor, DiagnosticBag diagnostics)
    {
        _cursor = cursor;
        _diagnostics = diagnostics;
        _values = new YamlValueReader(cursor, diagnostics);
        _registrations = new RegistrationListReader(cursor, diagnostics, _values);
        _topKeys = new MappingReader(cursor, diagnostics);
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
                    registrations = _registrations.ReadRegistrations(key);
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
}
