using TenantReconciler.Tests.Applying;
using Xunit.Abstractions;
using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// <see cref="RateLimitPacingPolicy"/> through the real pipeline against the emulator's ARM-like token buckets. The
/// buckets and the pacing share one fake clock (<see cref="QuiescentClock"/>, or a <see cref="FakeTimeProvider"/> that
/// never moves), so what is asserted does not depend on how fast the machine runs.
/// </summary>
public sealed class PacingEmulatorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ApplyAsync_SixtyPutsIntoABucketOfFiveRefilling20PerSecond_NoThrottling()
    {
        // Arrange
        const int Writes = 60;
        var adds = Mappings(Writes);
        await using var clock = new QuiescentClock();
        await using var emulator = await StartAsync(new ThrottlingOptions { Writes = new TokenBucketLimit(5, 20) }, clock);
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);
        var client = CreateClient(emulator, FastSettings, clock);
        var applier = new PlanApplier(client, new ApplyOptions { Parallelism = 4 }, clock.Observer());

        // Act
        var result = await applier.ApplyAsync(plan, CancellationToken.None);

        // Assert
        var span = emulator.Requests[^1].Time - emulator.Requests[0].Time;
        output.WriteLine($"{Writes} PUTs over {span.TotalSeconds:0.00} s of fake time ({clock.Jumps} jumps); the bucket allows no less than {(Writes - 5) / 20.0:0.00} s");
        Assert.True(result.Succeeded);
        Assert.Equal(0, emulator.ThrottledCount);
        Assert.DoesNotContain(emulator.Requests, r => r.Status == 429);
        Assert.Equal(Writes, emulator.Requests.Count);
        Assert.Equal(adds, State(emulator, RegistrationA));
        Assert.True(span >= TimeSpan.FromSeconds((Writes - 5) / 20.0), $"{span}");
    }

    [Fact]
    public async Task ApplyAsync_FortyDeletesIntoABucketOfFiveRefilling20PerSecond_NoThrottling()
    {
        // Arrange
        var live = Mappings(40);
        await using var clock = new QuiescentClock();
        await using var emulator = await StartAsync(new ThrottlingOptions { Deletes = new TokenBucketLimit(5, 20) }, clock, live);
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. live.OrderBy(m => m.Key).Select(m => Remove(m.Key, m.Value))])]);
        var client = CreateClient(emulator, FastSettings, clock);

        // Act
        var result = await new PlanApplier(client, new ApplyOptions(), clock.Observer()).ApplyAsync(plan, CancellationToken.None);

        // Assert
        Assert.True(result.Succeeded);
        Assert.Equal(0, emulator.ThrottledCount);
        Assert.Empty(State(emulator, RegistrationA));
    }

    [Fact]
    public async Task ApplyAsync_SameBucketWithoutPacing_IsThrottledAndReRunsAfterRetryAfterConverge()
    {
        // Arrange: the contrast to the tests above: without pacing, a frozen clock serves exactly the burst.
        var adds = Mappings(12);
        var clock = new FakeTimeProvider();
        await using var emulator = await StartAsync(new ThrottlingOptions { Writes = new TokenBucketLimit(5, 20) }, clock);
        var client = CreateClient(emulator, FastSettings with { Pacing = false, MaxThrottleRetries = 0 }, clock);
        var left = adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value)).ToList();
        var failedPerRun = new List<int>();

        // Act: each run gets the burst; the rest is throttled and run again once the clock has moved by Retry-After.
        while (left.Count > 0 && failedPerRun.Count < 5)
        {
            var result = await new PlanApplier(client).ApplyAsync(new Plan([new RegistrationPlan(RegistrationA, left)]), CancellationToken.None);
            left = [.. result.Results.Where(r => r.Outcome != ChangeOutcome.Done).Select(r => r.Change)];
            failedPerRun.Add(left.Count);
            Assert.All(result.Results.Where(r => r.Outcome != ChangeOutcome.Done), r => Assert.Equal("TooManyRequests", r.ErrorCode));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        // Assert
        Assert.Equal([7, 2, 0], failedPerRun);
        Assert.Equal(9, emulator.ThrottledCount);
        Assert.Equal(adds, State(emulator, RegistrationA));
    }

    [Fact]
    public async Task ApplyAsync_CancelledWhileRequestsAreHeldByPacing_ThoseAreNotAttemptedAndNeverSent()
    {
        // Arrange: a bucket of one on a clock that never moves: the first PUT empties it, the rest are held back.
        var adds = Mappings(3);
        var clock = new FakeTimeProvider();
        await using var emulator = await StartAsync(new ThrottlingOptions { Writes = new TokenBucketLimit(1, 0.001) }, clock);
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);
        var observer = new RecordingObserver();
        using var cancellation = new CancellationTokenSource();
        var client = CreateClient(emulator, FastSettings, clock);
        var applier = new PlanApplier(client, new ApplyOptions { Parallelism = 2 }, new CancelAfterFirstCompletion(observer, cancellation));

        // Act
        var result = await applier.ApplyAsync(plan, cancellation.Token);

        // Assert
        Assert.Equal(ChangeOutcome.Done, result.Results[0].Outcome);
        Assert.All(result.Results.Skip(1), r => Assert.Equal(ChangeOutcome.NotAttempted, r.Outcome));
        Assert.Single(emulator.Requests);
        Assert.Equal(0, emulator.ThrottledCount);
        Assert.All(
            observer.Events.Where(e => e.Event == "completed" && e.Error is not null),
            e => Assert.Equal(PlanApplier.NotSentErrorCode, e.Error!.ErrorCode));
    }

    private static Task<ArmEmulator> StartAsync(ThrottlingOptions throttling, TimeProvider time, IReadOnlyDictionary<Guid, Guid>? live = null) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            Throttling = throttling,
            TimeProvider = time,
            InitialState = new Scenario().Have(RegistrationA, [.. (live ?? new Dictionary<Guid, Guid>()).Select(m => (m.Key, m.Value))]).EmulatorState(),
        });

    /// <summary>Records, and cancels the apply once the first request has completed (the others are then held by pacing).</summary>
    private sealed class CancelAfterFirstCompletion(RecordingObserver inner, CancellationTokenSource cancellation) : IApplyObserver
    {
        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken) =>
            inner.OnStartingAsync(registration, operation, cancellationToken);

        public async ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
        {
            await inner.OnCompletedAsync(registration, operation, result, error, cancellationToken);
            if (result is not null)
            {
                await cancellation.CancelAsync();
            }
        }
    }
}
