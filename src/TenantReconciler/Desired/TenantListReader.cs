using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>
/// The <c>tenants</c> list of one registration: each item a tenant and its customer subscription (and an optional
/// label), checked against the registration's earlier tenants, so that a tenant or a subscription is listed once.
/// </summary>
internal sealed class TenantListReader
{
    private static readonly string[] TenantKeys = ["tenantId", "customerSubscriptionId", "name"];

    private readonly YamlEventCursor _cursor;
    private readonly DiagnosticBag _diagnostics;
    private readonly YamlValueReader _values;

    // One reusable mapping reader: tenants lists never nest, aliases and merges don't deepen them.
    private readonly MappingReader _tenantKeys;

    // Duplicate detection within one registration; reused across registrations. Values are the line of the first occurrence.
    private Dictionary<Guid, int> _byTenant = [];
    private Dictionary<Guid, int> _bySubscription = [];

    public TenantListReader(YamlEventCursor cursor, DiagnosticBag diagnostics, YamlValueReader values)
    {
        _cursor = cursor;
        _diagnostics = diagnostics;
        _values = values;
        _tenantKeys = new MappingReader(cursor, diagnostics);
    }

    /// <summary>The value of a <c>tenants</c> key; null when it is not a list (reported).</summary>
    public List<DesiredTenant>? ReadTenants(in YamlKey key)
    {
        if (_cursor.Current is Scalar scalar && YamlEventCursor.IsNull(scalar))
        {
            _diagnostics.Add(key.Line, key.Column, DiagnosticCodes.EmptyValue, "'tenants' has no value: list the tenants, or write 'tenants: []' for a registration that must have none.");
            _cursor.Next();
            return null;
        }

        if (!_values.TryBeginSequence(key, "a list of tenants"))
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
                    tenantOk = _values.TryReadGuid(key, out tenantId, out tenantLine, out tenantColumn);
                    break;
                case "customerSubscriptionId":
                    hasSubscription = true;
                    subscriptionOk = _values.TryReadGuid(key, out customerSubscriptionId, out subscriptionLine, out subscriptionColumn);
                    break;
                case "name":
                    label = ReadLabel(key);
                    break;
                default:
                    _values.Unknown(key, TenantKeys, "in a tenant", ref suggested);
                    break;
            }
        }

        _values.RequireKey(hasTenant, "tenantId", line, column, "tenant", suggested);
        _values.RequireKey(hasSubscription, "customerSubscriptionId", line, column, "tenant", suggested);
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
}
