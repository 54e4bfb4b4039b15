namespace TenantReconciler.Tests.Support;

/// <summary>
/// An in-memory ARM behind <see cref="ICustomerSubscriptionClient"/>, for the logic of the engine and the watch loop:
/// no HTTPS, no pipeline (the wire protocol, TLS and the pipeline are the emulator tests' job). It keeps the facts the
/// logic depends on:
/// <list type="bullet">
/// <item>names compare case-insensitively and keep the service's casing (<see cref="Seed"/> with <c>upperCase</c>: a
/// listing spells the name in upper case, as the official examples do, and a write may address it in any case);</item>
/// <item>a listing is paged (<see cref="PageSize"/>) and either complete or an <see cref="ArmRequestException"/>: a
/// failed page, an empty page after the first (<see cref="TruncateListing"/>), a name listed twice because the state
/// changed between pages (<see cref="BetweenPages"/>), just as the real client refuses them;</item>
/// <item>management locks answer 409 <c>ScopeLocked</c> (<see cref="Lock"/>), a single write can fail
/// (<see cref="FailWrite"/>), and a write can land with no answer coming back: its outcome unknown to the caller
/// (<see cref="LoseAnswer"/>).</item>
/// </list>
/// Every call is counted; <see cref="BeforeList"/> and <see cref="BeforeWrite"/> let a test hold a call on a gate or fail it.
/// It is also the watch loop's <see cref="IWatchArmClientSource"/>.
/// </summary>
public sealed class InMemoryArm : ICustomerSubscriptionClient, IWatchArmClientSource
{
    private readonly Lock _lock = new();
    private readonly Dictionary<RegistrationRef, List<LiveMapping>> _state = [];
    private readonly Dictionary<RegistrationRef, LockLevel> _locks = [];
    private readonly Dictionary<RegistrationRef, int> _truncatedAt = [];
    private readonly List<WriteFault> _faults = [];
    private readonly List<ArmWrite> _writes = [];
    private int _listing;
    private int _requestIds;

    /// <summary>Items per listing page; a listing of <c>n</c> mappings takes <c>max(1, ceil(n / PageSize))</c> pages.</summary>
    public int PageSize { get; set; } = 1000;

    public int Lists { get; private set; }

    public int PagesRead { get; private set; }

    public int Puts { get; private set; }

    public int Deletes { get; private set; }

    public int MaxConcurrentListings { get; private set; }

    /// <summary>Listings started and not yet ended (returned, failed or cancelled).</summary>
    public int RunningListings
    {
        get
        {
            lock (_lock)
            {
                return _listing;
            }
        }
    }

    /// <summary>Runs before each listing: await to block it, throw to fail it.</summary>
    public Func<RegistrationRef, Task>? BeforeList { get; set; }

    /// <summary>Runs between two pages of a listing (after page <c>n</c> was read): change the state to make the listing change while it is read.</summary>
    public Action<RegistrationRef, int>? BetweenPages { get; set; }

    /// <summary>Runs before each PUT or DELETE reaches the state (after the lock and fault checks pass): await to hold it, throw to fail it.</summary>
    public Func<RegistrationRef, Task>? BeforeWrite { get; set; }

    /// <summary>Every write that changed the state (or would have, for a DELETE of nothing), in the order it landed.</summary>
    public IReadOnlyList<ArmWrite> Writes
    {
        get
        {
            lock (_lock)
            {
                return _writes.ToArray();
            }
        }
    }

    /// <summary>The registration holds exactly <paramref name="mappings"/> (subscription → tenant), named in lower case.</summary>
    public void Set(RegistrationRef registration, params (Guid Subscription, Guid Tenant)[] mappings) => Seed(registration, upperCase: false, mappings);

    /// <summary>The registration holds exactly <paramref name="mappings"/>; with <paramref name="upperCase"/> ARM names them in upper case.</summary>
    public void Seed(RegistrationRef registration, bool upperCase, params (Guid Subscription, Guid Tenant)[] mappings)
    {
        lock (_lock)
        {
            _state[registration] = [.. mappings.Select(m => new LiveMapping(Name(m.Subscription, upperCase), m.Subscription, m.Tenant))];
        }
    }

