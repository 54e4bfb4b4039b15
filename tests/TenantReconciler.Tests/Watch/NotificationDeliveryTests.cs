using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using TenantReconciler.Cli.Watch.Notifications;
using Xunit;
using static TenantReconciler.Tests.Watch.NotificationReports;

namespace TenantReconciler.Tests.Watch;

/// <summary>The notifier on its own, fed tick reports, delivering to a real receiver on loopback; a fake clock for the back-off.</summary>
public sealed class NotificationDeliveryTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Deliver_ReceiverFailsOnce_RetriedAfterTheBackoffWithTheSameEvent()
    {
        // Arrange
        await using var receiver = await NotificationReceiver.StartAsync();
        receiver.Respond = n => Task.FromResult(n == 0 ? 503 : 200);
        await using var run = Run.Start(NotificationScriptTests.Notify(receiver) with { BackoffBase = TimeSpan.FromSeconds(2) });

        // Act
        run.Notifier.OnTickCompleted(Tick(1, Drift(WatchHarness.A, Add(WatchHarness.SubscriptionA))));
        var failed = await run.NextAsync();
        run.Time.Advance(failed.RetryIn!.Value);
        var delivered = await run.NextAsync();

        // Assert
        Assert.Equal((DeliveryOutcome.Retrying, "HTTP 503", TimeSpan.FromSeconds(2)), (failed.Outcome, failed.Detail, failed.RetryIn.Value));
        Assert.Equal((DeliveryOutcome.Delivered, 2), (delivered.Outcome, delivered.Attempt));
        Assert.Equal(2, receiver.All.Count);
        Assert.Equal(receiver.All[0].Body, receiver.All[1].Body);
        Assert.Equal(1, run.Counter("tenant_reconciler_notifications_total"));
        Assert.DoesNotContain("s3cr3t", run.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("/services/", run.Logs.AllText, StringComparison.Ordinal);
        Assert.Contains($"{receiver.Url.Scheme}://{receiver.Url.Host}", run.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_QueueFullWhileTheReceiverHangs_DropsAndCountsWithoutBlocking()
    {
        // Arrange: the first POST hangs until the gate opens; the queue holds one more.
        await using var receiver = await NotificationReceiver.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = async n =>
        {
            if (n == 0)
            {
                first.TrySetResult();
                await gate.Task;
            }

            return 200;
        };
        await using var run = Run.Start(NotificationScriptTests.Notify(receiver) with { QueueCapacity = 1 });
        var c = new RegistrationRef(Guid.NewGuid(), "azurestack", "reg-c");
        run.Notifier.OnTickCompleted(Tick(1, Drift(WatchHarness.A, Add(WatchHarness.SubscriptionA)), InSync(WatchHarness.B), InSync(c)));
        await first.Task.WaitAsync(Generous);

        // Act: two more transitions while the first is in flight: B's is queued, C's has no room.
        run.Notifier.OnTickCompleted(Tick(2, Drift(WatchHarness.A, Add(WatchHarness.SubscriptionA)), Drift(WatchHarness.B, Add(WatchHarness.SubscriptionB)), Drift(c, Add(WatchHarness.Extra))));
        var dropped = run.Counter("tenant_reconciler_notifications_dropped_total");
        gate.SetResult();
        var one = await run.NextAsync();
        var two = await run.NextAsync();

        // Assert
        Assert.Equal(1, dropped);
        Assert.Equal(3, run.Notifier.Queued);
        Assert.Equal([WatchHarness.A.Name, WatchHarness.B.Name], new[] { one, two }.Select(a => a.Notification.Subject));
        Assert.Contains(run.Logs.Events, e => e.Id.Name == "NotificationDropped");
    }

    [Fact]
    public async Task Deliver_SlackFormat_PostsAnIncomingWebhookMessage()
    {
        // Arrange
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var run = Run.Start(NotificationScriptTests.Notify(receiver, NotificationFormat.Slack));

        // Act
        run.Notifier.OnTickCompleted(Tick(1, ListFailed(WatchHarness.A, 403)));
        var delivered = await run.NextAsync();
        var received = Assert.Single(receiver.All);

        // Assert
        Assert.Equal(DeliveryOutcome.Delivered, delivered.Outcome);
        Assert.StartsWith("application/json", received.ContentType, StringComparison.Ordinal);
        var text = NotificationScriptTests.Json(received).GetProperty("text").GetString()!;
        Assert.Contains("*Stalled* for `reg-a`", text, StringComparison.Ordinal);
        Assert.Contains("generation `sha256:gen-1`", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_TargetRefusesForGood_NotRetriedAndCountedFailed()
    {
        // Arrange
        await using var receiver = await NotificationReceiver.StartAsync();
        receiver.Respond = _ => Task.FromResult(404);
        await using var run = Run.Start(NotificationScriptTests.Notify(receiver));

        // Act
        run.Notifier.OnTickCompleted(Tick(1, GuardRefused(WatchHarness.A, Add(WatchHarness.SubscriptionA))));
        var attempt = await run.NextAsync();

        // Assert
        Assert.Equal((DeliveryOutcome.Failed, 1, "HTTP 404"), (attempt.Outcome, attempt.Attempt, attempt.Detail));
        Assert.Single(receiver.All);
    }

    /// <summary>A notifier with its own clock, logs and meters, started as the host would.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly MeterListener _listener = new();
        private readonly Channel<DeliveryAttempt> _attempts = Channel.CreateUnbounded<DeliveryAttempt>();
        private readonly Dictionary<string, long> _counters = [];

        private Run(NotifyArguments notify)
        {
            Logs = new LogCapture();
            _services = new ServiceCollection()
                .AddMetrics()
                .AddLogging(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Information))
                .BuildServiceProvider();
            var meters = _services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Name.StartsWith("tenant_reconciler_notifications", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                lock (_counters)
                {
                    _counters[instrument.Name] = _counters.GetValueOrDefault(instrument.Name) + value;
                }
            });
            _listener.Start();
            var arguments = new WatchArguments(
                ["tenants.yaml"], WatchMode.Apply, WatchHarness.Interval, false, new ListenAddress(null, 0), TimeSpan.Zero, TimeSpan.FromSeconds(10), "replica-1",
                new ConnectionArguments(null, null, null, null), null) { Notify = notify };
            Notifier = new WatchNotifier(arguments, Time, meters, _services.GetRequiredService<ILogger<WatchNotifier>>());
            Notifier.Attempted += a => _attempts.Writer.TryWrite(a);
        }

        public FakeTimeProvider Time { get; } = new(NotificationReports.Start);

        public LogCapture Logs { get; }

        public WatchNotifier Notifier { get; }

        public static Run Start(NotifyArguments notify)
        {
            var run = new Run(notify);
            run.Notifier.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            return run;
        }

        public async Task<DeliveryAttempt> NextAsync() => await _attempts.Reader.ReadAsync().AsTask().WaitAsync(Generous);

        public long Counter(string name)
        {
            lock (_counters)
            {
                return _counters.GetValueOrDefault(name);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Notifier.StopAsync(new CancellationTokenSource(TimeSpan.Zero).Token);
            Notifier.Dispose();
            _listener.Dispose();
            await _services.DisposeAsync();
        }
    }
}
