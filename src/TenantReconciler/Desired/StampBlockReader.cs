using TenantReconciler.Stamps;
using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>A registration's <c>stamp:</c> block: the admin endpoint, the Default Provider Subscription, the tenants billed to the operator.</summary>
internal sealed class StampBlockReader
{
    private static readonly string[] StampKeys = ["adminEndpoint", "providerSubscriptionId", "billedToOperator"];

    private readonly YamlEventCursor _cursor;
    private readonly DiagnosticBag _diagnostics;
    private readonly YamlValueReader _values;
    private readonly MappingReader _stampKeys;

    public StampBlockReader(YamlEventCursor cursor, DiagnosticBag diagnostics, YamlValueReader values)
    {
        _cursor = cursor;
        _diagnostics = diagnostics;
        _values = values;
        _stampKeys = new MappingReader(cursor, diagnostics);
    }

    /// <summary>Reads <c>stamp:</c>; null (with the problems reported) when it is not a valid stamp.</summary>
    public StampRead? ReadStamp(in YamlKey key)
    {
        int line = _cursor.NodeLine, column = _cursor.NodeColumn;
        if (_cursor.Current is Scalar empty && YamlEventCursor.IsNull(empty))
        {
            _diagnostics.Add(key.Line, key.Column, DiagnosticCodes.EmptyValue, "'stamp' has no value: expected a mapping with adminEndpoint and providerSubscriptionId (or remove the key).");
            _cursor.Next();
            return null;
        }

        if (_cursor.Current is not MappingStart)
        {
            _diagnostics.Add(line, column, DiagnosticCodes.WrongNodeKind, $"'stamp' must be a mapping with adminEndpoint and providerSubscriptionId, but found {_cursor.KindName}.");
            _cursor.SkipNode();
            return null;
        }

        Uri? endpoint = null;
        Guid provider = default;
        var billed = new List<BilledTenant>();
        bool hasEndpoint = false, hasProvider = false, providerOk = false, billedOk = true;
        List<string>? suggested = null;

        var keys = _stampKeys;
        keys.Begin();
        while (keys.MoveNextKey(out var stampKey))
        {
            switch (stampKey.Value)
            {
                case "adminEndpoint":
                    hasEndpoint = true;
                    endpoint = ReadAdminEndpoint(stampKey);
                    break;
                case "providerSubscriptionId":
                    hasProvider = true;
                    providerOk = _values.TryReadGuid(stampKey, out provider, out _, out _);
                    break;
                case "billedToOperator":
                    billedOk = ReadBilledTenants(stampKey, billed);
                    break;
                default:
                    _values.Unknown(stampKey, StampKeys, "in a stamp", ref suggested);
                    break;
            }
        }

        var complete = _values.RequireKey(hasEndpoint, "adminEndpoint", line, column, "stamp", suggested)
            & _values.RequireKey(hasProvider, "providerSubscriptionId", line, column, "stamp", suggested);
        if (!complete || endpoint is null || !providerOk || !billedOk)
        {
            return null;
        }

        var tenants = new Guid[billed.Count];
        for (var i = 0; i < billed.Count; i++)
        {
            tenants[i] = billed[i].TenantId;
        }

        return new StampRead(new DesiredStamp(endpoint, provider, tenants, _diagnostics.At(key.Line, key.Column)), billed);
    }

    private Uri? ReadAdminEndpoint(in YamlKey key)
    {
        if (!_values.TryReadScalar(key, "an https URL such as " + StampEndpoint.Example, out var scalar))
        {
            return null;
        }

        if (StampEndpoint.TryParse(scalar.Value, out var endpoint, out var problem))
        {
            return endpoint;
        }

        // The value is not repeated: it may hold a password before '@'.
        _values.AddAt(scalar, DiagnosticCodes.InvalidStampEndpoint, OptionText.Of($"'adminEndpoint' must be an https URL without user-info, query or fragment, such as {StampEndpoint.Example}, but it {problem}."));
        return null;
    }

    /// <summary>The list of tenant GUIDs; repeats count once. False when any item is invalid (each is reported).</summary>
    private bool ReadBilledTenants(in YamlKey key, List<BilledTenant> result)
    {
        if (!_values.TryBeginSequence(key, "a list of tenant GUIDs"))
        {
            return false;
        }

        var ok = true;
        while (_cursor.Current is not SequenceEnd and not null)
        {
            if (_cursor.Current is Scalar scalar && !YamlEventCursor.IsNull(scalar))
            {
                if (_values.TryParseGuid(scalar, key.Value, out var tenantId))
                {
                    if (!result.Exists(b => b.TenantId == tenantId))
                    {
                        result.Add(new BilledTenant(tenantId, _cursor.NodeLine, _cursor.NodeColumn));
                    }
                }
                else
                {
                    ok = false;
                }

                _cursor.Next();
            }
            else
            {
                _diagnostics.Add(_cursor.NodeLine, _cursor.NodeColumn, DiagnosticCodes.WrongNodeKind, $"Each item of '{key.Value}' must be a tenant GUID, but found {_cursor.KindName}.");
                _cursor.SkipNode();
                ok = false;
            }
        }

        _cursor.Next(); // past SequenceEnd
        return ok;
    }

    /// <summary>A billed tenant that the same registration also maps is a contradiction: TR1029 at the billed entry.</summary>
    public void CheckBilledTenants(StampRead stamp, IReadOnlyList<DesiredTenant> tenants)
    {
        foreach (var billed in stamp.Billed)
        {
            foreach (var tenant in tenants)
            {
                if (tenant.TenantId == billed.TenantId)
                {
                    _diagnostics.Add(
                        billed.Line,
                        billed.Column,
                        DiagnosticCodes.BilledTenantIsMapped,
                        $"Tenant {billed.TenantId:D} is in 'billedToOperator' but this registration also maps it (line {tenant.Location.Line}), so its usage is billed to its customer subscription: remove it from one of the two lists.");
                    break;
                }
            }
        }
    }

    /// <summary>A stamp as read, with where each billed tenant is written.</summary>
    public sealed record StampRead(DesiredStamp Stamp, IReadOnlyList<BilledTenant> Billed);

    public readonly record struct BilledTenant(Guid TenantId, int Line, int Column);
}
