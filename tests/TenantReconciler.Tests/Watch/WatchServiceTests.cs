namespace TenantReconciler.Tests.Watch;

/// <summary>The loop on a fake clock: scheduling, modes, isolation, backoff and stopping. The ARM is in memory.</summary>
public sealed class WatchServiceTests
{
    private static readonly TimeSpan Interval = WatchHarness.Interval;

    [Fact]
    public async Task ExecuteAsync_Started_TicksAtOnceThenEveryIntervalPlusJitter()
    {
        // Arrange
        await using var watch = await WatchHarness.StartAsync();
        var first = await watch.Events.NextAsync<TickReport>();
        var waits = new List<TimeSpan>();

        // Act
        for (var i = 0; i < 5; i++)
        {
            var waiting = await watch.Events.NextAsync<RecordingObserver.Waiting>();
            waits.Add(waiting.Delay);
            watch.Time.Advance(waiting.Delay - TimeSpan.FromMilliseconds(100));
            var early = watch.Arm.Lists;
            watch.Time.Advance(TimeSpan.FromMilliseconds(100));
            var tick = await watch.Events.NextAsync<TickReport>();
            Assert.Equal(TickReason.Interval, tick.Reason);
            Assert.Equal(early + 2, watch.Arm.Lists);
        }

        // Assert
        Assert.Equal(TickReason.Startup, first.Reason);
        Assert.All(waits, w => Assert.InRange(w, Interval, Interval * 1.1));
        Assert.True(waits.Distinct().Count() > 1, "jitter should vary the waits");
    }

    [Fact]
    public async Task ExecuteAsync_FileChanged_TicksEarlyAfterTheDebounce()
    {
        // Arrange
        await using var watch = await WatchHarness.StartAsync();
        await watch.Events.NextAsync<TickReport>();
        await watch.Events.NextAsync<RecordingObserver.Waiting>();

        // Act: a new revision, announced by the file watcher (a poke), long before the interval.
        File.WriteAllText(watch.File, WatchHarness.Yaml("suspend: true"));
        watch.Monitor.Poke();
        watch.Time.Advance(TimeSpan.FromSeconds(2));
        var tick = await watch.Events.NextAsync<TickReport>();

        // Assert
        Assert.Equal(TickReason.FileChanged, tick.Reason);
        Assert.Equal(SuspendSource.File, tick.Suspended);
        Assert.Equal(2, tick.Registrations.Count);
    }

    [Fact]
    public async Task ExecuteAsync_FileEventWithoutChange_DoesNotTick()
    {
        // Arrange
        await using var watch = await WatchHarness.StartAsync();
        await watch.Events.NextAsync<TickReport>();
        var waiting = await watch.Events.NextAsync<RecordingObserver.Waiting>();

        // Act: an event for the file, same content (git-sync touching it), then the interval.
        watch.Monitor.Poke();
        watch.Time.Advance(TimeSpan.FromSeconds(2));
        var rearmed = await watch.Events.NextAsync<RecordingObserver.Waiting>();
        watch.Time.Advance(rearmed.Delay);
        var tick = await watch.Events.NextAsync<TickReport>();

        // Assert
        Assert.Equal(waiting.WakeAt, rearmed.WakeAt);
        Assert.Equal(2, tick.Number);
        Assert.Equal(TickReason.Interval, tick.Reason);
    }

    [Fact]
    public async Task ExecuteAsync_TickLongerThanTheInterval_NeverOverlaps()
    {
        // Arrange: the second tick's listing of A blocks until released.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var watch = await WatchHarness.StartAsync();
        await watch.Events.NextAsync<TickReport>();
        watch.Arm.BeforeList = registration =>
        {
            blocked.TrySetResult();
            return release.Task;
        };
        var waiting = await watch.Events.NextAsync<RecordingObserver.Waiting>();

        // Act: the tick starts, then three intervals pass while it is stuck.
        watch.Time.Advance(waiting.Delay);
        await blocked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 3; i++)
        {
            watch.Time.Advance(Interval * 1.1);
        }

        var listsWhileStuck = watch.Arm.Lists;
        release.SetResult();
        watch.Arm.BeforeList = null;
        var second = await watch.Events.NextAsync<TickReport>();
        var next = await watch.Events.NextAsync<RecordingObserver.Waiting>();

