using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using TenantReconciler.Tests.Leasing;
using static TenantReconciler.Tests.Persistence.JournalTestSupport;

namespace TenantReconciler.Tests.Persistence;

/// <summary>The blob journal against a real Azurite. Each store instance stands for another machine (an empty working folder).</summary>
public sealed class BlobJournalStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string BlobPath = "ci/journal.jsonl";
    private const string OfflineConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteFixture.DevelopmentAccountKey + ";BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    [AzuriteFact]
    public async Task ReadAsync_AfterAnApplyFromAnotherMachine_EntriesRoundTripWithTheEndpoint()
    {
        // Arrange
        var container = NewContainer();
        var plan = AddsPlan(3);
        await using var journal = await (await StoreAsync(container)).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        var written = await WriteApplyAsync(journal, plan);

        // Act
        var contents = await (await StoreAsync(container)).ReadAsync(CancellationToken.None);

        // Assert
        Assert.Equal(0, contents.SkippedLines);
        AssertComplete(contents, journal.ApplyId, written);
        Assert.All(contents.Entries, e => Assert.Equal(ArmEndpoint, e.Endpoint));
        Assert.Equal(ArmEndpoint, contents.LastApplyEndpoint());
        Assert.Equal(
            plan.Registrations[0].Changes.Select(c => c.CustomerSubscriptionId),
            contents.LastApplyWrites().Select(w => w.CustomerSubscriptionId!.Value));
    }

    [AzuriteFact]
    public async Task ClaimPlanAsync_SamePlanAppliedAgainFromAnotherMachine_RefusedBeforeAnyEntryOfItsOwn()
    {
        // Arrange: machine A applies plan P; the live state is put back by hand; machine B, with an empty working
        // folder, applies the same P with the same blob journal.
        var container = NewContainer();
        var planId = await IssuedPlanAsync(await StoreAsync(container));
        var plan = AddsPlan(2);
        await using (var a = await (await StoreAsync(container)).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None))
        {
            await a.ClaimPlanAsync(planId, ContentHash, CancellationToken.None);
            await WriteApplyAsync(a, plan);
        }

        var storeB = await StoreAsync(container);
        await using var b = await storeB.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);

        // Act
        var refused = await Assert.ThrowsAsync<ReconcilerException>(() => b.ClaimPlanAsync(planId, ContentHash, CancellationToken.None));

        // Assert
        Assert.Contains($"plan {planId:D} was already applied at ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(ApplyJournal.LocalWriter, refused.Message, StringComparison.Ordinal);
        Assert.Contains(storeB.Describe(), refused.Message, StringComparison.Ordinal);
        var contents = await storeB.ReadAsync(CancellationToken.None);
        Assert.DoesNotContain(contents.Entries, e => e.ApplyId == b.ApplyId);
        Assert.NotNull(contents.ApplyOfPlan(planId));
    }

    [AzuriteFact]
    public async Task ClaimPlanAsync_ResponseLostAndRetried_OwnClaimIsNotRefused()
    {
        // Arrange: the marker is created, but its response is lost; Azure.Core retries and gets 409 BlobAlreadyExists.
        var container = NewContainer();
        var lose = new LoseFirstMarkerResponse();
        var options = new BlobClientOptions { Retry = { Delay = TimeSpan.FromMilliseconds(1), MaxRetries = 2 } };
        options.AddPolicy(lose, HttpPipelinePosition.PerRetry);
        var store = BlobJournalStore.FromConnectionString(await azurite.GetConnectionStringAsync(), container, BlobPath, options);
        await using var journal = await store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        var planId = await IssuedPlanAsync(store);

        // Act
        await journal.ClaimPlanAsync(planId, ContentHash, CancellationToken.None);

        // Assert
        Assert.True(lose.Lost);
        var contents = await store.ReadAsync(CancellationToken.None);
        Assert.Equal(journal.ApplyId, contents.ApplyOfPlan(planId)?.ApplyId);
    }

    [AzuriteFact]
    public async Task IssuePlanAsync_ResponseLostAndRetried_IssuedOnceAndClaimable()
    {
        // Arrange: the issue marker is created, but its response is lost; the retry gets 409 BlobAlreadyExists.
        var container = NewContainer();
        var lose = new LoseFirstMarkerResponse(issueMarker: true);
        var options = new BlobClientOptions { Retry = { Delay = TimeSpan.FromMilliseconds(1), MaxRetries = 2 } };
        options.AddPolicy(lose, HttpPipelinePosition.PerRetry);
        var store = BlobJournalStore.FromConnectionString(await azurite.GetConnectionStringAsync(), container, BlobPath, options);

        // Act
        var planId = await IssuedPlanAsync(store);
        await using var journal = await (await StoreAsync(container)).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        await journal.ClaimPlanAsync(planId, ContentHash, CancellationToken.None);

        // Assert
        Assert.True(lose.Lost);
        var contents = await store.ReadAsync(CancellationToken.None);
        Assert.Equal(ContentHash, contents.IssueOf(planId)?.ContentHash);
        Assert.Equal(journal.ApplyId, contents.ApplyOfPlan(planId)?.ApplyId);
    }

    [AzuriteFact]
    public async Task ClaimPlanAsync_NotIssuedOrIssuedWithAnotherHash_RefusedFromAnotherMachine()
    {
        // Arrange: issue 15, item 1: the plan job issued one plan; the apply job is handed an edited id, then edited content.
        var container = NewContainer();
        var planId = await IssuedPlanAsync(await StoreAsync(container));
        var store = await StoreAsync(container);
        await using var journal = await store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        var edited = Guid.NewGuid();

        // Act
        var notIssued = await Assert.ThrowsAsync<ReconcilerException>(() => journal.ClaimPlanAsync(edited, ContentHash, CancellationToken.None));
        var otherContent = await Assert.ThrowsAsync<ReconcilerException>(() => journal.ClaimPlanAsync(planId, "sha256:" + new string('c', 64), CancellationToken.None));

        // Assert
        Assert.Contains($"plan {edited:D} was not issued by the journal {store.Describe()}", notIssued.Message, StringComparison.Ordinal);
        Assert.Contains("its content was edited after it was saved", otherContent.Message, StringComparison.Ordinal);
        var contents = await store.ReadAsync(CancellationToken.None);
        Assert.DoesNotContain(contents.Entries, e => e.Type == JournalEntry.PlanClaimed);
    }

    [AzuriteFact]
    public async Task ClaimPlanAsync_EightMachinesAtOnce_ExactlyOneWins()
    {
        // Arrange
        var container = NewContainer();
        var planId = await IssuedPlanAsync(await StoreAsync(container));
        var journals = new List<IApplyJournal>();
        for (var i = 0; i < 8; i++)
        {
            journals.Add(await (await StoreAsync(container)).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None));
        }

        // Act
        var outcomes = await Task.WhenAll(journals.Select(async j =>
        {
            try
            {
                await j.ClaimPlanAsync(planId, ContentHash, CancellationToken.None);
                return true;
            }
            catch (ReconcilerException)
            {
                return false;
            }
        }));

        // Assert
        Assert.Equal(1, outcomes.Count(won => won));
        var contents = await (await StoreAsync(container)).ReadAsync(CancellationToken.None);
        Assert.Single(contents.Entries, e => e.Type == JournalEntry.PlanClaimed);
    }

    [AzuriteFact]
    public async Task ClaimPlanAsync_AnotherPlan_Allowed()
    {
        // Arrange
        var container = NewContainer();
        await using var first = await (await StoreAsync(container)).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        await first.ClaimPlanAsync(await IssuedPlanAsync(await StoreAsync(container)), ContentHash, CancellationToken.None);
        await using var second = await (await StoreAsync(container)).OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        var planId = await IssuedPlanAsync(await StoreAsync(container));

        // Act
        await second.ClaimPlanAsync(planId, ContentHash, CancellationToken.None);

        // Assert
        var contents = await (await StoreAsync(container)).ReadAsync(CancellationToken.None);
        Assert.Equal(second.ApplyId, contents.ApplyOfPlan(planId)?.ApplyId);
    }

    [AzuriteFact]
    public async Task OnStartingAsync_FourMachinesAppendingAtOnce_LoseNoLine()
    {
        // Arrange
        var container = NewContainer();
        var journals = new List<IApplyJournal>();
        for (var i = 0; i < 4; i++)
        {
            journals.Add(await (await StoreAsync(container)).OpenAsync(new JournalOpenOptions(JournalOpenOptions.EmulatorEndpoint, new FakeTimeProvider()), CancellationToken.None));
        }

        // Act
        var written = await Task.WhenAll(journals.Select(j => Task.Run(() => WriteApplyAsync(j, AddsPlan(10)))));

        // Assert
        var contents = await (await StoreAsync(container)).ReadAsync(CancellationToken.None);
        Assert.Equal(0, contents.SkippedLines);
        foreach (var (journal, count) in journals.Zip(written))
        {
            AssertComplete(contents, journal.ApplyId, count);
        }
    }

    [AzuriteFact]
    public async Task ReadAsync_CorruptBlock_CountedAsSkipped()
    {
        // Arrange
        var container = NewContainer();
        var store = await StoreAsync(container);
        await using var journal = await store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        await journal.StartedAsync(AddsPlan(1), CancellationToken.None);
        var raw = new BlobContainerClient(await azurite.GetConnectionStringAsync(), container).GetAppendBlobClient(BlobPath);
        await raw.AppendBlockAsync(BinaryData.FromString("{ not json\n").ToStream());
        await journal.FinishedAsync(new TenantReconciler.Applying.ApplyResult([]), CancellationToken.None);

        // Act
        var contents = await store.ReadAsync(CancellationToken.None);

        // Assert
        Assert.Equal(1, contents.SkippedLines);
        Assert.Equal(2, contents.Entries.Count);
    }

    [AzuriteFact]
    public async Task ReadAsync_NoContainerNoBlob_Empty()
    {
        // Arrange
        var store = await StoreAsync(NewContainer());

        // Act
        var contents = await store.ReadAsync(CancellationToken.None);

        // Assert
        Assert.Empty(contents.Entries);
        Assert.Equal(0, contents.SkippedLines);
    }

    [Fact]
    public async Task OpenAsync_StorageUnreachable_ReconcilerExceptionNamingTheJournal()
    {
        // Arrange: nothing listens on port 1; the default options retry twice, briefly.
        var store = BlobJournalStore.FromConnectionString(OfflineConnectionString, "journal", BlobPath);

        // Act
        var failure = await Assert.ThrowsAsync<ReconcilerException>(() => store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None));

        // Assert
        Assert.Contains("cannot open the apply journal http://127.0.0.1:1/devstoreaccount1/journal/ci/journal.jsonl", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteFixture.DevelopmentAccountKey, failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Sends the first PUT of a plan's claim marker (or its issue marker), then throws as if the connection dropped before the response.</summary>
    private sealed class LoseFirstMarkerResponse(bool issueMarker = false) : HttpPipelinePolicy
    {
        private int _lost;

        public bool Lost => Volatile.Read(ref _lost) == 1;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Method == RequestMethod.Put
                && message.Request.Uri.Path.Contains(".plans/", StringComparison.Ordinal)
                && message.Request.Uri.Path.EndsWith(".issued", StringComparison.Ordinal) == issueMarker
                && message.Response.Status == 201
                && Interlocked.Exchange(ref _lost, 1) == 0)
            {
                throw new IOException("the connection dropped before the response (injected)");
            }
        }
    }

    private static string NewContainer() => "journal-" + Guid.NewGuid().ToString("N");

    private async Task<BlobJournalStore> StoreAsync(string container) =>
        BlobJournalStore.FromConnectionString(await azurite.GetConnectionStringAsync(), container, BlobPath);
}
