using A = TenantReconciler.Tests.Watch.WatchHarness;
using TenantReconciler.Cli.Watch.Notifications;
using Xunit;

namespace TenantReconciler.Tests.Watch;

/// <summary><c>watch --notify</c> over the real loop (fake clock, <see cref="InMemoryArm"/>) to a real HTTP receiver on loopback.</summary>
public sealed class NotificationScriptTests
{
    [Fact]
    public async Task Notify_DriftCorrectedConvergedFailureRecovered_OneEventPerTransitionNoneWhileConverged()
    {
        // Arrange: A suspended with drift (its mapping missing), B converged. A per-try timeout the fake clock never reaches.
        await using var receiver = await NotificationReceiver.StartAsync();
        await using var watch = await WatchHarness.StartAsync(
            yaml: WatchHarness.Yaml("suspend: true"),
            arrange: arm => arm.Set(A.A),
            configure: a => a with { Notify = Notify(receiver) });
        var notifier = watch.Services.GetRequiredService<WatchNotifier>();

        // Act
        var drift = await watch.Events.NextAsync<TickReport>();
        await watch.Events.NextAsync<RecordingObserver.Waiting>();
        File.WriteAllText(watch.File, WatchHarness.Yaml());
        watch.Monitor.Poke();
        watch.Time.Advance(TimeSpan.FromSeconds(2));
        var corrected = await watch.Events.NextAsync<TickReport>();
        var converged = new List<TickReport>();
        for (var i = 0; i < 10; i++)
        {
            converged.Add(await watch.NextTickAsync());
        }

        var queuedWhileConverged = notifier.Queued;
        watch.Arm.BeforeList = r => r == A.A ? Task.FromException(InMemoryArm.Failure(503)) : Task.CompletedTask;
        var failure = await watch.NextTickAsync();
        watch.Arm.BeforeList = null;
        var recovered = await watch.NextTickAsync();
        var received = new List<NotificationReceiver.Received>();
        for (var i = 0; i < 4; i++)
        {
            received.Add(await receiver.NextAsync());
        }

        // Assert: the script ran as intended...
        Assert.Equal(RegistrationResult.Drift, drift.Registrations.Single(r => r.Registration == A.A).Result);
        Assert.Equal(RegistrationResult.Applied, corrected.Registrations.Single(r => r.Registration == A.A).Result);
        Assert.All(converged.SelectMany(t => t.Registrations), r => Assert.Equal(RegistrationResult.InSync, r.Result));
        Assert.Equal(RegistrationResult.ListFailed, failure.Registrations.Single(r => r.Registration == A.A).Result);
        Assert.Equal(RegistrationResult.InSync, recovered.Registrations.Single(r => r.Registration == A.A).Result);

        // ...and each transition sent exactly one event, in order, and converged ticks none.
        Assert.Equal(2, queuedWhileConverged);
        Assert.Equal(4, notifier.Queued);
        Assert.Equal(
            ["tenant-reconciler.drift.detected", "tenant-reconciler.drift.corrected", "tenant-reconciler.apply.failed", "tenant-reconciler.recovered"],
            received.Select(r => Json(r).GetProperty("type").GetString()));
        Assert.All(received, r =>
        {
            var e = Json(r);
            Assert.Equal("POST", r.Method);
            Assert.StartsWith("application/cloudevents+json", r.ContentType, StringComparison.Ordinal);
            Assert.Equal("1.0", e.GetProperty("specversion").GetString());
            Assert.Equal(A.A.Name, e.GetProperty("subject").GetString());
            Assert.Equal(A.A.Name, e.GetProperty("data").GetProperty("registration").GetProperty("name").GetString());
        });
        Assert.Equal(drift.DesiredSha256, Json(received[0]).GetProperty("data").GetProperty("generation").GetString());
        Assert.Equal(corrected.DesiredSha256, Json(received[1]).GetProperty("data").GetProperty("generation").GetString());
        var changes = Json(received[1]).GetProperty("data").GetProperty("changes");
        Assert.Equal(1, changes.GetProperty("total").GetInt32());
        Assert.Contains(A.SubscriptionA.ToString("D"), changes.GetProperty("listed")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(4, received.Select(r => Json(r).GetProperty("id").GetString()).Distinct().Count());
    }

    internal static NotifyArguments Notify(NotificationReceiver receiver, NotificationFormat format = NotificationFormat.CloudEvents)
    {
        Assert.True(NotifyTarget.TryParse(receiver.Url.ToString(), out var target, out var error), error);
        return new NotifyArguments([target!], format) { Timeout = TimeSpan.FromDays(30) };
    }

    internal static JsonElement Json(NotificationReceiver.Received received)
    {
        using var document = JsonDocument.Parse(received.Body);
        return document.RootElement.Clone();
    }
}
