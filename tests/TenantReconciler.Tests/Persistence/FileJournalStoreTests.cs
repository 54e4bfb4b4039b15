using static TenantReconciler.Tests.Persistence.JournalTestSupport;

namespace TenantReconciler.Tests.Persistence;

public sealed class FileJournalStoreTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task ReadAsync_AfterAnApply_EntriesRoundTripWithTheEndpoint()
    {
        // Arrange
        var path = _temp.File("state/journal.jsonl");
        var plan = AddsPlan(3);
        await using var journal = await new FileJournalStore(path).OpenAsync(new JournalOpenOptions(JournalOpenOptions.EmulatorEndpoint, new FakeTimeProvider()), CancellationToken.None);
        var written = await WriteApplyAsync(journal, plan);

        // Act
        var contents = await new FileJournalStore(path).ReadAsync(CancellationToken.None);

        // Assert
        Assert.Equal(0, contents.SkippedLines);
        Assert.Equal(written, contents.Entries.Count);
        Assert.All(contents.Entries, e => Assert.Equal(JournalOpenOptions.EmulatorEndpoint, e.Endpoint));
        Assert.Equal(3, contents.LastApplyWrites().Count);
        Assert.Equal(JournalOpenOptions.EmulatorEndpoint, contents.LastApplyEndpoint());
        AssertComplete(contents, journal.ApplyId, written);
    }

    [Fact]
    public async Task ClaimPlanAsync_SamePlanFromAnotherStore_RefusedNamingPlanAndJournal()
    {
        // Arrange
        var path = _temp.File("journal.jsonl");
        var planId = await IssuedPlanAsync(new FileJournalStore(path));
        await using var first = await new FileJournalStore(path).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        await first.ClaimPlanAsync(planId, ContentHash, CancellationToken.None);
        await using var second = await new FileJournalStore(path).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);

        // Act
        var refused = await Assert.ThrowsAsync<ReconcilerException>(() => second.ClaimPlanAsync(planId, ContentHash, CancellationToken.None));

        // Assert
        Assert.Contains($"plan {planId:D} was already applied", refused.Message, StringComparison.Ordinal);
        Assert.Contains(path, refused.Message, StringComparison.Ordinal);
        var contents = await new FileJournalStore(path).ReadAsync(CancellationToken.None);
        Assert.Equal(first.ApplyId, Assert.Single(contents.Entries, e => e.Type == JournalEntry.PlanClaimed).ApplyId);
        Assert.Equal(first.ApplyId, contents.ApplyOfPlan(planId)?.ApplyId);
    }

    [Fact]
    public async Task ClaimPlanAsync_EightWritersAtOnce_ExactlyOneWins()
    {
        // Arrange
        var path = _temp.File("journal.jsonl");
        var planId = await IssuedPlanAsync(new FileJournalStore(path));
        var journals = new List<IApplyJournal>();
        for (var i = 0; i < 8; i++)
        {
            journals.Add(await new FileJournalStore(path).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None));
        }

        // Act
        var claims = journals.Select(j => Task.Run(() => j.ClaimPlanAsync(planId, ContentHash, CancellationToken.None))).ToArray();
        var outcomes = await Task.WhenAll(claims.Select(async c =>
        {
            try
            {
                await c;
                return true;
            }
            catch (ReconcilerException)
            {
                return false;
            }
        }));

        // Assert
        Assert.Equal(1, outcomes.Count(won => won));
        var contents = await new FileJournalStore(path).ReadAsync(CancellationToken.None);
        Assert.Single(contents.Entries, e => e.Type == JournalEntry.PlanClaimed);
    }

    [Fact]
    public async Task ClaimPlanAsync_PlanIdNeverIssued_RefusedAndNothingAppended()
    {
        // Arrange: issue 15, item 1: an edited planId names a plan this journal never issued.
        var path = _temp.File("journal.jsonl");
        var store = new FileJournalStore(path);
        await IssuedPlanAsync(store);
        await using var journal = await store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        var edited = Guid.NewGuid();

        // Act
        var refused = await Assert.ThrowsAsync<ReconcilerException>(() => journal.ClaimPlanAsync(edited, ContentHash, CancellationToken.None));

        // Assert
        Assert.Contains($"plan {edited:D} was not issued by the journal {path}", refused.Message, StringComparison.Ordinal);
        var contents = await store.ReadAsync(CancellationToken.None);
        Assert.DoesNotContain(contents.Entries, e => e.Type == JournalEntry.PlanClaimed);
    }

    [Fact]
    public async Task ClaimPlanAsync_IssuedWithAnotherContentHash_RefusedAsEdited()
    {
        // Arrange
        var path = _temp.File("journal.jsonl");
        var store = new FileJournalStore(path);
        var planId = await IssuedPlanAsync(store);
        await using var journal = await store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);

        // Act
        var refused = await Assert.ThrowsAsync<ReconcilerException>(() => journal.ClaimPlanAsync(planId, "sha256:" + new string('b', 64), CancellationToken.None));

        // Assert
        Assert.Contains("its content was edited after it was saved", refused.Message, StringComparison.Ordinal);
        var contents = await store.ReadAsync(CancellationToken.None);
        Assert.DoesNotContain(contents.Entries, e => e.Type == JournalEntry.PlanClaimed);
    }

    [Fact]
    public async Task IssuePlanAsync_FolderMissing_CreatesItAndRecordsIdAndHash()
    {
        // Arrange
        var path = _temp.File("new/folder/journal.jsonl");
        var store = new FileJournalStore(path);

        // Act
        var planId = await IssuedPlanAsync(store);

        // Assert
        var issue = (await store.ReadAsync(CancellationToken.None)).IssueOf(planId);
        Assert.NotNull(issue);
        Assert.Equal(ContentHash, issue.ContentHash);
        Assert.Equal(ApplyJournal.LocalWriter, issue.Writer);
    }

    [Fact]
    public async Task ReadAsync_CorruptAndPartialLines_CountedAsSkippedAndTheNextWriterStartsAFreshLine()
    {
        // Arrange: a good apply, a garbage line, and a last line cut short by a kill.
        var path = _temp.File("journal.jsonl");
        var store = new FileJournalStore(path);
        await using (var earlier = await store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None))
        {
            await WriteApplyAsync(earlier, AddsPlan(1));
        }

        await File.AppendAllTextAsync(path, "not json at all\n{\"type\":\"request-started\",\"applyId\":\"3f2", Encoding.UTF8);
        await using var next = await store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);

        // Act
        var written = await WriteApplyAsync(next, AddsPlan(2));
        var contents = await store.ReadAsync(CancellationToken.None);

        // Assert
        Assert.Equal(2, contents.SkippedLines);
        AssertComplete(contents, next.ApplyId, written);
        Assert.Equal(2, contents.LastApplyWrites().Count);
    }

    [Fact]
    public async Task OnStartingAsync_FourWritersOnFourThreads_LoseNoLine()
    {
        // Arrange: four applies (as from four processes: each its own store and journal) into one file at once.
        var path = _temp.File("journal.jsonl");
        var journals = new List<IApplyJournal>();
        for (var i = 0; i < 4; i++)
        {
            journals.Add(await new FileJournalStore(path).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None));
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Act
        var writers = journals.Select(j => Task.Run(async () =>
        {
            await start.Task;
            return await WriteApplyAsync(j, AddsPlan(100));
        })).ToArray();
        start.SetResult();
        var written = await Task.WhenAll(writers);

        // Assert
        var contents = await new FileJournalStore(path).ReadAsync(CancellationToken.None);
        Assert.Equal(0, contents.SkippedLines);
        Assert.Equal(written.Sum(), contents.Entries.Count);
        foreach (var (journal, count) in journals.Zip(written))
        {
            AssertComplete(contents, journal.ApplyId, count);
        }
    }

    [Fact]
    public async Task ReadAsync_NoFile_Empty()
    {
        // Arrange
        var store = new FileJournalStore(_temp.File("missing/journal.jsonl"));

        // Act
        var contents = await store.ReadAsync(CancellationToken.None);

        // Assert
        Assert.Empty(contents.Entries);
        Assert.Equal(0, contents.SkippedLines);
        Assert.Null(contents.LastApplyEndpoint());
    }

    [Fact]
    public void Parse_SameEntryTwice_ReadOnce()
    {
        // Arrange: a storage request retried after it had succeeded writes the same line again.
        var entry = new JournalEntry { Type = JournalEntry.ApplyStarted, ApplyId = Guid.NewGuid(), Sequence = 0, Time = DateTimeOffset.UnixEpoch };
        var line = Encoding.UTF8.GetString(JournalReader.ToLine(entry)).TrimEnd('\n');

        // Act
        var contents = JournalReader.Parse([line, line]);

        // Assert
        Assert.Equal(entry, Assert.Single(contents.Entries));
    }

    [Fact]
    public void Parse_OldJournalWithoutSequenceOrEndpoint_KeepsEveryEntryAndFindsThePlan()
    {
        // Arrange: the format before this change (no sequence, no endpoint, the plan id on apply-started).
        var planId = Guid.NewGuid();
        string[] lines =
        [
            $"{{\"type\":\"apply-started\",\"applyId\":\"{Guid.Empty:D}\",\"planId\":\"{planId:D}\",\"time\":\"2026-01-01T00:00:00+00:00\"}}",
            $"{{\"type\":\"request-finished\",\"applyId\":\"{Guid.Empty:D}\",\"time\":\"2026-01-01T00:00:00+00:00\",\"result\":\"done\"}}",
            $"{{\"type\":\"request-finished\",\"applyId\":\"{Guid.Empty:D}\",\"time\":\"2026-01-01T00:00:00+00:00\",\"result\":\"done\"}}",
        ];

        // Act
        var contents = JournalReader.Parse(lines);

        // Assert
        Assert.Equal(3, contents.Entries.Count);
        Assert.NotNull(contents.ApplyOfPlan(planId));
        Assert.Null(contents.LastApplyEndpoint());
    }
}
