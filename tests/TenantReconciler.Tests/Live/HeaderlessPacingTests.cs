using TenantReconciler.Tests.Applying;
using Xunit.Abstractions;
using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// Pacing never serialises for lack of news: a server that sends no <c>x-ms-ratelimit-remaining-subscription-*</c>
/// header (a proxy, an on-premises or sovereign ARM, a test double) gets the requests at their parallelism, and
/// ARM's <c>-global-*</c> header is paced on when it is the lower one.
/// </summary>
public sealed class HeaderlessPacingTests(ITestOutputHelper output)
{
    private static readonly Guid Subscription = Guid.Parse("3c0a1f52-8e4d-4b6a-9f71-2d5e6c7b8a90");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryAcquire_AfterAResponseWithoutTheHeader_HoldsNothingBack()
    {
        // Arrange
        var bucket = new RateLimitBucket(6, time);
        Assert.True(bucket.TryAcquire(out var first, out _, out _));
        var heldWhileTheFirstIsInFlight = bucket.TryAcquire(out _, out _, out _);

        // Act
        bucket.Complete(first, remaining: null, throttled: false, retryAfter: null);
        var granted = Enumerable.Range(0, 16).Count(i => bucket.TryAcquire(out _, out _, out _));

        // Assert
        Assert.False(heldWhileTheFirstIsInFlight);
        Assert.True(bucket.Unpaced);
        Assert.Equal(16, granted);
        Assert.Equal(16, bucket.InFlight);
    }

    [Fact]
    public void TryAcquire_HeaderlessServerAnswers429WithRetryAfter_NothingGoesBeforeItThenAllGo()
    {
        // Arrange
        var bucket = new RateLimitBucket(6, time);
        Assert.True(bucket.TryAcquire(out var first, out _, out _));
        bucket.Complete(first, remaining: null, throttled: false, retryAfter: null);
        Assert.True(bucket.TryAcquire(out var second, out _, out _));

        // Act
        bucket.Complete(second, remaining: null, throttled: true, retryAfter: TimeSpan.FromSeconds(2));
        var blocked = bucket.TryAcquire(out _, out var wait, out _);
        time.Advance(TimeSpan.FromSeconds(2));
        var after = Enumerable.Range(0, 8).Count(i => bucket.TryAcquire(out _, out _, out _));

        // Assert
        Assert.False(blocked);
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.Equal(8, after);
    }

    [Fact]
    public void TryAcquire_HeaderArrivesAfterHeaderlessResponses_PacesOnItFromThen()
    {
        // Arrange: headerless at first, then the server starts reporting 20 left (reserve 6).
        var bucket = new RateLimitBucket(6, time);
        Assert.True(bucket.TryAcquire(out var first, out _, out _));
        bucket.Complete(first, remaining: null, throttled: false, retryAfter: null);
        Assert.True(bucket.TryAcquire(out var second, out _, out _));

        // Act
        bucket.Complete(second, remaining: 20, throttled: false, retryAfter: null);
        var granted = Enumerable.Range(0, 20).Count(i => bucket.TryAcquire(out _, out _, out _));

        // Assert: 20 − 6 = 14 may go, then the reserve holds.
        Assert.False(bucket.Unpaced);
        Assert.Equal(14, granted);
    }

    [Fact]
    public async Task ReadAsync_ServerSendsNoRateLimitHeaders_ListingsRunFourAtATime()
    {
        // Arrange: after the first GET (which goes alone), the next ones wait until four are in flight together.
        var seeded = Seed(9);
        var probe = new ConcurrencyProbe(holdUntil: 4, skip: 1);
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            RateLimitHeaders = false,
            Middleware = [probe.Middleware],
            InitialState = StateOf(seeded),
        });
        var client = CreateClient(emulator, FastSettings.ForParallelism(4), time);

        // Act
        var live = await LiveReader.ReadAsync(client, [.. seeded.Keys], 4, CancellationToken.None);

        // Assert
        output.WriteLine($"at most {probe.Max} GETs in flight at once");
        Assert.True(probe.Reached, $"at most {probe.Max} GETs in flight at once");
        Assert.Equal(4, probe.Max);
        Assert.DoesNotContain(emulator.Requests, r => r.Status != 200);
        Assert.Equal(seeded.Keys, live.Select(l => l.Registration));
    }

    [Fact]
    public async Task ApplyAsync_ServerSendsNoRateLimitHeaders_WritesRunFourAtATime()
    {
        // Arrange
        var adds = Mappings(12);
        var probe = new ConcurrencyProbe(holdUntil: 4, skip: 1);
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            RateLimitHeaders = false,
            Middleware = [probe.Middleware],
            InitialState = StateOf(new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = new Dictionary<Guid, Guid>() }),
        });
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);
        var client = CreateClient(emulator, FastSettings.ForParallelism(4, 4), time);

        // Act
        var result = await new PlanApplier(client, new ApplyOptions { Parallelism = 4 }).ApplyAsync(plan, CancellationToken.None);

        // Assert
        Assert.True(probe.Reached, $"at most {probe.Max} PUTs in flight at once");
        Assert.Equal(4, probe.Max);
        Assert.True(result.Succeeded);
        Assert.Equal(adds, State(emulator, RegistrationA));
    }

    [Fact]
    public async Task ApplyAsync_GlobalBucketLowerThanThePrincipals_PacedOnItWithoutThrottling()
    {
        // Arrange: this principal's own bucket is large; the limit shared by every principal is nearly spent (5, 20/s).
        const int Writes = 40;
        var adds = Mappings(Writes);
        var global = new TokenBucketLimit(5, 20);
        await using var clock = new QuiescentClock();
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            Throttling = new ThrottlingOptions { Writes = new TokenBucketLimit(1000, 100), GlobalWrites = global },
            TimeProvider = clock,
            InitialState = StateOf(new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = new Dictionary<Guid, Guid>() }),
        });
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);
        var client = CreateClient(emulator, FastSettings, clock);

        // Act
        var result = await new PlanApplier(client, new ApplyOptions { Parallelism = 4 }, clock.Observer()).ApplyAsync(plan, CancellationToken.None);

        // Assert
        var span = emulator.Requests[^1].Time - emulator.Requests[0].Time;
        output.WriteLine($"{Writes} PUTs over {span.TotalSeconds:0.00} s of fake time; the global bucket allows no less than {(Writes - global.Burst) / global.RefillPerSecond:0.00} s");
        Assert.True(result.Succeeded);
        Assert.Equal(0, emulator.ThrottledCount);
        Assert.Equal(Writes, emulator.Requests.Count);
        Assert.Equal(adds, State(emulator, RegistrationA));
    }

    private static Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> Seed(int count) =>
        Enumerable.Range(0, count).ToDictionary(
            i => new RegistrationRef(Subscription, "azurestack", $"azurestack-{i:D2}"),
            _ => (IReadOnlyDictionary<Guid, Guid>)Mappings(3));
}
