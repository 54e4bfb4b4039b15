using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace TenantReconciler.Persistence;

/// <summary>
/// The journal in an Azure append blob, so that every machine (every CI runner) sees the same one. Each entry is one
/// Append Block, which the service commits atomically: concurrent writers never interleave within a line. A plan is
/// claimed by creating the marker blob <c>PATH.plans/PLANID</c> with <c>If-None-Match: *</c>, which exactly one
/// writer can win. An append blob holds at most 50,000 blocks (entries: about 25,000 requests); then start a new path.
/// </summary>
public sealed class BlobJournalStore : JournalStore
{
    private const int ReadAttempts = 3;

    private readonly BlobContainerClient _container;
    private readonly string _blobPath;

    private BlobJournalStore(BlobContainerClient container, string blobPath)
    {
        if (string.IsNullOrEmpty(container.Name) || string.IsNullOrWhiteSpace(blobPath))
        {
            throw new ArgumentException($"'{Redact(container.Uri)}/{blobPath}' does not name a container and a blob");
        }

        _container = container;
        _blobPath = blobPath;
        Blob = container.GetAppendBlobClient(blobPath);
        BlobUri = Redact(Blob.Uri);
    }

    /// <summary>The journal blob's address without a query (so never a SAS): safe to print.</summary>
    public Uri BlobUri { get; }

    internal AppendBlobClient Blob { get; }

    /// <summary>A short network timeout and few retries: a journal that cannot be reached fails the apply quickly, before it writes.</summary>
    public static BlobClientOptions DefaultClientOptions() => new()
    {
        Retry =
        {
            Mode = RetryMode.Exponential,
            MaxRetries = 2,
            Delay = TimeSpan.FromMilliseconds(500),
            MaxDelay = TimeSpan.FromSeconds(4),
            NetworkTimeout = TimeSpan.FromSeconds(15),
        },
    };

    /// <summary>The journal at <paramref name="blobUri"/> (<c>https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH</c>), authenticated with <paramref name="credential"/>.</summary>
    public static BlobJournalStore Create(Uri blobUri, TokenCredential credential, BlobClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blobUri);
        ArgumentNullException.ThrowIfNull(credential);
        if (!string.IsNullOrEmpty(blobUri.Query))
        {
            throw new ArgumentException($"'{Redact(blobUri)}' must not carry a query: the journal is authenticated with the credential");
        }

        var parts = new BlobUriBuilder(blobUri);
        var blobPath = parts.BlobName;
        parts.BlobName = string.Empty;
        return new BlobJournalStore(new BlobContainerClient(parts.ToUri(), credential, options ?? DefaultClientOptions()), blobPath);
    }

    /// <summary>The journal at <paramref name="blobPath"/> in <paramref name="container"/> of the account <paramref name="connectionString"/> names.</summary>
    public static BlobJournalStore FromConnectionString(string connectionString, string container, string blobPath, BlobClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        return new BlobJournalStore(new BlobContainerClient(connectionString, container, options ?? DefaultClientOptions()), blobPath);
    }

    public override string Describe() => BlobUri.ToString();

    public override async Task<IApplyJournal> OpenAsync(JournalOpenOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            await CreateIfMissingAsync(cancellationToken);
        }
        catch (Exception e) when (IsStorageFailure(e, cancellationToken))
        {
            throw Failure("cannot open", e);
        }

        return new BlobApplyJournal(this, options.Endpoint, options.Time);
    }

    /// <summary>
    /// Creates the marker <c>PATH.plans/PLANID.issued</c> (with <c>If-None-Match: *</c>: an issue is never replaced),
    /// which a claim reads, and appends the same entry to the journal.
    /// </summary>
    public override async Task IssuePlanAsync(Guid planId, string contentHash, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var entry = ApplyJournal.IssueEntry(planId, contentHash, time.GetUtcNow());
        var line = JournalReader.ToLine(entry);
        try
        {
            await CreateIfMissingAsync(cancellationToken);
            try
            {
                await IssueMarker(planId).UploadAsync(
                    BinaryData.FromBytes(line),
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                    cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Created by this very request, retried after a lost response (a plan id is new: nobody else issues it).
                var existing = (await IssueMarker(planId).DownloadContentAsync(cancellationToken)).Value.Content.ToString();
                if (JournalReader.Parse(existing.Split('\n')).Entries.FirstOrDefault()?.ApplyId != entry.ApplyId)
                {
                    throw new ReconcilerException($"plan {planId:D} was issued before in the journal {Describe()}: nothing was saved. Run plan again.", e);
                }
            }

            using var block = new MemoryStream(line, writable: false);
            await Blob.AppendBlockAsync(block, options: null, cancellationToken);
        }
        catch (Exception e) when (IsStorageFailure(e, cancellationToken))
        {
            throw Failure("cannot record the plan's issue in", e);
        }
    }

    private async Task CreateIfMissingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await Blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
    }

    public override async Task<JournalContents> ReadAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var content = (await Blob.DownloadContentAsync(cancellationToken)).Value.Content;
                return JournalReader.Parse(content.ToString().Split('\n'));
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return JournalContents.Empty;
            }
            catch (RequestFailedException e) when (e.Status == 412 && attempt < ReadAttempts)
            {
                // A writer appended between the ranges of a large download: read it again.
            }
            catch (Exception e) when (IsStorageFailure(e, cancellationToken))
            {
                throw Failure("cannot read", e);
            }
        }
    }

    internal BlobClient Marker(Guid planId) => _container.GetBlobClient($"{_blobPath}.plans/{planId:D}");

    internal BlobClient IssueMarker(Guid planId) => _container.GetBlobClient($"{_blobPath}.plans/{planId:D}.issued");

    internal static bool IsStorageFailure(Exception e, CancellationToken cancellationToken) => StorageFailure.Is(e, cancellationToken);

    internal ReconcilerException Failure(string what, Exception e) =>
        new($"{what} the apply journal {Describe()}: {StorageFailure.Reason(e)}", e);

    private static Uri Redact(Uri uri) => SafeUrl.Strip(uri);
}

