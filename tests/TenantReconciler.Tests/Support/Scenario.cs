namespace TenantReconciler.Tests.Support;

/// <summary>
/// The one builder of a test's world: per registration, what tenants.yaml wants and what ARM holds. From it come the
/// desired YAML (<see cref="Yaml"/>), the desired state as the real loader reads that YAML (<see cref="Desired"/>), the
/// emulator's state (<see cref="EmulatorState"/>) and a seeded <see cref="InMemoryArm"/> (<see cref="Arm"/>), so the
/// file and the service a test compares always describe the same registrations.
/// </summary>
/// <example><code>
/// var world = new Scenario().Want(Scenario.A, (S1, T1)).Have(Scenario.A, (S2, T3)).Protect(T3);
/// </code></example>
public sealed class Scenario
{
    public static readonly RegistrationRef A = new(Guid.Parse("dd8597b4-8739-4467-8b10-f8679f62bfbf"), "azurestack", "registration-a");

    public static readonly RegistrationRef B = new(Guid.Parse("5b2f3c1d-7a8e-4f60-9d21-3e4c5b6a7f80"), "azurestack", "registration-b");

    public const string FileName = "tenants.yaml";

    private readonly List<Entry> _registrations = [];
    private readonly List<Guid> _protect = [];
    private readonly List<string> _header = [];
    private bool _suspend;

    /// <summary>The 12-digit numbered GUID <c>{prefix}-0000-0000-0000-{n:D12}</c> (prefix: 8 hex digits): readable ids for a test.</summary>
    public static Guid Id(string prefix, int n) => Guid.Parse($"{prefix}-0000-0000-0000-{n:D12}");

    /// <summary>tenants.yaml lists <paramref name="registration"/> with these tenants (added to any listed before).</summary>
    public Scenario Want(RegistrationRef registration, params (Guid Subscription, Guid Tenant)[] tenants)
    {
        Of(registration).Desired.AddRange(tenants);
        Of(registration).InFile = true;
        return this;
    }

    /// <summary>ARM holds these mappings for <paramref name="registration"/> (added to any held before); it exists in ARM even with none.</summary>
    public Scenario Have(RegistrationRef registration, params (Guid Subscription, Guid Tenant)[] mappings)
    {
        Of(registration).Live.AddRange(mappings);
        Of(registration).InArm = true;
        return this;
    }

    /// <summary>ARM names this registration's customer subscriptions in upper case (as the official examples do).</summary>
    public Scenario UpperCase(RegistrationRef registration)
    {
        Of(registration).UpperCase = true;
        return this;
    }

    /// <summary><c>maxRemovals:</c> of one registration.</summary>
    public Scenario MaxRemovals(RegistrationRef registration, int maxRemovals)
    {
        Of(registration).MaxRemovals = maxRemovals;
        return this;
    }

    /// <summary>A management lock on the registration in the emulator's state.</summary>
    public Scenario Lock(RegistrationRef registration, string level, string name = "RegistrationResourceLock")
    {
        Of(registration).Locks.Add(new EmulatorLock { Name = name, Level = level });
        return this;
    }

    /// <summary><c>protect:</c> the tenants that must never lose their mapping.</summary>
    public Scenario Protect(params Guid[] tenants)
    {
        _protect.AddRange(tenants);
        return this;
    }

    /// <summary><c>suspend: true</c>.</summary>
    public Scenario Suspend()
    {
        _suspend = true;
        return this;
    }

    /// <summary>Lines written as they are at the top of the YAML (a comment, <c>cloud:</c>, a key under test).</summary>
    public Scenario Header(string yaml)
    {
        _header.Add(yaml);
        return this;
    }

    /// <summary>tenants.yaml: the header, <c>protect</c>, <c>suspend</c>, then every registration the file lists, in order.</summary>
    public string Yaml()
    {
        var yaml = new StringBuilder();
        foreach (var line in _header)
        {
            yaml.Append(line.TrimEnd('\n')).Append('\n');
        }

        if (_protect.Count > 0)
        {
            yaml.Append("protect:\n");
            foreach (var tenant in _protect)
            {
                yaml.Append($"  - {tenant}\n");
            }
        }

        if (_suspend)
        {
            yaml.Append("suspend: true\n");
        }

        yaml.Append("registrations:\n");
        foreach (var entry in _registrations.Where(r => r.InFile))
        {
            yaml.Append($"  - name: {entry.Registration.Name}\n    subscriptionId: {entry.Registration.SubscriptionId}\n    resourceGroup: {entry.Registration.ResourceGroup}\n");
            if (entry.MaxRemovals is { } max)
            {
                yaml.Append($"    maxRemovals: {max}\n");
            }

            if (entry.Desired.Count == 0)
            {
                yaml.Append("    tenants: []\n");
                continue;
            }

            yaml.Append("    tenants:\n");
            foreach (var (subscription, tenant) in entry.Desired)
            {
                yaml.Append($"      - tenantId: {tenant}\n        customerSubscriptionId: {subscription}\n");
            }
        }

        return yaml.ToString();
    }

    /// <summary>The desired state, as the real loader reads <see cref="Yaml"/>.</summary>
    public DesiredState Desired() => DesiredStateLoader.Parse(Yaml(), FileName);

    /// <summary>The emulator's state: every registration ARM holds, with its mappings and locks.</summary>
    public EmulatorState EmulatorState() => new()
    {
        Registrations =
        [
            .. _registrations.Where(r => r.InArm).Select(r => new EmulatorRegistration
            {
                SubscriptionId = r.Registration.SubscriptionId.ToString(),
                ResourceGroup = r.Registration.ResourceGroup,
                Name = r.Registration.Name,
                CustomerSubscriptions =
                [
                    .. r.Live.Select(m => new EmulatorCustomerSubscription
                    {
                        SubscriptionId = r.UpperCase ? m.Subscription.ToString().ToUpperInvariant() : m.Subscription.ToString(),
                        TenantId = m.Tenant.ToString(),
                    }),
                ],
                Locks = r.Locks.Count > 0 ? [.. r.Locks] : null,
            }),
        ],
    };

    /// <summary>An in-memory ARM holding what <see cref="Have"/> said.</summary>
    public InMemoryArm Arm()
    {
        var arm = new InMemoryArm();
        foreach (var entry in _registrations.Where(r => r.InArm))
        {
            arm.Seed(entry.Registration, entry.UpperCase, [.. entry.Live]);
            foreach (var held in entry.Locks)
            {
                arm.Lock(entry.Registration, Enum.Parse<TenantReconciler.Live.LockLevel>(held.Level, ignoreCase: true));
            }
        }

        return arm;
    }

    private Entry Of(RegistrationRef registration)
    {
        var entry = _registrations.Find(r => r.Registration == registration);
        if (entry is null)
        {
            entry = new Entry(registration);
            _registrations.Add(entry);
        }

        return entry;
    }

    private sealed class Entry(RegistrationRef registration)
    {
        public RegistrationRef Registration { get; } = registration;

        public List<(Guid Subscription, Guid Tenant)> Desired { get; } = [];

        public List<(Guid Subscription, Guid Tenant)> Live { get; } = [];

        public List<EmulatorLock> Locks { get; } = [];

        public bool InFile { get; set; }

        public bool InArm { get; set; }

        public bool UpperCase { get; set; }

        public int? MaxRemovals { get; set; }
    }
}
