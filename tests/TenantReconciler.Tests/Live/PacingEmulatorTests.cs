using System.Diagnostics;
using TenantReconciler.Applying;
using TenantReconciler.Emulator;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Tests.Applying;
using Xunit.Abstractions;
using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// <see cref="RateLimitPacingPolicy"/> through the real pipeline against the emulator's ARM-like token buckets
/// (real time): applies that would be throttled without pacing get no 429 at all.
/// </summary>
public sealed class PacingEmulatorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ApplyAsync_SixtyPutsIntoABucketOfFiveRefilling20PerSecond_NoThrottling()
    {
        // Arrange
        const int Writes = 60;
        var adds = Mappings(Writes);
        await using var emulator = await StartAsync(new ThrottlingOptions { Writes = new TokenBucketLimit(5, 20) });
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);
        var applier = new PlanApplier(CreateClient(emulator), new ApplyOptions { Parallelism = 4 });
        var stopwatch = Stopwatch.StartNew();

        // Act
        var result = await applier.ApplyAsync(plan, CancellationToken.None);

        // Assert
        var span = emulator.Requests[^1].Time - emulator.Requests[0].Time;
        output.WriteLine($"{Writes} PUTs in {stopwatch.Elapsed.TotalSeconds:0.00} s ({span.TotalSeconds:0.00} s first to last); the bucket allows no less than {(Writes - 5) / 20.0:0.00} s");
        Assert.True(result.Succeeded);
        Assert.Equal(0, emulator.ThrottledCount);
        Assert.DoesNotContain(emulator.Requests, r => r.Status == 429);
        Assert.Equal(Writes, emulator.Requests.Count);
        Assert.Equal(adds, State(emulator, RegistrationA));
    }

    [Fact]
    public async Task ApplyAsync_FortyDeletesIntoABucketOfFiveRefilling20PerSecond_NoThrottling()
    {
        // Arrange
        var live = Mappings(40);
        await using var emulator = await StartAsync(new ThrottlingOptions { Deletes = new TokenBucketLimit(5, 20) }, live);
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. live.OrderBy(m => m.Key).Select(m => Remove(m.Key, m.Value))])]);

        // Act
        var result = await new PlanApplier(CreateClient(emulator)).ApplyAsync(plan, CancellationToken.None);

        // Assert
        Assert.True(result.Succeeded);
        Assert.Equal(0, emulator.ThrottledCount);
        Assert.Empty(State(emulator, RegistrationA));
    }

    [Fact]
    public async Task ApplyAsync_SameBucketWithoutPacing_IsThrottledAndTheRetriesStillConverge()
    {
        // Arrange: the contrast to the tests above: the scenario does throttle when nothing paces it.
        var adds = Mappings(12);
        await using var emulator = await StartAsync(new ThrottlingOptions { Writes = new TokenBucketLimit(5, 20) });
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);
        var client = CreateClient(emulator, FastSettings with { Pacing = false, MaxRetries = 5 });

        // Act
        var result = await new PlanApplier(client).ApplyAsync(plan, CancellationToken.None);

        // Assert
        Assert.True(emulator.ThrottledCount > 0);
        Assert.True(result.Succeeded);
        Assert.Equal(adds, State(emulator, RegistrationA));
    }

    [Fact]
    public async Task ApplyAsync_CancelledWhileRequestsAreHeldByPacing_ThoseAreNotAttemptedAndNeverSent()
    {
        // Arrange: a bucket of one that practically never refills: the first PUT empties it, the rest are held back.
        var adds = Mappings(3);
        await using var emulator = await StartAsync(new ThrottlingOptions { Writes = new TokenBucketLimit(1, 0.001) });
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);
        var observer = new RecordingObserver();
        using var cancellation = new CancellationTokenSource();
        var applier = new PlanApplier(CreateClient(emulator), new ApplyOptions { Parallelism = 2 }, new CancelAfterFirstCompletion(observer, cancellation));

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

    private static Task<ArmEmulator> StartAsync(ThrottlingOptions throttling, IReadOnlyDictionary<Guid, Guid>? live = null) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            Throttling = throttling,
            InitialState = new EmulatorState
            {
                Registrations =
                [
                    new EmulatorRegistration
                    {
                        SubscriptionId = RegistrationA.SubscriptionId.ToString(),
                        ResourceGroup = RegistrationA.ResourceGroup,
                        Name = RegistrationA.Name,
                        CustomerSubscriptions =
                        [
                            .. (live ?? new Dictionary<Guid, Guid>()).Select(m => new EmulatorCustomerSubscription { SubscriptionId = m.Key.ToString(), TenantId = m.Value.ToString() }),
                        ],
                    },
                ],
            },
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
