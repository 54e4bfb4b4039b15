namespace TenantReconciler.Tests.Planning;

/// <summary>How the service treats a PUT of a tenant that is already mapped elsewhere in the registration.</summary>
internal enum PutSemantics
{
    /// <summary>The documented behaviour: one subscription per tenant; the PUT drops the tenant's other mappings.</summary>
    Replace,

    /// <summary>Mappings are independent: the PUT only sets its own subscription.</summary>
    Independent,
}

/// <summary>A tiny model of one registration's customerSubscriptions, to replay a plan's operations against.</summary>
internal sealed class ServiceModel
{
    private readonly PutSemantics _semantics;
    private readonly Dictionary<Guid, LiveMapping> _mappings = [];

    public ServiceModel(PutSemantics semantics, IEnumerable<LiveMapping> live)
    {
        _semantics = semantics;
        foreach (var mapping in live)
        {
            _mappings.Add(mapping.CustomerSubscriptionId, mapping);
        }
    }

    public void Apply(PlannedOperation operation)
    {
        // Names are case-insensitive, as in ARM; Guid.Parse accepts both casings.
        var subscription = Guid.Parse(operation.CustomerSubscriptionName);
        switch (operation.Kind)
        {
            case OperationKind.Put:
                var tenant = operation.TenantId ?? throw new InvalidOperationException("A PUT without a tenant.");
                if (_semantics == PutSemantics.Replace)
                {
                    foreach (var other in _mappings.Values.Where(m => m.TenantId == tenant && m.CustomerSubscriptionId != subscription).ToList())
                    {
                        _mappings.Remove(other.CustomerSubscriptionId);
                    }
                }

                var name = _mappings.TryGetValue(subscription, out var existing) ? existing.CustomerSubscriptionName : operation.CustomerSubscriptionName;
                _mappings[subscription] = new LiveMapping(name, subscription, tenant);
                break;

            case OperationKind.Delete:
                _mappings.Remove(subscription);
                break;
        }
    }

    public IReadOnlyList<LiveMapping> List() => [.. _mappings.Values];

    public ISet<(Guid Subscription, Guid Tenant)> Pairs() =>
        _mappings.Values.Select(m => (m.CustomerSubscriptionId, m.TenantId)).ToHashSet();

    /// <summary>Plans, applies the operations under <paramref name="semantics"/>, and checks the result is the desired state.</summary>
    public static void AssertConverges(DesiredRegistration desired, LiveRegistration live, PutSemantics semantics)
    {
        var plan = Planner.ComputeRegistration(desired, live);
        var service = new ServiceModel(semantics, live.Mappings);

        foreach (var operation in plan.Operations())
        {
            service.Apply(operation);
        }

        var expected = desired.Tenants.Select(t => (t.CustomerSubscriptionId, t.TenantId)).ToHashSet();
        Assert.True(
            expected.SetEquals(service.Pairs()),
            $"{semantics}: expected [{string.Join(", ", expected)}] but the service holds [{string.Join(", ", service.Pairs())}].");

        var replanned = Planner.ComputeRegistration(desired, new LiveRegistration(live.Registration, service.List()));
        Assert.All(replanned.Changes, c => Assert.Equal(ChangeAction.Unchanged, c.Action));
    }

    public static void AssertConvergesUnderBothSemantics(DesiredRegistration desired, LiveRegistration live)
    {
        AssertConverges(desired, live, PutSemantics.Replace);
        AssertConverges(desired, live, PutSemantics.Independent);
    }
}
