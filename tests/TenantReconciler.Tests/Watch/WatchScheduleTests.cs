using TenantReconciler.Reconciling;

namespace TenantReconciler.Tests.Watch;

public sealed class WatchScheduleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly RegistrationRef A = new(Guid.Parse("11111111-1111-1111-1111-111111111111"), "rg", "reg-a");
    private static readonly RegistrationRef B = new(Guid.Parse("22222222-2222-2222-2222-222222222222"), "rg", "reg-b");

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public void Jittered_AnySample_BetweenIntervalAndTenPercentMore(double sample)
    {
        // Act
        var delay = WatchSchedule.Jittered(Interval, 0.10, sample);

        // Assert
        Assert.InRange(delay, Interval, Interval * 1.1);
    }

    [Fact]
    public void Complete_ManyTicksWithSeededRandom_NextWakeWithinJitterBoundsAndSpread()
    {
        // Arrange
        var schedule = New(seed: 7);
        var now = T0;
        var delays = new List<TimeSpan>();

        // Act
        for (var i = 0; i < 200; i++)
        {
            schedule.Begin(now, forced: i == 0);
            schedule.Complete(now, [(A, Requeue.AtInterval)], [A]);
            delays.Add(schedule.NextWake - now);
            now = schedule.NextWake;
        }

        // Assert
        Assert.All(delays, d => Assert.InRange(d, Interval, Interval * 1.1));
        Assert.True(delays.Max() - delays.Min() > Interval * 0.05, "the jitter should spread the delays over most of the 10%");
        Assert.False(schedule.NextWakeIsRetry);
    }

    [Fact]
    public void Complete_SameSeed_SameDelays()
    {
        // Arrange
        var first = New(seed: 42);
        var second = New(seed: 42);

        // Act
        first.Begin(T0, forced: true);
        first.Complete(T0, [(A, Requeue.AtInterval)], [A]);
        second.Begin(T0, forced: true);
        second.Complete(T0, [(A, Requeue.AtInterval)], [A]);

        // Assert
        Assert.Equal(first.NextWake, second.NextWake);
    }

    [Fact]
    public void Backoff_ConsecutiveFailures_DoublesWithEqualJitterUpToTheCap()
    {
        // Arrange
        var @base = TimeSpan.FromSeconds(5);
        var max = TimeSpan.FromMinutes(5);

        // Act
        var low = Enumerable.Range(1, 10).Select(n => WatchSchedule.Backoff(n, @base, max, 0.0)).ToArray();
        var high = Enumerable.Range(1, 10).Select(n => WatchSchedule.Backoff(n, @base, max, 0.999999)).ToArray();

        // Assert: cap = 5 s × 2^(n-1), at most 5 min; the wait is in [cap/2, cap).
        Assert.Equal(TimeSpan.FromSeconds(2.5), low[0]);
        Assert.Equal(TimeSpan.FromSeconds(5), low[1]);
        Assert.Equal(TimeSpan.FromSeconds(10), low[2]);
        Assert.Equal(TimeSpan.FromMinutes(2.5), low[9]);
        Assert.InRange(high[0], TimeSpan.FromSeconds(4.99), TimeSpan.FromSeconds(5));
        Assert.InRange(high[9], TimeSpan.FromMinutes(4.99), max);
    }

    [Fact]
    public void Complete_TransientFailure_RetriesThatRegistrationAloneWithoutMovingTheInterval()
    {
        // Arrange
        var schedule = New(seed: 1);
        schedule.Begin(T0, forced: true);
        schedule.Complete(T0, [(A, Requeue.Retry), (B, Requeue.AtInterval)], [A, B]);
        var intervalTick = schedule.DueAt(B)!.Value;

        // Act: the retry tick.
        var retryAt = schedule.NextWake;
        schedule.Begin(retryAt, forced: false);
        var aDue = schedule.IsDue(A);
        var bDue = schedule.IsDue(B);
        schedule.Complete(retryAt, [(A, Requeue.Retry)], [A, B]);

        // Assert
        Assert.InRange(retryAt - T0, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5));
        Assert.True(aDue);
        Assert.False(bDue);
        Assert.Equal(intervalTick, schedule.DueAt(B));
        Assert.Equal(2, schedule.TransientFailures(A));
        Assert.InRange(schedule.DueAt(A)!.Value - retryAt, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Complete_TransientThenSuccess_ResetsFailuresAndRejoinsTheInterval()
    {
        // Arrange
        var schedule = New(seed: 3);
        schedule.Begin(T0, forced: true);
        schedule.Complete(T0, [(A, Requeue.Retry), (B, Requeue.AtInterval)], [A, B]);
        var retryAt = schedule.NextWake;

        // Act
        schedule.Begin(retryAt, forced: false);
        schedule.Complete(retryAt, [(A, Requeue.AtInterval)], [A, B]);

        // Assert
        Assert.Equal(0, schedule.TransientFailures(A));
        Assert.Equal(schedule.DueAt(B), schedule.DueAt(A));
        Assert.False(schedule.NextWakeIsRetry);
    }

    [Fact]
    public void Complete_InvalidFileNothingRan_EverythingWaitsForTheNextInterval()
    {
        // Arrange
        var schedule = New(seed: 5);
        schedule.Begin(T0, forced: true);
        schedule.Complete(T0, [(A, Requeue.AtInterval)], [A]);
        var next = schedule.NextWake;

        // Act: the interval tick finds the file invalid: no registration ran.
        schedule.Begin(next, forced: false);
        schedule.Complete(next, [], current: null);

        // Assert
        Assert.InRange(schedule.NextWake - next, Interval, Interval * 1.1);
        Assert.Equal(schedule.NextWake, schedule.DueAt(A));
    }

    [Fact]
    public void IsDue_ForcedTick_RunsRegistrationsInBackoffToo()
    {
        // Arrange
        var schedule = New(seed: 9);
        schedule.Begin(T0, forced: true);
        schedule.Complete(T0, [(A, Requeue.Retry)], [A]);

        // Act
        schedule.Begin(T0 + TimeSpan.FromSeconds(1), forced: true);

        // Assert
        Assert.True(schedule.IsDue(A));
        Assert.True(schedule.IsDue(B));
    }

    private static WatchSchedule New(int seed) =>
        new(Interval, 0.10, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), new Random(seed));
}
