using System.Threading.Channels;

namespace TenantReconciler.Tests.Leasing;

/// <summary>
/// Storage stops answering in the middle of an apply that holds <c>--lock</c>: the real lease on Azurite, through a
/// loopback proxy the test cuts; the lease's timing on a fake clock. No write may start after the deadline (the last
/// successful renewal + duration − margin), although the renewal in progress never fails nor succeeds.
/// </summary>
public sealed class LeaseOutageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Interval = Duration / 3;
    private static readonly TimeSpan ValidFor = Duration - (Duration / 10);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [AzuriteFact]
    public async Task Apply_StorageStopsAnsweringMidApply_NoWriteStartsAfterTheDeadline()
    {
        // Arrange: the lock through the proxy; an apply loop that starts a write only while the lock's signal allows.
        var endpoint = await azurite.GetAccountEndpointAsync();
        await using var proxy = CuttableProxy.Start(endpoint);
        var lease = BlobLeaseLock.FromConnectionString(
            AzuriteFixture.ConnectionStringFor(proxy.Through(endpoint)), AzuriteFixture.NewContainer(), AzuriteFixture.BlobName);
        var time = new TimerRecordingTimeProvider();
        var start = time.GetUtcNow();
        var applyLock = await ApplyLock.AcquireAsync(lease, Duration, TimeSpan.Zero, time, CancellationToken.None);
        var apply = new SimulatedApply(time);
        applyLock.Lost.Register(() => apply.Record("lock lost"));
        var run = apply.RunAsync(applyLock.Lost);
        await time.WaitForTimerAsync(Interval);

        // Act
        var started = new List<bool> { await apply.WriteAsync() };     // 0 s
        time.Advance(Interval);                                          // 5 s: renewed through the proxy
        await time.WaitForTimerAsync(Interval);
        started.Add(await apply.WriteAsync());                           // 5 s
        proxy.Cut();                                                     // storage stops answering
        time.Advance(Interval);                                          // 10 s: this renewal hangs
        await proxy.Held.WaitAsync(TimeSpan.FromSeconds(30));
        started.Add(await apply.WriteAsync());                           // 10 s
        time.Advance(Interval + ValidFor - (2 * Interval) - Tick);       // one tick before 5 s + 13.5 s
        var lostBeforeDeadline = applyLock.Lost.IsCancellationRequested;
        started.Add(await apply.WriteAsync());
        time.Advance(Tick);                                              // 18.5 s: the deadline
        var lostAtDeadline = applyLock.Lost.IsCancellationRequested;
        started.Add(await apply.WriteAsync());
        time.Advance(Duration);
        started.Add(await apply.WriteAsync());
        apply.Complete();
        await run;
        proxy.Restore();
        await applyLock.DisposeAsync();

        // Assert: by order and by the fake clock, never by elapsed wall time.
        var deadline = start + Interval + ValidFor;
        Assert.False(lostBeforeDeadline);
        Assert.True(lostAtDeadline);
        Assert.Equal([true, true, true, true, false, false], started);
        var log = apply.Log.ToArray();
        var lost = Array.FindIndex(log, e => e.What == "lock lost");
        Assert.Equal(deadline, log[lost].At);
        Assert.All(log.Take(lost), e => Assert.True(e.What == "write started" && e.At < deadline, $"{e.What} at {e.At - start}"));
        Assert.All(log.Skip(lost + 1), e => Assert.Equal("write refused", e.What));
        Assert.StartsWith("no renewal succeeded in time", await applyLock.LostReason, StringComparison.Ordinal);
    }

    /// <summary>The writes of an apply, started one at a time by a loop that obeys the "start nothing new" signal.</summary>
    private sealed class SimulatedApply(TimeProvider time)
    {
        private readonly Channel<TaskCompletionSource<bool>> _writes = Channel.CreateUnbounded<TaskCompletionSource<bool>>();

        public ConcurrentQueue<(string What, DateTimeOffset At)> Log { get; } = new();

        public void Record(string what) => Log.Enqueue((what, time.GetUtcNow()));

        public async Task RunAsync(CancellationToken startNothingNew)
        {
            await foreach (var write in _writes.Reader.ReadAllAsync(CancellationToken.None))
            {
                var start = !startNothingNew.IsCancellationRequested;
                Record(start ? "write started" : "write refused");
                write.SetResult(start);
            }
        }

        /// <summary>Asks the loop for the next write; true when it started it.</summary>
        public async Task<bool> WriteAsync()
        {
            var write = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            await _writes.Writer.WriteAsync(write);
            return await write.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public void Complete() => _writes.Writer.Complete();
    }
}
