using TenantReconciler.Reconciling;

namespace TenantReconciler.Tests.Support;

/// <summary>
/// A fake clock for an apply whose requests wait on it (pacing), shared with the emulator's token buckets. Time stands
/// still while any operation does real work (sending, reading the response, Azure.Core's own back-off) and jumps to the
/// earliest armed timer once every running operation waits on this clock. The server's bucket and the client's pacing
/// therefore see the same instant for every request, and nothing depends on how fast the machine is.
/// </summary>
/// <remarks>
/// Running operations are those between <see cref="IApplyObserver.OnStartingAsync"/> and
/// <see cref="IApplyObserver.OnCompletedAsync"/> of <see cref="Observer"/>, and the listings of a client wrapped by
/// <see cref="Listings"/>; each one that waits holds exactly one armed timer (a <c>Task.Delay</c> on this clock), so
/// "armed timers = running operations" means all of them wait.
/// </remarks>
internal sealed class QuiescentClock : FakeTimeProvider, IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly HashSet<TrackedTimer> armed = [];
    private readonly SemaphoreSlim changed = new(0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task driver;
    private int running;

    public QuiescentClock()
        : base(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
        driver = Task.Run(DriveAsync);
    }

    /// <summary>How many times the clock jumped.</summary>
    public int Jumps { get; private set; }

    /// <summary>Counts running operations for the driver, then passes every event on to <paramref name="inner"/>.</summary>
    public IApplyObserver Observer(IApplyObserver? inner = null) => new Counting(this, inner ?? new ApplyObservers());

    /// <summary>Counts every <see cref="ICustomerSubscriptionClient.ListAsync"/> of <paramref name="inner"/> (all its pages) as one running operation.</summary>
    public ICustomerSubscriptionClient Listings(ICustomerSubscriptionClient inner) => new CountingListings(this, inner);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this, period);
        tracked.Arm(dueTime);
        tracked.Inner = base.CreateTimer(
            s =>
            {
                tracked.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);
        return tracked;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await driver;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
        changed.Dispose();
    }

    private void Update(Action change)
    {
        lock (gate)
        {
            change();
        }

        changed.Release();
    }

    private async Task DriveAsync()
    {
        while (true)
        {
            await changed.WaitAsync(stop.Token);
            DateTimeOffset? next;
            lock (gate)
            {
                next = running > 0 && armed.Count == running ? armed.Min(t => t.Due) : null;
            }

            if (next is { } due && due > GetUtcNow())
            {
                Jumps++;
                SetUtcNow(due);
            }
        }
    }

    private sealed class TrackedTimer(QuiescentClock clock, TimeSpan period) : ITimer
    {
        private TimeSpan period = period;

        public ITimer? Inner { get; set; }

        public DateTimeOffset Due { get; private set; }

        public void Arm(TimeSpan dueTime) => clock.Update(() =>
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                clock.armed.Remove(this);
            }
            else
            {
                Due = clock.GetUtcNow() + dueTime;
                clock.armed.Add(this);
            }
        });

        public void Fired() => clock.Update(() =>
        {
            if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
            {
                clock.armed.Remove(this);
            }
            else
            {
                Due += period;
            }
        });

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            this.period = period;
            Arm(dueTime);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            clock.Update(() => clock.armed.Remove(this));
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class CountingListings(QuiescentClock clock, ICustomerSubscriptionClient inner) : ICustomerSubscriptionClient
    {
        public async Task<LiveRegistration> ListAsync(RegistrationRef registration, CancellationToken cancellationToken)
        {
            clock.Update(() => clock.running++);
            try
            {
                return await inner.ListAsync(registration, cancellationToken);
            }
            finally
            {
                clock.Update(() => clock.running--);
            }
        }

        public Task<ArmWriteResult> PutAsync(RegistrationRef registration, string customerSubscriptionName, Guid tenantId, CancellationToken cancellationToken) =>
            inner.PutAsync(registration, customerSubscriptionName, tenantId, cancellationToken);

        public Task<ArmWriteResult> DeleteAsync(RegistrationRef registration, string customerSubscriptionName, CancellationToken cancellationToken) =>
            inner.DeleteAsync(registration, customerSubscriptionName, cancellationToken);
    }

    private sealed class Counting(QuiescentClock clock, IApplyObserver inner) : IApplyObserver
    {
        public Task BeginAsync(Plan plan, PlanClaim? claim, CancellationToken cancellationToken) => inner.BeginAsync(plan, claim, cancellationToken);

        public Task EndAsync(ApplyResult? result, CancellationToken cancellationToken) => inner.EndAsync(result, cancellationToken);

        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
        {
            clock.Update(() => clock.running++);
            return inner.OnStartingAsync(registration, operation, cancellationToken);
        }

        public async ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
        {
            await inner.OnCompletedAsync(registration, operation, result, error, cancellationToken);
            clock.Update(() => clock.running--);
        }
    }
}