/// <summary>One apply's entries in a <see cref="BlobJournalStore"/>: each one committed by the service before the call returns.</summary>
internal sealed class BlobApplyJournal : ApplyJournal
{
    private readonly BlobJournalStore _store;

    public BlobApplyJournal(BlobJournalStore store, string endpoint, TimeProvider time)
        : base(endpoint, null, time)
    {
        _store = store;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private protected override async Task AppendAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        using var line = new MemoryStream(JournalReader.ToLine(entry), writable: false);
        try
        {
            await _store.Blob.AppendBlockAsync(line, options: null, cancellationToken);
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlockCountExceedsLimit)
        {
            throw new ReconcilerException(
                OptionText.Of($"the apply journal {_store.Describe()} is full (an append blob holds 50,000 entries): move it aside or give a new {UserOption.Journal} path."), e);
        }
        catch (Exception e) when (BlobJournalStore.IsStorageFailure(e, cancellationToken))
        {
            throw _store.Failure("cannot write to", e);
        }
    }

    private protected override async Task ClaimAsync(JournalEntry claim, CancellationToken cancellationToken)
    {
        var planId = claim.PlanId!.Value;
        CheckIssued(claim, await ReadIssueAsync(planId, cancellationToken), _store.Describe());
        var marker = _store.Marker(planId);
        try
        {
            await marker.UploadAsync(
                BinaryData.FromBytes(JournalReader.ToLine(claim)),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // BlobAlreadyExists / ConditionNotMet: claimed before, unless it was this very claim, retried after a lost response.
            var previous = await ReadMarkerAsync(marker, cancellationToken);
            if (previous?.ApplyId != ApplyId)
            {
                throw AlreadyApplied(planId, previous, _store.Describe());
            }
        }
        catch (Exception e) when (BlobJournalStore.IsStorageFailure(e, cancellationToken))
        {
            throw _store.Failure("cannot claim the plan in", e);
        }

        await AppendAsync(claim, cancellationToken);
    }

    /// <summary>The issue of <paramref name="planId"/>, or null when it was never issued in this journal.</summary>
    private async Task<JournalEntry?> ReadIssueAsync(Guid planId, CancellationToken cancellationToken)
    {
        try
        {
            var text = (await _store.IssueMarker(planId).DownloadContentAsync(cancellationToken)).Value.Content.ToString();
            return JournalReader.Parse(text.Split('\n')).Entries.FirstOrDefault(e => e.Type == JournalEntry.PlanIssued && e.PlanId == planId);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (Exception e) when (BlobJournalStore.IsStorageFailure(e, cancellationToken))
        {
            throw _store.Failure("cannot read the plan's issue in", e);
        }
    }

    private static async Task<JournalEntry?> ReadMarkerAsync(BlobClient marker, CancellationToken cancellationToken)
    {
        try
        {
            var text = (await marker.DownloadContentAsync(cancellationToken)).Value.Content.ToString();
            return JournalReader.Parse(text.Split('\n')).Entries.FirstOrDefault();
        }
        catch (Exception e) when (BlobJournalStore.IsStorageFailure(e, cancellationToken))
        {
            // Refused all the same: the marker exists, only who wrote it is unknown.
            return null;
        }
    }
}
