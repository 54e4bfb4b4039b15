using TenantReconciler.Cli.Output;
using TenantReconciler.Reconciling;
using static TenantReconciler.Tests.Cli.TerminalTestSupport;
using static TenantReconciler.Tests.Rendering.RenderingFixtures;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The apply's progress bar, driven the way the engine drives its observer, on Spectre's test console and a fake clock:
/// done, failed and left per change, and "waiting" while requests are in flight and none finishes.
/// </summary>
public sealed class TerminalProgressTests
{
    private static readonly ArmWriteResult Ok = new(200, "req", "corr");

    [Fact]
    public async Task Attach_PlainOutput_TheLogNotTheBar()
    {
        // Arrange: stdout a terminal but stderr not: no bar; the log lines go to stderr.
        using var terminal = Terminal();
        var stderr = new StringWriter();
        var noErrorTerminal = RichIO(new StringWriter(), stderr, terminal);
        var plan = Representative();
        var change = Changes(plan)[0];

        // Act
        IApplyObserver recorder = ApplyProgress.For(noErrorTerminal, new FakeTimeProvider());
        await recorder.BeginAsync(plan, null, CancellationToken.None);
        await CompleteAsync(recorder, change, error: null);
        await recorder.EndAsync(new ApplyResult([]), CancellationToken.None);

        // Assert
        Assert.Equal(string.Empty, terminal.Output);
        Assert.Contains($"customerSubscription {change.Operations[0].Change.CustomerSubscriptionId:D}", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_ChangesDoneAndFailed_ShowsDoneFailedAndLeftThenLeavesTheFinalLine()
    {
        // Arrange
        var (bar, terminal, time, journal) = Start(out var plan);
        var changes = Changes(plan);
        await bar.BeginAsync(plan, null, CancellationToken.None);

        // Act: one change done, one failed.
        await CompleteAsync(bar, changes[0], error: null);
        await CompleteAsync(bar, changes[1], Failure("InternalServerError"));
        time.Advance(ApplyProgressDisplay.RefreshInterval);
        var during = LastFrame(terminal.Output);
        await bar.EndAsync(new ApplyResult([]), CancellationToken.None);

        // Assert
        Assert.Equal($"1 done, 1 failed, {changes.Count - 2} left", Description(during));
        Assert.Contains($"{Green}1 done\u001b[0m", terminal.Output, StringComparison.Ordinal);
        Assert.Contains($"{Red}1 failed\u001b[0m", terminal.Output, StringComparison.Ordinal);
        Assert.Contains("━", during, StringComparison.Ordinal);
        Assert.EndsWith("\u001b[?25h", terminal.Output.TrimEnd('\n'), StringComparison.Ordinal);
        Assert.Equal(["begin", .. Enumerable.Repeat("event", journal.Events), "end"], journal.Calls);
    }

    [Fact]
    public async Task Progress_MoveNeedsTwoRequests_CountsItDoneOnlyAfterItsDelete()
    {
        // Arrange
        var (bar, terminal, time, _) = Start(out var plan);
        var move = Changes(plan).First(c => c.Operations.Count == 2);
        await bar.BeginAsync(plan, null, CancellationToken.None);

        // Act
        await CompleteAsync(bar, move with { Operations = [move.Operations[0]] }, error: null);
        time.Advance(ApplyProgressDisplay.RefreshInterval);
        var afterPut = Description(LastFrame(terminal.Output));
        await CompleteAsync(bar, move with { Operations = [move.Operations[1]] }, error: null);
        time.Advance(ApplyProgressDisplay.RefreshInterval);
        var afterDelete = Description(LastFrame(terminal.Output));

        // Assert
        Assert.StartsWith("0 done, 0 failed, ", afterPut, StringComparison.Ordinal);
        Assert.StartsWith("1 done, 0 failed, ", afterDelete, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_NoRequestFinishesForAWhile_ShowsWaitingUntilOneDoes()
    {
        // Arrange: a request in flight that ARM holds back (Retry-After).
        var (bar, terminal, time, _) = Start(out var plan);
        var change = Changes(plan)[0];
        await bar.BeginAsync(plan, null, CancellationToken.None);
        await bar.OnStartingAsync(change.Registration, change.Operations[0], CancellationToken.None);

        // Act
        time.Advance(ApplyProgressDisplay.WaitingAfter - ApplyProgressDisplay.RefreshInterval);
        var before = Description(LastFrame(terminal.Output));
        time.Advance(ApplyProgressDisplay.RefreshInterval);
        var waiting = Description(LastFrame(terminal.Output));
        time.Advance(TimeSpan.FromSeconds(2));
        var longer = Description(LastFrame(terminal.Output));
        await bar.OnCompletedAsync(change.Registration, change.Operations[0], Ok, null, CancellationToken.None);
        time.Advance(ApplyProgressDisplay.RefreshInterval);
        var after = Description(LastFrame(terminal.Output));

        // Assert
        Assert.DoesNotContain("waiting", before, StringComparison.Ordinal);
        Assert.EndsWith(", waiting 3 s (throttled?)", waiting, StringComparison.Ordinal);
        Assert.EndsWith(", waiting 5 s (throttled?)", longer, StringComparison.Ordinal);
        Assert.Contains($"{Yellow}waiting 3 s (throttled?)\u001b[0m", terminal.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_RequestNotSentBecauseTheApplyStopped_StaysLeftNotFailed()
    {
        // Arrange
        var (bar, terminal, time, _) = Start(out var plan);
        var changes = Changes(plan);
        await bar.BeginAsync(plan, null, CancellationToken.None);

        // Act
        await CompleteAsync(bar, changes[0], Failure(PlanApplier.NotSentErrorCode));
        time.Advance(ApplyProgressDisplay.RefreshInterval);

        // Assert
        Assert.Equal($"0 done, 0 failed, {changes.Count} left", Description(LastFrame(terminal.Output)));
    }

    [Fact]
    public async Task Progress_JournalFails_PropagatesAndGivesTheTerminalBack()
    {
        // Arrange
        var (bar, terminal, _, journal) = Start(out var plan);
        var change = Changes(plan)[0];
        await bar.BeginAsync(plan, null, CancellationToken.None);
        journal.FailNext = true;

        // Act
        var error = await Assert.ThrowsAsync<IOException>(async () =>
            await bar.OnCompletedAsync(change.Registration, change.Operations[0], Ok, null, CancellationToken.None));

        // Assert
        Assert.Equal("disk full", error.Message);
        Assert.EndsWith("\u001b[?25h", terminal.Output.TrimEnd('\n'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_JournalRefusesTheBegin_DrawsNothing()
    {
        // Arrange
        var (bar, terminal, _, journal) = Start(out var plan);
        journal.RefuseBegin = true;

        // Act
        await Assert.ThrowsAsync<ReconcilerException>(() => bar.BeginAsync(plan, new PlanClaim(Guid.NewGuid(), "sha256:aa"), CancellationToken.None));

        // Assert
        Assert.Equal(string.Empty, terminal.Output);
    }

    /// <summary>The journal and the bar, as apply tells them (<see cref="ApplyObservers"/>: the journal first).</summary>
    private static (IApplyObserver Bar, Spectre.Console.Testing.TestConsole Terminal, FakeTimeProvider Time, RecordingJournal Journal) Start(out Plan plan)
    {
        plan = Representative();
        var terminal = Terminal(width: 100);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var journal = new RecordingJournal();
        var io = RichIO(new StringWriter(), new StringWriter(), Terminal(), terminal);
        return (new ApplyObservers(journal, ApplyProgress.For(io, time)), terminal, time, journal);
    }

    private sealed record Change(RegistrationRef Registration, IReadOnlyList<PlannedOperation> Operations);

    private static List<Change> Changes(Plan plan) => plan.Registrations
        .SelectMany(r => r.Operations().GroupBy(o => o.Change).Select(g => new Change(r.Registration, g.ToArray())))
        .ToList();

    private static async Task CompleteAsync(IApplyObserver bar, Change change, ArmRequestException? error)
    {
        foreach (var operation in change.Operations)
        {
            await bar.OnStartingAsync(change.Registration, operation, CancellationToken.None);
            await bar.OnCompletedAsync(change.Registration, operation, error is null ? Ok : null, error, CancellationToken.None);
            if (error is not null)
            {
                return;
            }
        }
    }

    private static ArmRequestException Failure(string code) => new($"PUT failed: {code}", 500, code, "req", "corr");

    /// <summary>The last line the live display drew.</summary>
    private static string LastFrame(string output) =>
        StripAnsi(output).Split('\r', '\n').Last(l => l.Contains('━', StringComparison.Ordinal)).TrimEnd();

    /// <summary>The description column: what follows the percentage.</summary>
    private static string Description(string frame) => frame[(frame.IndexOf('%', StringComparison.Ordinal) + 2)..];

    private sealed class RecordingJournal : IApplyObserver
    {
        public List<string> Calls { get; } = [];

        public int Events => Calls.Count(c => c == "event");

        public bool FailNext { get; set; }

        public bool RefuseBegin { get; set; }

        public Task BeginAsync(Plan plan, PlanClaim? claim, CancellationToken cancellationToken)
        {
            if (RefuseBegin)
            {
                throw new ReconcilerException("the plan was applied before");
            }

            Calls.Add("begin");
            return Task.CompletedTask;
        }

        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
        {
            Calls.Add("event");
            return ValueTask.CompletedTask;
        }

        public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
        {
            if (FailNext)
            {
                throw new IOException("disk full");
            }

            Calls.Add("event");
            return ValueTask.CompletedTask;
        }

        public Task EndAsync(ApplyResult? result, CancellationToken cancellationToken)
        {
            Calls.Add("end");
            return Task.CompletedTask;
        }
    }
}
