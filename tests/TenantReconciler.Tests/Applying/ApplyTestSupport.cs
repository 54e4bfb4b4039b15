using System.Security.Cryptography.X509Certificates;

namespace TenantReconciler.Tests.Applying;

/// <summary>The emulator, a client through the real pipeline (pacing on, tiny retry delays) and plans made by hand.</summary>
internal static class ApplyTestSupport
{
    public static readonly RegistrationRef RegistrationA =
        new(Guid.Parse("dd8597b4-8739-4467-8b10-f8679f62bfbf"), "azurestack", "registration-a");

    public static readonly RegistrationRef RegistrationB =
        new(Guid.Parse("5b2f3c1d-7a8e-4f60-9d21-3e4c5b6a7f80"), "azurestack", "registration-b");

    /// <summary>Production settings with millisecond back-off, so that retry tests are quick.</summary>
    public static ArmPipelineSettings FastSettings { get; } = new()
    {
        MaxRetries = 2,
        MaxThrottleRetries = 4,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        NetworkTimeout = TimeSpan.FromSeconds(30),
    };

    public static Task<ArmEmulator> StartEmulatorAsync(
        IReadOnlyDictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> seeded,
        params Func<HttpContext, RequestDelegate, Task>[] middleware) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            Middleware = middleware,
            InitialState = StateOf(seeded),
        });

    /// <summary>An emulator state holding <paramref name="seeded"/>: tenant by customer subscription, per registration.</summary>
    public static EmulatorState StateOf(IReadOnlyDictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> seeded) =>
        seeded.Aggregate(new Scenario(), (world, r) => world.Have(r.Key, [.. r.Value.Select(m => (m.Key, m.Value))])).EmulatorState();

    /// <summary>A client through the production pipeline built from <paramref name="settings"/>, pacing on <paramref name="time"/> (the system clock when null).</summary>
    public static ArmCustomerSubscriptionClient CreateClient(ArmEmulator emulator, ArmPipelineSettings? settings = null, TimeProvider? time = null)
    {
        var connection = new ArmConnection(
            emulator.BaseUri,
            ApiVersions.Default,
            ArmConnections.ScopeFor(AzureCloud.AzureCloud),
            X509CertificateLoader.LoadCertificate(emulator.Certificate.RawData));
        var pipeline = ArmPipeline.Create(new EmulatorTokenCredential(), connection, settings ?? FastSettings, time ?? TimeProvider.System);
        return new ArmCustomerSubscriptionClient(pipeline, connection);
    }

    /// <summary>The emulator's mappings of one registration.</summary>
    public static IReadOnlyDictionary<Guid, Guid> State(ArmEmulator emulator, RegistrationRef registration) =>
        emulator.Snapshot().Registrations
            .Single(r => string.Equals(r.Name, registration.Name, StringComparison.OrdinalIgnoreCase))
            .CustomerSubscriptions
            .ToDictionary(c => Guid.Parse(c.SubscriptionId), c => Guid.Parse(c.TenantId));

    /// <summary>
    /// A plain diff, as the planner would make it without moves: add what is missing, overwrite a different tenant,
    /// remove what is not desired. Sorted by subscription.
    /// </summary>
    public static RegistrationPlan Diff(RegistrationRef registration, IReadOnlyDictionary<Guid, Guid> desired, IReadOnlyDictionary<Guid, Guid> live)
    {
        var changes = new List<PlannedChange>();
        foreach (var subscription in desired.Keys.Union(live.Keys).OrderBy(s => s))
        {
            var wanted = desired.TryGetValue(subscription, out var t) ? t : (Guid?)null;
            var current = live.TryGetValue(subscription, out var c) ? c : (Guid?)null;
            var action = (wanted, current) switch
            {
                (null, _) => ChangeAction.Remove,
                (_, null) => ChangeAction.Add,
                _ when wanted == current => ChangeAction.Unchanged,
                _ => ChangeAction.Overwrite,
            };
            changes.Add(new PlannedChange
            {
                Action = action,
                CustomerSubscriptionId = subscription,
                CustomerSubscriptionName = subscription.ToString("D"),
                TenantId = wanted,
                PreviousTenantId = current,
            });
        }

        return new RegistrationPlan(registration, changes);
    }

    public static PlannedChange Add(Guid subscription, Guid tenant) => new()
    {
        Action = ChangeAction.Add,
        CustomerSubscriptionId = subscription,
        CustomerSubscriptionName = subscription.ToString("D"),
        TenantId = tenant,
    };

    public static PlannedChange Remove(Guid subscription, Guid previousTenant) => new()
    {
        Action = ChangeAction.Remove,
        CustomerSubscriptionId = subscription,
        CustomerSubscriptionName = subscription.ToString("D"),
        PreviousTenantId = previousTenant,
    };

    /// <summary>The tenant moves from <paramref name="from"/> to <paramref name="to"/>: PUT the new, then DELETE the old.</summary>
    public static PlannedChange Move(Guid to, Guid tenant, Guid from) => new()
    {
        Action = ChangeAction.Overwrite,
        CustomerSubscriptionId = to,
        CustomerSubscriptionName = to.ToString("D"),
        TenantId = tenant,
        MovedFromSubscriptionId = from,
        MovedFromSubscriptionName = from.ToString("D"),
    };

    public static Dictionary<Guid, Guid> Mappings(int count) =>
        Enumerable.Range(0, count).ToDictionary(_ => Guid.NewGuid(), _ => Guid.NewGuid());

    /// <summary>The customer subscription a request addresses (its last path segment), or null for a collection.</summary>
    public static Guid? SubscriptionOf(string pathAndQuery)
    {
        var path = pathAndQuery.Split('?')[0];
        return Guid.TryParse(path[(path.LastIndexOf('/') + 1)..], out var id) ? id : null;
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string code)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = new { code, message = $"Injected {status} {code}." } });
    }
}