        // Assert: one listing in flight at a time, and the next wait is a full interval from the end of the long tick.
        Assert.Equal(2, second.Number);
        Assert.Equal(2, watch.Arm.MaxConcurrentListings); // A and B of the one stuck tick; an overlapping tick would add more
        Assert.Equal(5, listsWhileStuck); // startup: A, B and the re-listing of the one written; then A and B again
        Assert.InRange(next.Delay, Interval, Interval * 1.1);
    }

    [Fact]
    public async Task ExecuteAsync_TransientFailures_BacksOffExponentiallyForThatRegistrationOnly()
    {
        // Arrange: A's listing answers 503 three times, then works.
        var failures = 0;
        await using var watch = await WatchHarness.StartAsync(arrange: arm => arm.BeforeList = registration =>
            registration == WatchHarness.A && Interlocked.Increment(ref failures) <= 3 ? Task.FromException(InMemoryArm.Failure(503)) : Task.CompletedTask);
        var first = await watch.Events.NextAsync<TickReport>();
        var waits = new List<TimeSpan>();
        var retries = new List<TickReport>();

        // Act
        for (var i = 0; i < 3; i++)
        {
            var waiting = await watch.Events.NextAsync<RecordingObserver.Waiting>();
            waits.Add(waiting.Delay);
            watch.Time.Advance(waiting.Delay);
            retries.Add(await watch.Events.NextAsync<TickReport>());
        }

        // Assert: 2.5-5 s, 5-10 s, 10-20 s; each retry lists A alone; the third retry succeeds and applies.
        Assert.Equal(RegistrationResult.ListFailed, first.Registrations.Single(r => r.Registration == WatchHarness.A).Result);
        Assert.True(first.Registrations.Single(r => r.Registration == WatchHarness.A).Transient);
        Assert.InRange(waits[0], TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5));
        Assert.InRange(waits[1], TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        Assert.InRange(waits[2], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));
        Assert.All(retries, r => Assert.Equal(TickReason.Retry, r.Reason));
        Assert.All(retries, r => Assert.Equal([WatchHarness.A], r.Registrations.Select(x => x.Registration)));
        Assert.Equal(RegistrationResult.Applied, retries[2].Registrations.Single().Result);
    }

    [Fact]
    public async Task ExecuteAsync_PermanentFailure_WaitsForTheIntervalAndOthersStillRun()
    {
        // Arrange: A's listing is forbidden (403) every time.
        await using var watch = await WatchHarness.StartAsync(arrange: arm => arm.BeforeList = registration =>
            registration == WatchHarness.A ? Task.FromException(InMemoryArm.Failure(403)) : Task.CompletedTask);

        // Act
        var first = await watch.Events.NextAsync<TickReport>();
        var waiting = await watch.Events.NextAsync<RecordingObserver.Waiting>();

        // Assert
        var a = first.Registrations.Single(r => r.Registration == WatchHarness.A);
        Assert.Equal(RegistrationResult.ListFailed, a.Result);
        Assert.False(a.Transient);
        Assert.Equal(403, a.Error!.Status);
        Assert.Equal(["req-403"], a.RequestIds);
        Assert.Equal(RegistrationResult.InSync, first.Registrations.Single(r => r.Registration == WatchHarness.B).Result);
        Assert.InRange(waiting.Delay, Interval, Interval * 1.1);
    }

    [Theory]
    [InlineData(WatchMode.Observe, 0, 0)]
    [InlineData(WatchMode.Apply, 1, 0)]
    [InlineData(WatchMode.Full, 1, 1)]
    public async Task ExecuteAsync_Mode_WritesWhatTheModeAllows(WatchMode mode, int puts, int deletes)
    {
        // Arrange
        await using var watch = await WatchHarness.StartAsync(mode);

        // Act
        var tick = await watch.Events.NextAsync<TickReport>();

        // Assert
        Assert.Equal(puts, watch.Arm.Puts);
        Assert.Equal(deletes, watch.Arm.Deletes);
        var a = tick.Registrations.Single(r => r.Registration == WatchHarness.A);
        Assert.Equal(mode == WatchMode.Observe ? RegistrationResult.Drift : RegistrationResult.Applied, a.Result);
        Assert.Equal(2 - puts - deletes, a.Pending.Count);
        Assert.Equal(2 - puts - deletes, watch.Status.Registrations.Single(r => r.Registration == WatchHarness.A).Drift);
    }

    [Theory]
    [InlineData(true, "")]
    [InlineData(false, "suspend: true")]
    public async Task ExecuteAsync_Suspended_WritesNothingAndKeepsReporting(bool flag, string yaml)
    {
        // Arrange
        await using var watch = await WatchHarness.StartAsync(WatchMode.Full, suspend: flag, yaml: WatchHarness.Yaml(yaml));

        // Act
        var first = await watch.Events.NextAsync<TickReport>();
        var second = await watch.NextTickAsync();

        // Assert
        Assert.Equal(0, watch.Arm.Puts + watch.Arm.Deletes);
        Assert.Equal(4, watch.Arm.Lists);
        Assert.Equal(flag ? SuspendSource.Flag : SuspendSource.File, second.Suspended);
        var a = second.Registrations.Single(r => r.Registration == WatchHarness.A);
        Assert.Equal(RegistrationResult.Drift, a.Result);
        Assert.Equal(WriteBlock.Suspended, a.Blocked);
        Assert.Equal(2, a.Pending.Count);
        Assert.Equal(first.Suspended, second.Suspended);
    }

    [Fact]
    public async Task ExecuteAsync_NotLeaderThenLeader_ObservesThenWritesAtOnce()
    {
        // Arrange
        var leadership = new ManualLeadership(leader: false);
        await using var watch = await WatchHarness.StartAsync(WatchMode.Full, leadership: leadership);
        var follower = await watch.Events.NextAsync<TickReport>();
        await watch.Events.NextAsync<RecordingObserver.Waiting>();
        var writesAsFollower = watch.Arm.Puts + watch.Arm.Deletes;

        // Act
        leadership.Lead();
        var leader = await watch.Events.NextAsync<TickReport>();

        // Assert
        Assert.Equal(0, writesAsFollower);
        Assert.False(follower.Leader);
        Assert.Equal(WriteBlock.NotLeader, follower.Registrations.Single(r => r.Registration == WatchHarness.A).Blocked);
        Assert.Equal(TickReason.LeadershipGained, leader.Reason);
        Assert.True(leader.Leader);
        Assert.Equal(2, watch.Arm.Puts + watch.Arm.Deletes);
    }

    [Fact]
    public async Task ExecuteAsync_InvalidFile_NoRequestAtAllAndTheServiceKeepsRunning()
    {
        // Arrange
        await using var watch = await WatchHarness.StartAsync(yaml: "registrations: [ {name: }");

        // Act
        var invalid = await watch.Events.NextAsync<TickReport>();
        var stillInvalid = await watch.NextTickAsync();
        File.WriteAllText(watch.File, WatchHarness.Yaml());
        var fixedTick = await watch.NextTickAsync();

        // Assert
        Assert.False(invalid.DesiredValid);
        Assert.NotEmpty(invalid.Diagnostics);
        Assert.Empty(invalid.Registrations);
        Assert.False(stillInvalid.DesiredValid);
        Assert.True(fixedTick.DesiredValid);
        Assert.Equal(2, fixedTick.Registrations.Count);
        Assert.Equal(3, watch.Arm.Lists); // A, B, and the re-listing after the write that checks convergence
        Assert.Equal(1, watch.Arm.Puts);
    }

    [Fact]
    public async Task StopAsync_DuringAWrite_InFlightWriteFinishesAndNoNewWriteStarts()
    {
        // Arrange: full mode, one registration at a time; A needs a PUT then a DELETE; the PUT is held until released.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = await WatchHarness.StartAsync(WatchMode.Full, parallelism: 1, arrange: arm => arm.BeforeWrite = _ =>
        {
            writing.TrySetResult();
            return release.Task;
        });
        await writing.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Act
        var stopping = watch.StopAsync();
        release.SetResult();
        await stopping;
        var report = await watch.Events.NextAsync<TickReport>();
        var (puts, deletes) = (watch.Arm.Puts, watch.Arm.Deletes);
        await watch.DisposeAsync();

        // Assert
        Assert.Equal(1, puts);
        Assert.Equal(0, deletes);
        var a = report.Registrations.Single(r => r.Registration == WatchHarness.A);
        Assert.Equal(RegistrationResult.Interrupted, a.Result);
        Assert.Equal(1, a.Count(TenantReconciler.Applying.ChangeOutcome.Done));
        Assert.Equal(1, a.Count(TenantReconciler.Applying.ChangeOutcome.NotAttempted));
        Assert.DoesNotContain(report.Registrations, r => r.Registration == WatchHarness.B);
    }
}
