using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace TenantReconciler.Tests.Leasing;

public sealed class LeaderElectorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    // Distinct values, so that a test can tell which wait the elector is in by the timer's due time.
    private static readonly LeaderElectionOptions FakeClockOptions = new()
    {
        LeaseDuration = TimeSpan.FromSeconds(15),
        RenewInterval = TimeSpan.FromSeconds(5),
        RetryInterval = TimeSpan.FromSeconds(3),
    };

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [AzuriteFact]
    public async Task RunAsync_TwoElectorsOnOneBlob_ExactlyOneLeads()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var times = new[] { new TimerRecordingTimeProvider(), new TimerRecordingTimeProvider() };
        var electors = new[]
        {
            new LeaderElector(await azurite.LockAsync(container), FakeClockOptions, times[0]),
            new LeaderElector(await azurite.LockAsync(container), FakeClockOptions, times[1]),
        };
        var overlaps = WatchForOverlap(electors[0], electors[1]);
        using var stop = new CancellationTokenSource();

        // Act: both try; then three more rounds of renewing (the leader) and retrying (the other).
        var runs = electors.Select(e => e.RunAsync(stop.Token)).ToArray();
        var leader = await FirstRoundAsync(electors, times);
        for (var round = 0; round < 3; round++)
        {
            times[leader].Advance(FakeClockOptions.RenewInterval);
            await times[leader].WaitForTimerAsync(FakeClockOptions.RenewInterval);
            times[1 - leader].Advance(FakeClockOptions.RetryInterval);
            await times[1 - leader].WaitForTimerAsync(FakeClockOptions.RetryInterval);
            Assert.True(electors[leader].IsLeader);
            Assert.False(electors[1 - leader].IsLeader);
        }

        await stop.CancelAsync();
        await Task.WhenAll(runs);

        // Assert
        Assert.Empty(overlaps);
        Assert.All(electors, e => Assert.False(e.IsLeader));
    }

    [AzuriteFact]
    public async Task RunAsync_LeaderStopped_OtherLeadsAtItsNextTryAfterTheRelease()
    {
        // Arrange: the first leads; the second has tried once and waits to try again.
        var container = AzuriteFixture.NewContainer();
        var (firstTime, secondTime) = (new TimerRecordingTimeProvider(), new TimerRecordingTimeProvider());
        var first = new LeaderElector(await azurite.LockAsync(container), FakeClockOptions, firstTime);
        var second = new LeaderElector(await azurite.LockAsync(container), FakeClockOptions, secondTime);
        var overlaps = WatchForOverlap(first, second);
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        first.LeadershipChanged += leads => order.Enqueue($"first {(leads ? "leads" : "stops")}");
        second.LeadershipChanged += leads => order.Enqueue($"second {(leads ? "leads" : "stops")}");
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var firstRun = first.RunAsync(stopFirst.Token);
        await firstTime.WaitForTimerAsync(FakeClockOptions.RenewInterval);
        var secondRun = second.RunAsync(stopSecond.Token);
        await secondTime.WaitForTimerAsync(FakeClockOptions.RetryInterval);
        var secondLedWhileFirstDid = second.IsLeader;

        // Act: the first stops (and releases); the second's next try, one retry interval later, takes the lease.
        await stopFirst.CancelAsync();
        await firstRun;
        secondTime.Advance(FakeClockOptions.RetryInterval);
        await secondTime.WaitForTimerAsync(FakeClockOptions.RenewInterval);
        var secondLeads = second.IsLeader;
        await stopSecond.CancelAsync();
        await secondRun;

        // Assert
        Assert.False(secondLedWhileFirstDid);
        Assert.True(secondLeads);
        Assert.Empty(overlaps);
        Assert.Equal(["first leads", "first stops", "second leads", "second stops"], order);
    }

    [AzuriteFact]
    public async Task RunAsync_Stopped_ReleasesLeaseEndsTermAndReturns()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var time = new TimerRecordingTimeProvider();
        var elector = new LeaderElector(await azurite.LockAsync(container), FakeClockOptions, time);
        var changes = new List<bool>();
        elector.LeadershipChanged += changes.Add;
        using var stop = new CancellationTokenSource();
        var run = elector.RunAsync(stop.Token);
        await time.WaitForTimerAsync(FakeClockOptions.RenewInterval);
        var term = elector.LeadershipToken;
        var wasLeader = elector.IsLeader;

        // Act
        await stop.CancelAsync();
        await run;

        // Assert
        Assert.True(wasLeader);
        Assert.True(term.IsCancellationRequested);
        Assert.False(elector.IsLeader);
        Assert.True(elector.LeadershipToken.IsCancellationRequested);
        Assert.Equal([true, false], changes);
        await using var next = await (await azurite.LockAsync(container)).TryAcquireAsync(TimeSpan.FromSeconds(15), new FakeTimeProvider(), CancellationToken.None);
        Assert.NotNull(next);
    }

    [AzuriteFact]
    public async Task RunAsync_LeaseBrokenAndTaken_StepsDownAtNextRenewalAndLeadsAgainInANewTerm()
    {
        // Arrange
        var container = AzuriteFixture.NewContainer();
        var time = new TimerRecordingTimeProvider();
        var elector = new LeaderElector(await azurite.LockAsync(container), FakeClockOptions, time);
        using var stop = new CancellationTokenSource();
        var run = elector.RunAsync(stop.Token);
        await time.WaitForTimerAsync(FakeClockOptions.RenewInterval);
        var firstTerm = elector.LeadershipToken;
        await (await azurite.BlobAsync(container)).GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        var taker = await (await azurite.LockAsync(container)).TryAcquireAsync(TimeSpan.FromSeconds(15), new FakeTimeProvider(), CancellationToken.None);

        // Act: the renewal finds the lease taken; the retries find it held until the taker releases it.
        time.Advance(FakeClockOptions.RenewInterval);
        await time.WaitForTimerAsync(FakeClockOptions.RetryInterval);
        var ledAfterLoss = elector.IsLeader;
        var firstTermEnded = firstTerm.IsCancellationRequested;
        time.Advance(FakeClockOptions.RetryInterval);
        await time.WaitForTimerAsync(FakeClockOptions.RetryInterval);
        var ledWhileTaken = elector.IsLeader;
        await taker!.ReleaseAsync(CancellationToken.None);
        time.Advance(FakeClockOptions.RetryInterval);
        await time.WaitForTimerAsync(FakeClockOptions.RenewInterval);
        var secondTerm = elector.LeadershipToken;
        await stop.CancelAsync();
        await run;

        // Assert
        Assert.False(ledAfterLoss);
        Assert.True(firstTermEnded);
        Assert.False(ledWhileTaken);
        Assert.NotEqual(firstTerm, secondTerm);
        Assert.True(secondTerm.IsCancellationRequested); // ended by the stop
    }

    [AzuriteFact]
    public async Task RunAsync_RenewalHangs_TermEndsExactlyAtLastRenewalPlusDurationMinusMargin()
    {
        // Arrange: the real pipeline to Azurite, with renew requests held until cancelled (an unresponsive network).
        var container = AzuriteFixture.NewContainer();
        var hang = new HangRenewalsPolicy();
        var options = new BlobClientOptions();
        options.AddPolicy(hang, HttpPipelinePosition.PerCall);
        var time = new TimerRecordingTimeProvider();
        var elector = new LeaderElector(BlobLeaseLock.FromConnectionString(await azurite.GetConnectionStringAsync(), container, AzuriteFixture.BlobName, options), FakeClockOptions, time);
        var stepsDown = LeadershipAsync(elector, false);
        using var stop = new CancellationTokenSource();
        var run = elector.RunAsync(stop.Token);
        await time.WaitForTimerAsync(FakeClockOptions.RenewInterval);
        var term = elector.LeadershipToken;
        hang.Enabled = true;

        // Act: the lease was taken at 0 s; the renewal at 5 s hangs, so writes may start until 15 s - 1.5 s (the margin).
        var validFor = FakeClockOptions.LeaseDuration - (FakeClockOptions.LeaseDuration / 10);
        time.Advance(FakeClockOptions.RenewInterval);
        await hang.Hanging.WaitAsync(Generous);
        time.Advance(validFor - FakeClockOptions.RenewInterval - TimeSpan.FromTicks(1));
        var ledJustBefore = elector.IsLeader;
        time.Advance(TimeSpan.FromTicks(1));
        var ledAtTheDeadline = elector.IsLeader;
        await stepsDown.WaitAsync(Generous);
        await stop.CancelAsync();
        await run;

        // Assert
        Assert.True(ledJustBefore);
        Assert.False(ledAtTheDeadline);
        Assert.True(term.IsCancellationRequested);
    }

    [Fact]
    public void LeadershipToken_NeverLed_IsCancelled()
    {
        // Arrange
        var lease = BlobLeaseLock.Create(new Uri("https://account.blob.core.windows.net/locks/reconciler.lock"), new TenantReconciler.Live.EmulatorTokenCredential());

        // Act
        var elector = new LeaderElector(lease, new LeaderElectionOptions(), new FakeTimeProvider());

        // Assert
        Assert.False(elector.IsLeader);
        Assert.True(elector.LeadershipToken.IsCancellationRequested);
    }

    [Fact]
    public void Options_Defaults_AreAThirdOfTheLeaseDuration()
    {
        // Arrange
        var options = new LeaderElectionOptions { LeaseDuration = TimeSpan.FromSeconds(45) };

        // Act
        var (renew, retry) = (options.RenewInterval, options.RetryInterval);

        // Assert
        Assert.Equal(TimeSpan.FromSeconds(15), renew);
        Assert.Equal(TimeSpan.FromSeconds(15), retry);
        Assert.Equal(TimeSpan.FromSeconds(30), new LeaderElectionOptions().LeaseDuration);
    }

    [Theory]
    [InlineData(10, 3, 3, "LeaseDuration")]
    [InlineData(61, 3, 3, "LeaseDuration")]
    [InlineData(30, 0, 3, "RenewInterval")]
    [InlineData(30, 16, 3, "RenewInterval")]
    [InlineData(30, 10, 0, "RetryInterval")]
    public void Constructor_InvalidOptions_Throws(int leaseSeconds, int renewSeconds, int retrySeconds, string parameter)
    {
        // Arrange
        var lease = BlobLeaseLock.Create(new Uri("https://account.blob.core.windows.net/locks/reconciler.lock"), new TenantReconciler.Live.EmulatorTokenCredential());
        var options = new LeaderElectionOptions
        {
            LeaseDuration = TimeSpan.FromSeconds(leaseSeconds),
            RenewInterval = TimeSpan.FromSeconds(renewSeconds),
            RetryInterval = TimeSpan.FromSeconds(retrySeconds),
        };

        // Act
        var act = () => new LeaderElector(lease, options, new FakeTimeProvider());

        // Assert
        Assert.Throws<ArgumentOutOfRangeException>(parameter, act);
    }

    /// <summary>Waits for both electors' first try; returns the index of the one that leads, asserting exactly one does.</summary>
    private static async Task<int> FirstRoundAsync(LeaderElector[] electors, TimerRecordingTimeProvider[] times)
    {
        // The first wait of each: the renew interval for the one that took the lease, the retry interval for the other
        // (the leader's term deadline is a timer too, skipped here).
        var waits = await Task.WhenAll(times.Select(t => t.NextTimerAmongAsync(FakeClockOptions.RenewInterval, FakeClockOptions.RetryInterval)));
        var leader = Array.IndexOf(waits, FakeClockOptions.RenewInterval);
        Assert.Equal([FakeClockOptions.RetryInterval], waits.Where((_, i) => i != leader));
        Assert.True(electors[leader].IsLeader);
        Assert.False(electors[1 - leader].IsLeader);
        return leader;
    }

    /// <summary>Records every moment (a leadership change of either) at which both electors claim to lead.</summary>
    internal static IReadOnlyCollection<string> WatchForOverlap(LeaderElector first, LeaderElector second)
    {
        var overlaps = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Check(string who, bool leads)
        {
            if (first.IsLeader && second.IsLeader)
            {
                overlaps.Enqueue($"both led when {who} changed to {leads}");
            }
        }

        first.LeadershipChanged += leads => Check("the first", leads);
        second.LeadershipChanged += leads => Check("the second", leads);
        return overlaps;
    }

    /// <summary>Completes when <paramref name="elector"/> reports leadership <paramref name="value"/>.</summary>
    internal static Task LeadershipAsync(LeaderElector elector, bool value)
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        elector.LeadershipChanged += leads =>
        {
            if (leads == value)
            {
                changed.TrySetResult();
            }
        };
        return changed.Task;
    }

    /// <summary>When enabled, holds every renew request (<c>x-ms-lease-action: renew</c>) until it is cancelled.</summary>
    private sealed class HangRenewalsPolicy : HttpPipelinePolicy
    {
        private readonly TaskCompletionSource _hanging = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool Enabled;

        public Task Hanging => _hanging.Task;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("async only");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Enabled && message.Request.Headers.TryGetValue("x-ms-lease-action", out var action) && action == "renew")
            {
                _hanging.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, message.CancellationToken);
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
