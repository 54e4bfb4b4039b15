using Xunit.Abstractions;

namespace TenantReconciler.Tests.Live;

/// <summary>The pacing estimator on a fake clock, and a model of a whole apply against an ARM-like token bucket.</summary>
public sealed class PacingRateLimitBucketTests(ITestOutputHelper output)
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryAcquire_NothingObservedYet_GrantsOneRequestAndHoldsTheNextUntilItIsAnswered()
    {
        // Arrange
        var bucket = new RateLimitBucket(6, time);

        // Act
        var first = bucket.TryAcquire(out var sequence, out _, out _);
        var second = bucket.TryAcquire(out _, out _, out var changed);
        bucket.Complete(sequence, 1199, throttled: false, retryAfter: null);
        var third = bucket.TryAcquire(out _, out _, out _);

        // Assert
        Assert.True(first);
        Assert.False(second);
        Assert.True(changed.IsCompleted);
        Assert.True(third);
    }

    [Fact]
    public void TryAcquire_PlentyRemaining_GrantsAsManyAsAsked()
    {
        // Arrange
        var bucket = Observed(remaining: 1199);

        // Act
        var granted = Enumerable.Range(0, 50).Count(i => bucket.TryAcquire(out _, out _, out _));

        // Assert
        Assert.Equal(50, granted);
        Assert.Equal(50, bucket.InFlight);
    }

    [Fact]
    public void TryAcquire_DownToTheReserve_WaitsForTheRefillThenGrants()
    {
        // Arrange: 8 left, reserve 6: two more may go (leaving 7, then 6), the third must wait.
        var bucket = Observed(remaining: 100);
        Assert.True(bucket.TryAcquire(out var sequence, out _, out _));
        bucket.Complete(sequence, 8, throttled: false, retryAfter: null);

        // Act
        var first = bucket.TryAcquire(out _, out _, out _);
        var second = bucket.TryAcquire(out _, out _, out _);
        var third = bucket.TryAcquire(out _, out var wait, out _);
        time.Advance(wait);
        var fourth = bucket.TryAcquire(out _, out _, out _);

        // Assert
        Assert.True(first);
        Assert.True(second);
        Assert.False(third);
        Assert.Equal(TimeSpan.FromSeconds(1), wait); // one token at the initial, cautious 1/s
        Assert.True(fourth);
    }

    [Fact]
    public void Complete_RemainingCountsOverSeveralSeconds_EstimatesTheRefillRate()
    {
        // Arrange: a bucket refilling 10/s, drained by 12 requests a second for 5 s (100 ms apart, answered at once).
        var bucket = new RateLimitBucket(6, time);
        var tokens = 50.0;

        // Act
        for (var i = 0; i < 60; i++)
        {
            Assert.True(bucket.TryAcquire(out var sequence, out _, out _) || i > 0);
            tokens = Math.Min(50, tokens + (10 * (1 / 12.0))) - 1;
            bucket.Complete(sequence, (int)Math.Floor(tokens), throttled: false, retryAfter: null);
            time.Advance(TimeSpan.FromSeconds(1 / 12.0));
        }

        // Assert
        Assert.InRange(bucket.RefillPerSecond, 9.5, 10.5);
    }

    [Fact]
    public void Complete_429WithRetryAfter_NothingGoesBeforeItHasPassed()
    {
        // Arrange
        var bucket = Observed(remaining: 20);
        bucket.TryAcquire(out var sequence, out _, out _);

        // Act
        bucket.Complete(sequence, 0, throttled: true, retryAfter: TimeSpan.FromSeconds(3));
        var predicted = bucket.PredictedTokens;
        var blocked = bucket.TryAcquire(out _, out var wait, out _);
        time.Advance(TimeSpan.FromSeconds(2.5));
        var stillBlocked = bucket.TryAcquire(out _, out _, out _);

        // Assert
        Assert.False(blocked);
        Assert.Equal(TimeSpan.FromSeconds(1), wait); // waits are re-evaluated at least every second
        Assert.False(stillBlocked);
        Assert.Equal(0, predicted!.Value, precision: 6);
    }

    [Fact]
    public void Complete_429WithoutTheRemainingHeader_OnlyItsRetryAfterIsLearnt()
    {
        // Arrange: another limit than this bucket's (a resource provider's, say) answered 429.
        var bucket = Observed(remaining: 1199);
        bucket.TryAcquire(out var sequence, out _, out _);

        // Act
        bucket.Complete(sequence, null, throttled: true, retryAfter: TimeSpan.FromSeconds(2));
        var blocked = bucket.TryAcquire(out _, out _, out _);
        time.Advance(TimeSpan.FromSeconds(2));
        var after = bucket.TryAcquire(out _, out _, out _);

        // Assert
        Assert.False(blocked);
        Assert.True(after);
        Assert.True(bucket.PredictedTokens > 1000);
    }

    [Fact]
    public void Complete_AnOlderRequestAnsweredLast_DoesNotRaiseThePrediction()
    {
        // Arrange: two requests in flight; the server answers the first 30 left, the second 29, delivered in reverse.
        var bucket = Observed(remaining: 31);
        bucket.TryAcquire(out var older, out _, out _);
        bucket.TryAcquire(out var newer, out _, out _);

        // Act
        bucket.Complete(newer, 29, throttled: false, retryAfter: null);
        bucket.Complete(older, 30, throttled: false, retryAfter: null);

        // Assert
        Assert.Equal(29, bucket.PredictedTokens!.Value, precision: 6);
    }

    [Fact]
    public void TryAcquire_InFlightRequestsCountAsSpent_ThePredictionSubtractsThem()
    {
        // Arrange
        var bucket = Observed(remaining: 40);

        // Act
        bucket.TryAcquire(out _, out _, out _);
        bucket.TryAcquire(out _, out _, out _);
        bucket.TryAcquire(out var third, out _, out _);
        bucket.Abandon();

        // Assert
        Assert.Equal(2, bucket.InFlight);
        Assert.Equal(38, bucket.PredictedTokens!.Value, precision: 6);
        Assert.True(third >= 0);
    }

    [Fact]
    public void TryAcquire_RateNotMeasuredYet_OneRequestEveryLearningIntervalBelowTheReserve()
    {
        // Arrange: 5 left, below the reserve of 6; nothing measured yet.
        var bucket = Observed(remaining: 100);
        Assert.True(bucket.TryAcquire(out var sequence, out _, out _));
        bucket.Complete(sequence, 5, throttled: false, retryAfter: null);

        // Act
        var atOnce = bucket.TryAcquire(out _, out var wait, out _);
        time.Advance(wait);
        var afterTheInterval = bucket.TryAcquire(out _, out _, out _);
        var whileItIsInFlight = bucket.TryAcquire(out _, out _, out _);

        // Assert
        Assert.False(atOnce);
        Assert.Equal(RateLimitBucket.LearningInterval, wait);
        Assert.True(afterTheInterval);
        Assert.False(whileItIsInFlight);
    }

    [Fact]
    public void Complete_BucketFoundFullAfterAWait_RaisesTheGuess()
    {
        // Arrange: drained to 2 (of 5), then a wait of 1 s at the cautious 1/s, and the bucket is full again.
        var bucket = Observed(remaining: 4);
        for (var remaining = 3; remaining >= 2; remaining--)
        {
            Assert.True(bucket.TryAcquire(out var next, out _, out _));
            bucket.Complete(next, remaining, throttled: false, retryAfter: null);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryAcquire(out var sequence, out _, out _));

        // Act
        bucket.Complete(sequence, 4, throttled: false, retryAfter: null);

        // Assert: at least (4 - 4 + 3 - 1) / 1 s = 2/s, and doubled from 1/s: 2/s.
        Assert.Equal(2, bucket.RefillPerSecond, precision: 3);
    }

    [Fact]
    public void EffectiveReserve_BucketOfFive_IsHalfItsSize()
    {
        // Arrange
        var bucket = Observed(remaining: 4);

        // Act
        var reserve = bucket.EffectiveReserve;

        // Assert
        Assert.Equal(2, reserve);
    }

    [Fact]
    public void TryAcquire_NothingInFlightAndNoNewsForTheProbeInterval_GrantsOneProbe()
    {
        // Arrange: a bucket that does not refill (measured over 1 s), now empty: the reserve would take for ever.
        var bucket = Observed(remaining: 100);
        Assert.True(bucket.TryAcquire(out var sequence, out _, out _));
        bucket.Complete(sequence, 10, throttled: false, retryAfter: null);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(bucket.TryAcquire(out sequence, out _, out _));
        bucket.Complete(sequence, 0, throttled: false, retryAfter: null);
        Assert.Equal(RefillRateEstimate.MinPerSecond, bucket.RefillPerSecond);
        time.Advance(RateLimitBucket.ProbeInterval - TimeSpan.FromMilliseconds(1));
        var beforeTheInterval = bucket.TryAcquire(out _, out _, out _);
        time.Advance(TimeSpan.FromMilliseconds(1));

        // Act
        var probe = bucket.TryAcquire(out _, out _, out _);
        var second = bucket.TryAcquire(out _, out _, out _);

        // Assert
        Assert.False(beforeTheInterval);
        Assert.True(probe);
        Assert.False(second);
        Assert.Equal(1, bucket.InFlight);
    }

    [Theory]
    [InlineData(50, 10, 1000, 4, 20)]
    [InlineData(50, 10, 1000, 4, 2)]
    [InlineData(50, 10, 1000, 4, 200)]
    [InlineData(50, 10, 1000, 8, 20)]
    [InlineData(200, 10, 1000, 4, 20)]
    [InlineData(5, 20, 60, 4, 10)]
    public void Simulation_ApplyAgainstATokenBucket_NoThrottlingWithinFifteenPercentOfTheMinimum(
        int burst, double refillPerSecond, int writes, int parallelism, int latencyMilliseconds)
    {
        // Arrange
        var simulation = new PacingSimulation(burst, refillPerSecond, TimeSpan.FromMilliseconds(latencyMilliseconds), parallelism, parallelism + 2);
        var minimum = TimeSpan.FromSeconds((writes - burst) / refillPerSecond);

        // Act
        var took = simulation.Run(writes);

        // Assert
        output.WriteLine($"took {took.TotalSeconds:0.00} s, minimum {minimum.TotalSeconds:0.00} s ({took / minimum:0.000}x), 429s {simulation.Throttled}, lowest remaining {simulation.MinRemainingSeen}");
        Assert.Equal(0, simulation.Throttled);
        Assert.Equal(writes, simulation.Sent);
        Assert.True(took <= minimum * 1.15, $"took {took.TotalSeconds:0.00} s; the minimum is {minimum.TotalSeconds:0.00} s");
    }

    private RateLimitBucket Observed(int remaining)
    {
        var bucket = new RateLimitBucket(6, time);
        Assert.True(bucket.TryAcquire(out var sequence, out _, out _));
        bucket.Complete(sequence, remaining, throttled: false, retryAfter: null);
        return bucket;
    }
}
