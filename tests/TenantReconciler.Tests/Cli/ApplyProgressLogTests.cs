using TenantReconciler.Cli.Output;
using static TenantReconciler.Tests.Rendering.RenderingFixtures;

namespace TenantReconciler.Tests.Cli;

/// <summary>The apply's progress in a CI log: a line per finished change, and "still applying" when nothing finished for 10 s (fake clock).</summary>
public sealed class ApplyProgressLogTests
{
    private static readonly ArmWriteResult Ok = new(200, "req-1", "corr-1");

    [Fact]
    public async Task Log_ChangeDoneAndFailed_OneLineEachWithTenantResultAndRequestId()
    {
        // Arrange
        var (recorder, stderr, _, plan) = Start();
        var add = plan.Registrations[0].Operations().First(o => o.Change.Action == ChangeAction.Add);
        var remove = plan.Registrations[0].Operations().First(o => o.Change.Action == ChangeAction.Remove);
        var registration = plan.Registrations[0].Registration;
        await recorder.BeginAsync(plan, null, CancellationToken.None);

        // Act
        await recorder.OnStartingAsync(registration, add, CancellationToken.None);
        await recorder.OnCompletedAsync(registration, add, Ok, null, CancellationToken.None);
        await recorder.OnStartingAsync(registration, remove, CancellationToken.None);
        await recorder.OnCompletedAsync(registration, remove, null, new ArmRequestException("DELETE failed: 409", 409, "ScopeLocked", "req-2", "corr-2"), CancellationToken.None);
        await recorder.EndAsync(new ApplyResult([]), CancellationToken.None);

        // Assert
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            $"+ {registration.Name} customerSubscription {add.Change.CustomerSubscriptionId:D} tenant {add.Change.TenantId:D}: done (x-ms-request-id: req-1)",
            lines[0]);
        Assert.Equal(
            $"- {registration.Name} customerSubscription {remove.Change.CustomerSubscriptionId:D} tenant {remove.Change.PreviousTenantId:D}: failed (ScopeLocked) (x-ms-request-id: req-2)",
            lines[1]);
    }

    [Fact]
    public async Task Log_NothingFinishedForTenSeconds_StillApplyingWithTheCounts()
    {
        // Arrange: one change done, one in flight.
        var (recorder, stderr, time, plan) = Start();
        var registration = plan.Registrations[0].Registration;
        var operations = plan.Registrations[0].Operations().Where(o => !o.Change.IsMove).ToArray();
        await recorder.BeginAsync(plan, null, CancellationToken.None);
        await recorder.OnStartingAsync(registration, operations[0], CancellationToken.None);
        await recorder.OnCompletedAsync(registration, operations[0], Ok, null, CancellationToken.None);
        await recorder.OnStartingAsync(registration, operations[1], CancellationToken.None);

        // Act
        time.Advance(ApplyProgressLog.StillEvery - TimeSpan.FromSeconds(1));
        var before = stderr.ToString();
        time.Advance(TimeSpan.FromSeconds(1));
        var after = stderr.ToString();
        await recorder.EndAsync(new ApplyResult([]), CancellationToken.None);
        time.Advance(ApplyProgressLog.StillEvery * 3);

        // Assert: nothing before 10 s; then one line; nothing after the end.
        Assert.DoesNotContain("still applying", before, StringComparison.Ordinal);
        var total = plan.Registrations.Sum(r => r.PendingChanges.Count());
        Assert.EndsWith($"still applying: 1 done, 1 in flight, {total - 2} left (waiting for ARM: throttled or slow)\n", after.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(after, stderr.ToString());
    }

    private static (IApplyObserver Recorder, StringWriter Stderr, FakeTimeProvider Time, Plan Plan) Start()
    {
        var stderr = new StringWriter();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var io = new TenantReconciler.Cli.IOContext(new StringWriter(), stderr, TextReader.Null, IsInteractive: false);
        IApplyObserver recorder = ApplyProgress.For(io, time);
        return (recorder, stderr, time, Representative());
    }
}