    /// <summary>The registration's mappings now: tenant by customer subscription.</summary>
    public IReadOnlyDictionary<Guid, Guid> Get(RegistrationRef registration)
    {
        lock (_lock)
        {
            return _state[registration].ToDictionary(m => m.CustomerSubscriptionId, m => m.TenantId);
        }
    }

    /// <summary>A management lock on the registration: <c>CanNotDelete</c> refuses DELETE, <c>ReadOnly</c> PUT too, with 409 <c>ScopeLocked</c>.</summary>
    public void Lock(RegistrationRef registration, LockLevel level)
    {
        lock (_lock)
        {
            _locks[registration] = level;
        }
    }

    /// <summary>From now on, page <paramref name="page"/> (2 or later) of the registration's listing comes back empty: a truncated listing.</summary>
    public void TruncateListing(RegistrationRef registration, int page)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 2);
        lock (_lock)
        {
            _truncatedAt[registration] = page;
        }
    }

    /// <summary>
    /// The next write (of <paramref name="method"/>, or either) of <paramref name="subscription"/> fails with
    /// <paramref name="error"/> and changes nothing; <paramref name="times"/> writes fail (<see cref="int.MaxValue"/>: all).
    /// </summary>
    public void FailWrite(RegistrationRef registration, Guid subscription, Exception error, string? method = null, int times = 1) =>
        AddFault(new WriteFault(registration, subscription, method, error, Lands: false, times));

    /// <summary>
    /// The next write of <paramref name="subscription"/> lands, and its answer is lost (no response: status 0): the caller
    /// cannot know whether it happened, and only a fresh listing tells.
    /// </summary>
    public void LoseAnswer(RegistrationRef registration, Guid subscription, string? method = null) =>
        AddFault(new WriteFault(registration, subscription, method, NoResponse($"{method ?? "write"} of {subscription:D}"), Lands: true, 1));

    public Task<ICustomerSubscriptionClient> GetClientAsync(DesiredState desired, CancellationToken cancellationToken) =>
        Task.FromResult<ICustomerSubscriptionClient>(this);

    public async Task<LiveRegistration> ListAsync(RegistrationRef registration, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Lists++;
            MaxConcurrentListings = Math.Max(MaxConcurrentListings, ++_listing);
        }

        try
        {
            if (BeforeList is { } before)
            {
                await before(registration).WaitAsync(cancellationToken);
            }

            var mappings = new List<LiveMapping>();
            for (var page = 1; ; page++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                List<LiveMapping> items;
                bool more;
                lock (_lock)
                {
                    if (!_state.TryGetValue(registration, out var all))
                    {
                        throw new ArmRequestException(
                            $"GET {registration.Id}/customerSubscriptions failed: 404 (ResourceNotFound). Registration {registration.Id} was not found; nothing will be written.",
                            404, "ResourceNotFound", NextRequestId(), null);
                    }

                    PagesRead++;
                    if (page > 1 && _truncatedAt.TryGetValue(registration, out var truncated) && page >= truncated)
                    {
                        throw new ArmRequestException(
                            $"GET answered 200 with an empty body for page {page} of the listing, reached through a nextLink; "
                            + $"the listing of {registration.Id} is incomplete and unusable; nothing will be written.",
                            200, ArmCustomerSubscriptionClient.EmptyPageErrorCode, NextRequestId(), null);
                    }

                    // Pages are cut from the state as it is when each one is read, sorted as ARM's paging would keep them.
                    var ordered = all.OrderBy(m => m.CustomerSubscriptionId).ToArray();
                    items = [.. ordered.Skip((page - 1) * PageSize).Take(PageSize)];
                    more = ordered.Length > page * PageSize;
                }

                mappings.AddRange(items);
                if (!more)
                {
                    break;
                }

                BetweenPages?.Invoke(registration, page);
            }

            // As the real client: a listing that names one subscription twice changed while it was read.
            var twice = mappings.GroupBy(m => m.CustomerSubscriptionId).FirstOrDefault(g => g.Count() > 1);
            if (twice is not null)
            {
                throw new ArmRequestException(
                    $"customer subscription {twice.First().CustomerSubscriptionName} is listed more than once (did the listing change while it was read?); "
                    + $"the listing of {registration.Id} is unusable; nothing will be written.",
                    0, ArmRequestException.DuplicateListItemCode, null, null, kind: ArmFailureKind.Refused);
            }

            return new LiveRegistration(registration, mappings);
        }
        finally
        {
            lock (_lock)
            {
                _listing--;
            }
        }
    }

    public Task<ArmWriteResult> PutAsync(RegistrationRef registration, string customerSubscriptionName, Guid tenantId, CancellationToken cancellationToken) =>
        WriteAsync("PUT", registration, customerSubscriptionName, tenantId, cancellationToken);

    public Task<ArmWriteResult> DeleteAsync(RegistrationRef registration, string customerSubscriptionName, CancellationToken cancellationToken) =>
        WriteAsync("DELETE", registration, customerSubscriptionName, null, cancellationToken);

    /// <summary>A 503 (or any status) as the client reports a failed request, with request and correlation ids.</summary>
    public static ArmRequestException Failure(int status) =>
        new($"GET failed: {status}.", status, status == 403 ? "AuthorizationFailed" : "ServerBusy", "req-" + status, "corr-" + status);

    /// <summary>No answer came back (the network, a timeout): status 0, transient.</summary>
    public static ArmRequestException NoResponse(string what) =>
        new($"{what}: no response was received.", 0, null, null, null, kind: ArmFailureKind.NoResponse);

    private async Task<ArmWriteResult> WriteAsync(string method, RegistrationRef registration, string name, Guid? tenant, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var subscription = Guid.Parse(name); // any casing, as ARM matches names
        WriteFault? fault;
        lock (_lock)
        {
            if (method == "PUT")
            {
                Puts++;
            }
            else
            {
                Deletes++;
            }

            if (_locks.TryGetValue(registration, out var level) && (level == LockLevel.ReadOnly || (level == LockLevel.CanNotDelete && method == "DELETE")))
            {
                throw new ArmRequestException(
                    $"{method} failed: 409 (ScopeLocked). The scope '{registration.Id}/customerSubscriptions/{name}' cannot perform {method.ToLowerInvariant()} operation "
                    + $"because following scope(s) are locked: '{registration.Id}'. Please remove the lock and try again.",
                    409, PlanApplier.ScopeLockedErrorCode, NextRequestId(), null);
            }

            fault = _faults.FirstOrDefault(f => f.Registration == registration && f.Subscription == subscription && (f.Method is null || f.Method == method));
            if (fault is not null && --fault.Remaining == 0)
            {
                _faults.Remove(fault);
            }

            if (fault is { Lands: false })
            {
                throw fault.Error;
            }
        }

        if (BeforeWrite is { } before)
        {
            await before(registration);
        }

        string requestId;
        lock (_lock)
        {
            var mappings = _state[registration];
            var existing = mappings.FindIndex(m => m.CustomerSubscriptionId == subscription);
            if (tenant is { } t)
            {
                // A PUT overwrites, and keeps the name as the service first spelled it.
                var mapping = new LiveMapping(existing >= 0 ? mappings[existing].CustomerSubscriptionName : name, subscription, t);
                if (existing >= 0)
                {
                    mappings[existing] = mapping;
                }
                else
                {
                    mappings.Add(mapping);
                }
            }
            else if (existing >= 0)
            {
                mappings.RemoveAt(existing);
            }

            requestId = NextRequestId();
            _writes.Add(new ArmWrite(method, registration, name, subscription, tenant, requestId));
        }

        if (fault is { Lands: true })
        {
            throw fault.Error;
        }

        return new ArmWriteResult(method == "PUT" ? 200 : 204, requestId, null);
    }

    private void AddFault(WriteFault fault)
    {
        lock (_lock)
        {
            _faults.Add(fault);
        }
    }

    private string NextRequestId() => $"req-{Interlocked.Increment(ref _requestIds):D4}";

    private static string Name(Guid subscription, bool upperCase) => upperCase ? subscription.ToString("D").ToUpperInvariant() : subscription.ToString("D");

    private sealed record WriteFault(RegistrationRef Registration, Guid Subscription, string? Method, Exception Error, bool Lands, int Times)
    {
        public int Remaining { get; set; } = Times;
    }
}

/// <summary>One write that reached <see cref="InMemoryArm"/>'s state: the method, where (the name as the caller spelled it), and the tenant of a PUT.</summary>
public sealed record ArmWrite(string Method, RegistrationRef Registration, string Name, Guid Subscription, Guid? Tenant, string RequestId);
