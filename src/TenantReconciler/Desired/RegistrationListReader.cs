using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>
/// The <c>registrations</c> list: each item a registration (name, subscription, resource group, its tenants, an
/// optional removal threshold and stamp), checked against the earlier ones, so that a registration and a stamp are
/// listed once.
/// </summary>
internal sealed class RegistrationListReader
{
    private static readonly string[] RegistrationKeys = ["name", "subscriptionId", "resourceGroup", "tenants", "maxRemovals", "stamp"];

    private readonly YamlEventCursor _cursor;
    private readonly DiagnosticBag _diagnostics;
    private readonly YamlValueReader _values;
    private readonly TenantListReader _tenants;
    private readonly StampBlockReader _stamps;

    // One reusable mapping reader: registrations never nest, aliases and merges don't deepen them.
    private readonly MappingReader _registrationKeys;

    public RegistrationListReader(YamlEventCursor cursor, DiagnosticBag diagnostics, YamlValueReader values)
    {
        _cursor = cursor;
        _diagnostics = diagnostics;
        _values = values;
        _tenants = new TenantListReader(cursor, diagnostics, values);
        _stamps = new StampBlockReader(cursor, diagnostics, values);
        _registrationKeys = new MappingReader(cursor, diagnostics);
    }

    /// <summary>The value of a <c>registrations</c> key; null when it is not a non-empty list (reported).</summary>
    public List<DesiredRegistration>? ReadRegistrations(in YamlKey key)
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
                    name = ReadName(key, "a registration name", ArmNames.IsValidRegistrationName, DiagnosticCodes.InvalidRegistrationName, NameRules.ExplainRegistrationName);
                    break;
                case "subscriptionId":
                    hasSubscription = true;
                    subscriptionOk = _values.TryReadGuid(key, out subscriptionId, out _, out _);
                    break;
                case "resourceGroup":
                    hasResourceGroup = true;
                    resourceGroup = ReadName(key, "a resource group name", ArmNames.IsValidResourceGroupName, DiagnosticCodes.InvalidResourceGroupName, NameRules.ExplainResourceGroupName);
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

    /// <summary>A name that must pass ARM's naming rule; null when it is absent or does not (reported).</summary>
    private string? ReadName(in YamlKey key, string expected, Func<string, bool> isValid, string code, Func<string, string> explain)
    {
        if (!_values.TryReadScalar(key, expected, out var scalar))
        {
            return null;
        }

        if (isValid(scalar.Value))
        {
            return scalar.Value;
        }

        _values.AddAt(scalar, code, explain(scalar.Value));
        return null;
    }
}
