using static TenantReconciler.Emulator.StoredRegistrations;

namespace TenantReconciler.Emulator;

/// <summary>
/// The emulator's state behind one lock. Every write builds the next state, persists it (atomically: a temporary file
/// in the same folder, then a rename over the old one) and only then makes it current, so memory and file never differ.
/// Registrations match case-insensitively (subscription as a GUID, resource group and name ordinal-ignore-case) and
/// keep the casing they were first written with.
/// </summary>
internal sealed class EmulatorStore
{
    private readonly Lock gate = new();
    private readonly string? path;
    private readonly TimeProvider time;
    private readonly System.Collections.Concurrent.ConcurrentQueue<CommittedWrite> writes = new();
    private EmulatorState state;

    private EmulatorStore(string? path, EmulatorState state, TimeProvider time)
    {
        this.path = path;
        this.state = state;
        this.time = time;
    }

    /// <summary>Every PUT and every DELETE that removed something, in commit order (not <see cref="Reset"/>).</summary>
    public IReadOnlyList<CommittedWrite> CommittedWrites => writes.ToArray();

    /// <summary>Loads <paramref name="statePath"/> when it exists; otherwise starts from <paramref name="initial"/> (and writes it).</summary>
    public static EmulatorStore Open(string? statePath, EmulatorState? initial, TimeProvider? time = null, bool createOnFirstWrite = false)
    {
        time ??= TimeProvider.System;
        if (statePath is null)
        {
            return new EmulatorStore(null, Clone(initial ?? new EmulatorState()), time);
        }

        // The state is written back to this path on every write: never through a link.
        var fullPath = Path.GetFullPath(statePath);
        Persistence.AtomicFile.RefuseLinks(fullPath, "the emulator state file");
        if (Directory.Exists(fullPath))
        {
            // A folder where the file belongs (the root included, which has no parent to create the file in).
            throw new InvalidDataException("it is a directory, not a file.");
        }

        if (File.Exists(fullPath))
        {
            return new EmulatorStore(fullPath, Clone(EmulatorStateFile.Load(fullPath)), time);
        }

        var seeded = Clone(initial ?? new EmulatorState());
        if (createOnFirstWrite)
        {
            return new EmulatorStore(fullPath, seeded, time);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        EmulatorStateFile.Write(fullPath, seeded);
        return new EmulatorStore(fullPath, seeded, time);
    }

    public EmulatorState Snapshot()
    {
        lock (gate)
        {
            return Clone(state);
        }
    }

    public void Reset(EmulatorState replacement)
    {
        var next = Clone(replacement);
        lock (gate)
        {
            Commit(next);
        }
    }

    /// <summary>The registration resource; null when it does not exist.</summary>
    public RegistrationView? Registration(RegistrationAddress address)
    {
        lock (gate)
        {
            return Find(state, address) is not { } registration ? null : new RegistrationView(
                PathOf(registration),
                registration.EffectiveBillingModel,
                registration.CloudId,
                registration.ObjectId,
                [.. registration.CustomerSubscriptionErrors ?? []])
            {
                Locks = HeldLocks(state, registration),
                LocksUnreadable = registration.LocksUnreadable,
            };
        }
    }

    /// <summary>The stamp whose Default Provider Subscription is <paramref name="providerSubscriptionId"/>; null when there is none. Never changed by a request.</summary>
    public EmulatorStamp? Stamp(string providerSubscriptionId)
    {
        lock (gate)
        {
            return state.Stamps?.Find(s => SameSubscription(s.ProviderSubscriptionId, providerSubscriptionId));
        }
    }

    /// <summary>The mappings after <paramref name="afterKey"/> (exclusive), sorted by key; null when the registration does not exist.</summary>
    public ListPage? List(RegistrationAddress address, string? afterKey, int pageSize)
    {
        lock (gate)
        {
            var registration = Find(state, address);
            if (registration is null)
            {
                return null;
            }

            var remaining = registration.CustomerSubscriptions
                .Select(c => new StoredMapping(Key(c.SubscriptionId), c.TenantId))
                .Where(m => afterKey is null || string.CompareOrdinal(m.Key, afterKey) > 0)
                .OrderBy(m => m.Key, StringComparer.Ordinal)
                .ToList();
            return new ListPage(PathOf(registration), remaining.Take(pageSize).ToList(), remaining.Count > pageSize);
        }
    }

    /// <summary>How many mappings sort at or before <paramref name="key"/>; null when the registration does not exist.</summary>
    public int? CountThrough(RegistrationAddress address, string key)
    {
        lock (gate)
        {
            return Find(state, address)?.CustomerSubscriptions.Count(c => string.CompareOrdinal(Key(c.SubscriptionId), key) <= 0);
        }
    }

    /// <summary>Null registration when it does not exist; null mapping when the child does not.</summary>
    public (RegistrationPath? Registration, StoredMapping? Mapping) Get(RegistrationAddress address, Guid customerSubscription)
    {
        lock (gate)
        {
            var registration = Find(state, address);
            if (registration is null)
            {
                return (null, null);
            }

            var found = registration.CustomerSubscriptions.Find(c => SameGuid(c.SubscriptionId, customerSubscription));
            return (PathOf(registration), found is null ? null : new StoredMapping(Key(found.SubscriptionId), found.TenantId));
        }
    }

    /// <summary>
    /// Creates or overwrites <paramref name="customerSubscription"/> -> <paramref name="tenant"/>. With
    /// <see cref="OverwriteSemantics.Replace"/> any other mapping of the same tenant in the registration is dropped first.
    /// Null when the registration does not exist.
    /// </summary>
    public (RegistrationPath Registration, StoredMapping Mapping)? Put(
        RegistrationAddress address,
        string customerSubscriptionName,
        Guid customerSubscription,
        string tenantText,
        Guid tenant,
        OverwriteSemantics semantics)
    {
        lock (gate)
        {
            var next = Clone(state);
            var registration = Find(next, address);
            if (registration is null)
            {
                return null;
            }

            var mappings = registration.CustomerSubscriptions;
            var existing = mappings.Find(c => SameGuid(c.SubscriptionId, customerSubscription));
            var stored = new EmulatorCustomerSubscription
            {
                // The caller's first spelling wins, for the subscription and for an unchanged tenant alike.
                SubscriptionId = existing?.SubscriptionId ?? customerSubscriptionName,
                TenantId = existing is not null && SameGuid(existing.TenantId, tenant) ? existing.TenantId : tenantText,
            };

            if (semantics == OverwriteSemantics.Replace)
            {
                mappings.RemoveAll(c => !SameGuid(c.SubscriptionId, customerSubscription) && SameGuid(c.TenantId, tenant));
            }

            var index = mappings.FindIndex(c => SameGuid(c.SubscriptionId, customerSubscription));
            if (index >= 0)
            {
                mappings[index] = stored;
            }
            else
            {
                mappings.Add(stored);
            }

            Commit(next);
            Record("PUT", registration, stored.SubscriptionId, tenant.ToString("D"));
            return (PathOf(registration), new StoredMapping(Key(stored.SubscriptionId), stored.TenantId));
        }
    }

    public DeleteOutcome Delete(RegistrationAddress address, Guid customerSubscription)
    {
        lock (gate)
        {
            var next = Clone(state);
            var registration = Find(next, address);
            if (registration is null)
            {
                return DeleteOutcome.RegistrationNotFound;
            }

            if (registration.CustomerSubscriptions.RemoveAll(c => SameGuid(c.SubscriptionId, customerSubscription)) == 0)
            {
                return DeleteOutcome.Absent;
            }

            Commit(next);
            Record("DELETE", registration, customerSubscription.ToString("D"), tenant: null);
            return DeleteOutcome.Deleted;
        }
    }

    /// <summary>Caller holds <see cref="gate"/>, so the log is in commit order.</summary>
    private void Record(string method, EmulatorRegistration registration, string customerSubscription, string? tenant) =>
        writes.Enqueue(new CommittedWrite(method, Key(customerSubscription), tenant, time.GetUtcNow())
        {
            RegistrationId = RegistrationId(registration),
        });

    /// <summary>Caller holds <see cref="gate"/>. Persist first, so a failed write leaves the current state untouched.</summary>
    private void Commit(EmulatorState next)
    {
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            EmulatorStateFile.Write(path, next);
        }

        state = next;
    }

    /// <summary>A deep copy: fresh lists (the records themselves are immutable).</summary>
    private static EmulatorState Clone(EmulatorState source) => new()
    {
        Registrations = source.Registrations
            .Select(r => r with
            {
                CustomerSubscriptions = [.. r.CustomerSubscriptions ?? []], // absent from a hand-written file
                CustomerSubscriptionErrors = r.CustomerSubscriptionErrors is null ? null : [.. r.CustomerSubscriptionErrors],
                Locks = r.Locks is null ? null : [.. r.Locks],
            })
            .ToList(),
        Stamps = source.Stamps is null ? null : [.. source.Stamps], // never written: the records are shared
    };
}
