using System.Threading.Channels;

namespace TenantReconciler.Tests.Leasing;

/// <summary>
/// The deadline rule of <see cref="LeaseRenewer"/> on a fake clock, with renewals the test scripts: writes stop at the
/// last successful renewal (when it was sent) + duration − margin, whatever the renewal in progress does.
/// </summary>
public sealed class LeaseRenewerTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ValidFor = Duration - (Duration / 10); // 13.5 s
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Fact]
    public async Task WritesMustStop_RenewalHangs_FiresExactlyAtTheDeadline()
    {
        // Arrange
        await using var rig = await StartAsync(ScriptedRenewals.Hang);
        var (time, renewals, start, renewer, firedAt) = rig;

        // Act: the renewal at 5 s hangs; the clock runs to one tick before 13.5 s, then to 13.5 s.
        time.Advance(Interval);
        await renewals.NextCallAsync();
        time.Advance(ValidFor - Interval - Tick);
        var beforeDeadline = renewer.WritesMustStop.IsCancellationRequested;
        time.Advance(Tick);
        var atDeadline = renewer.WritesMustStop.IsCancellationRequested;

        // Assert
        Assert.False(beforeDeadline);
        Assert.True(atDeadline);
        Assert.Equal(start + ValidFor, firedAt());
        Assert.StartsWith("no renewal succeeded in time", await renewer.Ended, StringComparison.Ordinal);
        Assert.True(renewals.LastToken.IsCancellationRequested, "the hanging renewal is cancelled at the deadline");
    }

    [Fact]
    public async Task WritesMustStop_RenewalSucceeds_DeadlineMovesToThatRenewalPlusDurationMinusMargin()
    {
        // Arrange: the renewal at 5 s succeeds; the one at 10 s hangs.
        await using var rig = await StartAsync(ScriptedRenewals.Succeed, ScriptedRenewals.Hang);
        var (time, renewals, start, renewer, firedAt) = rig;

        // Act
        time.Advance(Interval);
        await time.WaitForTimerAsync(Interval); // renewed: waiting for the next one
        time.Advance(Interval);
        await renewals.NextCallAsync();
        await renewals.NextCallAsync();
        time.Advance(Interval + ValidFor - (2 * Interval) - Tick); // one tick before 5 s + 13.5 s (the first deadline, 13.5 s, has passed)
        var beforeDeadline = renewer.WritesMustStop.IsCancellationRequested;
        time.Advance(Tick);

        // Assert
        Assert.False(beforeDeadline);
        Assert.True(renewer.WritesMustStop.IsCancellationRequested);
        Assert.Equal(start + Interval + ValidFor, firedAt());
    }

    [Fact]
    public async Task WritesMustStop_RenewalRefused_FiresAtOnce()
    {
        // Arrange
        await using var rig = await StartAsync(ScriptedRenewals.Refuse);
        var (time, _, start, renewer, firedAt) = rig;

        // Act
        time.Advance(Interval);
        var reason = await renewer.Ended.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert: at the renewal's time, long before the deadline.
        Assert.True(renewer.WritesMustStop.IsCancellationRequested);
        Assert.Equal(start + Interval, firedAt());
        Assert.StartsWith("the lease was lost", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritesMustStop_RenewalFails_NeitherEndsNorExtendsUntilALaterRenewalSucceeds()
    {
        // Arrange: 5 s fails (a timeout, say), 10 s succeeds, 15 s hangs.
        await using var rig = await StartAsync(ScriptedRenewals.Fail, ScriptedRenewals.Succeed, ScriptedRenewals.Hang);
        var (time, renewals, start, renewer, firedAt) = rig;

        // Act
        time.Advance(Interval);
        await time.WaitForTimerAsync(Interval);
        var afterFailure = renewer.WritesMustStop.IsCancellationRequested;
        time.Advance(Interval);
        await time.WaitForTimerAsync(Interval);
        time.Advance(Interval);
        await renewals.NextCallAsync();
        await renewals.NextCallAsync();
        await renewals.NextCallAsync();
        time.Advance((2 * Interval) + ValidFor - (3 * Interval));

        // Assert
        Assert.False(afterFailure);
        Assert.True(renewer.WritesMustStop.IsCancellationRequested);
        Assert.Equal(start + (2 * Interval) + ValidFor, firedAt());
    }

    [Fact]
    public async Task Create_AcquiredLongerAgoThanTheLeaseIsSafe_FiresAtOnce()
    {
        // Arrange: the acquire was sent 13.5 s ago (it took that long to answer).
        var time = new TimerRecordingTimeProvider();
        var sent = time.GetTimestamp();
        time.Advance(ValidFor);

        // Act
        await using var renewer = LeaseRenewer.Create(new ScriptedRenewals().RenewAsync, Duration, Interval, sent, time);

        // Assert
        Assert.True(renewer.WritesMustStop.IsCancellationRequested);
    }

    [Fact]
    public async Task DisposeAsync_Renewing_CancelsTheTokenAndRenewsNoMore()
    {
        // Arrange
        var (time, renewals, _) = Arrange();
        var renewer = Start(renewals, time);
        await time.WaitForTimerAsync(Interval);

        // Act
        await renewer.DisposeAsync();
        time.Advance(ValidFor);

        // Assert
        Assert.True(renewer.WritesMustStop.IsCancellationRequested);
        Assert.Equal(0, renewals.Calls);
        Assert.Equal("the lease is being given up", await renewer.Ended);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    public void Create_RenewIntervalOutOfRange_Throws(int seconds)
    {
        // Arrange
        var time = new TimerRecordingTimeProvider();

        // Act
        var act = () => LeaseRenewer.Create(new ScriptedRenewals().RenewAsync, Duration, TimeSpan.FromSeconds(seconds), time.GetTimestamp(), time);

        // Assert
        Assert.Throws<ArgumentOutOfRangeException>("renewInterval", act);
    }

    private static (TimerRecordingTimeProvider Time, ScriptedRenewals Renewals, DateTimeOffset Start) Arrange()
    {
        var time = new TimerRecordingTimeProvider();
        return (time, new ScriptedRenewals(), time.GetUtcNow());
    }

    /// <summary>A renewer whose lease was acquired by a request sent now.</summary>
    private static LeaseRenewer Start(ScriptedRenewals renewals, TimerRecordingTimeProvider time)
    {
        var renewer = LeaseRenewer.Create(renewals.RenewAsync, Duration, Interval, time.GetTimestamp(), time);
        renewer.StartRenewing();
        return renewer;
    }

    /// <summary>
    /// A renewer whose lease was acquired by a request sent now, its renewals lined up by <paramref name="script"/>, watched by
    /// <see cref="FiredAt"/>, once it waits for its first renewal.
    /// </summary>
    private static async Task<Rig> StartAsync(params Func<CancellationToken, Task<bool>>[] script)
    {
        var (time, renewals, start) = Arrange();
        foreach (var behaviour in script)
        {
            renewals.Then(behaviour);
        }

        var renewer = Start(renewals, time);
        var firedAt = FiredAt(renewer, time);
        await time.WaitForTimerAsync(Interval);
        return new Rig(time, renewals, start, renewer, firedAt);
    }

    /// <summary>The fake time at which the token was cancelled (recorded by the cancellation itself).</summary>
    private static Func<DateTimeOffset?> FiredAt(LeaseRenewer renewer, TimeProvider time)
    {
        DateTimeOffset? at = null;
        renewer.WritesMustStop.Register(() => at = time.GetUtcNow());
        return () => at;
    }

    /// <summary>What <see cref="StartAsync"/> started; disposing it disposes the renewer.</summary>
    private sealed record Rig(TimerRecordingTimeProvider Time, ScriptedRenewals Renewals, DateTimeOffset Start, LeaseRenewer Renewer, Func<DateTimeOffset?> FiredAt) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Renewer.DisposeAsync();
    }

    /// <summary>Renewals that behave as the test lined them up (then hang); each call is announced.</summary>
    private sealed class ScriptedRenewals
    {
        private readonly ConcurrentQueue<Func<CancellationToken, Task<bool>>> _next = new();
        private readonly Channel<int> _calls = Channel.CreateUnbounded<int>();
        private int _count;

        public int Calls => Volatile.Read(ref _count);

        public CancellationToken LastToken { get; private set; }

        public static Task<bool> Succeed(CancellationToken cancellationToken) => Task.FromResult(true);

        public static Task<bool> Refuse(CancellationToken cancellationToken) => Task.FromResult(false);

        public static Task<bool> Fail(CancellationToken cancellationToken) => Task.FromException<bool>(new IOException("the network timed out"));

        public static async Task<bool> Hang(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return true;
        }

        public void Then(Func<CancellationToken, Task<bool>> behaviour) => _next.Enqueue(behaviour);

        public Task<bool> RenewAsync(CancellationToken cancellationToken)
        {
            LastToken = cancellationToken;
            _calls.Writer.TryWrite(Interlocked.Increment(ref _count));
            return _next.TryDequeue(out var behaviour) ? behaviour(cancellationToken) : Hang(cancellationToken);
        }

        /// <summary>Waits until the next renewal has been called (the calls made so far count, one each).</summary>
        public async Task NextCallAsync() => await _calls.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