/// <summary>
/// Counts the requests the emulator is handling at once; optionally holds requests (after the first <c>skip</c>) until
/// <c>holdUntil</c> are in flight together. Pacing sends the first request of each throttling bucket alone, so those
/// must be skipped.
/// </summary>
internal sealed class ConcurrencyProbe
{
    private readonly int holdUntil;
    private readonly int skip;
    private int arrived;
    private readonly TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int current;
    private int max;

    /// <param name="holdUntil">The first requests wait until this many are in flight together (0: no wait).</param>
    /// <param name="skip">Requests let through at once before holding starts.</param>
    public ConcurrencyProbe(int holdUntil = 0, int skip = 0)
    {
        this.holdUntil = holdUntil;
        this.skip = skip;
        if (holdUntil == 0)
        {
            reached.SetResult();
        }
    }

    public int Max => Volatile.Read(ref max);

    /// <summary>True when the requests held back saw <c>holdUntil</c> requests in flight together.</summary>
    public bool Reached => reached.Task.IsCompletedSuccessfully;

    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        var now = Interlocked.Increment(ref current);
        InterlockedMax(now);
        try
        {
            if (now >= holdUntil)
            {
                reached.TrySetResult();
            }

            // A ceiling, not a synchronisation: if the client never reaches the count, Reached stays false and the test fails.
            if (Interlocked.Increment(ref arrived) > skip && !reached.Task.IsCompleted)
            {
                await Task.WhenAny(reached.Task, Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted));
            }

            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref current);
        }
    }

    private void InterlockedMax(int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, value, seen) != seen)
        {
        }
    }
}

/// <summary>Records what the applier tells its observer.</summary>
internal sealed class RecordingObserver : IApplyObserver
{
    public ConcurrentQueue<(string Event, PlannedOperation Operation, ArmWriteResult? Result, ArmRequestException? Error)> Events { get; } = new();

    public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
    {
        Events.Enqueue(("starting", operation, null, null));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
    {
        Events.Enqueue(("completed", operation, result, error));
        return ValueTask.CompletedTask;
    }
}
