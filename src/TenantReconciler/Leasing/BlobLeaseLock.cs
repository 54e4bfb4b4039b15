using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace TenantReconciler.Leasing;

/// <summary>
/// A mutual-exclusion lock on one Azure blob, held as a blob lease. Whoever holds the lease is the one writer: the
/// CLI's <c>apply --lock</c> and the leader of the hosted service take the same lease, so they never write at once.
/// The container and the (empty) blob are created on first use. A holder that crashes without releasing loses the
/// lease when it expires: a lease is granted for 15 to 60 seconds and must be renewed before then.
/// </summary>
public sealed class BlobLeaseLock
{
    /// <summary>The shortest lease Azure grants.</summary>
    public static readonly TimeSpan MinLeaseDuration = TimeSpan.FromSeconds(15);

    /// <summary>The longest finite lease Azure grants.</summary>
    public static readonly TimeSpan MaxLeaseDuration = TimeSpan.FromSeconds(60);

    internal const string HolderMetadataKey = "holder";
    internal const string AcquiredMetadataKey = "acquired";

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly BlobClient _blob;

    private BlobLeaseLock(BlobClient blob)
    {
        if (string.IsNullOrEmpty(blob.BlobContainerName) || string.IsNullOrEmpty(blob.Name))
        {
            throw new ArgumentException($"'{Redact(blob.Uri)}' does not name a container and a blob", nameof(blob));
        }

        _blob = blob;
        BlobUri = Redact(blob.Uri);
    }

    /// <summary>The blob's address, without any query string (so never a SAS token): safe to print.</summary>
    public Uri BlobUri { get; }

    /// <summary>Who this process says it is in the blob's metadata while it holds the lease: machine and process id.</summary>
    public static string LocalHolder => LocalProcess.Name;

    /// <summary>
    /// A lock on <paramref name="blobUri"/> (<c>https://account.blob.core.windows.net/container/blob</c>), authenticated
    /// with <paramref name="credential"/>; with <see cref="CreateClientOptions"/> unless <paramref name="options"/> are given.
    /// </summary>
    public static BlobLeaseLock Create(Uri blobUri, TokenCredential credential, BlobClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(blobUri);
        ArgumentNullException.ThrowIfNull(credential);
        return new BlobLeaseLock(new BlobClient(blobUri, credential, options ?? CreateClientOptions()));
    }

    /// <summary>
    /// Client options for a lease: a short network timeout and few retries, so that a renewal to a storage account that
    /// stopped answering fails within seconds (and the next renewal can be tried) instead of hanging for minutes.
    /// Whatever the client does, <see cref="LeaseRenewer.WritesMustStop"/> fires at its deadline.
    /// </summary>
    public static BlobClientOptions CreateClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(4);
        return options;
    }

    /// <summary>
    /// A lock on <paramref name="blob"/> in <paramref name="container"/> of the account that
    /// <paramref name="connectionString"/> names (for Azurite: the development account with an explicit <c>BlobEndpoint</c>).
    /// </summary>
    public static BlobLeaseLock FromConnectionString(string connectionString, string container, string blob, BlobClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(blob);
        return new BlobLeaseLock(new BlobClient(connectionString, container, blob, options ?? CreateClientOptions()));
    }

    /// <summary>
    /// Takes the lease for <paramref name="duration"/> (15 to 60 seconds) if nobody holds it, creating the container and
    /// the blob when they are missing. Returns null when another holder has it; throws on any other failure. The handle
    /// keeps its deadline on <paramref name="time"/> (as a <see cref="LeaseRenewer"/> of it does).
    /// </summary>
    public Task<LeaseHandle?> TryAcquireAsync(TimeSpan duration, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        return TryAcquireAsync(duration, Guid.NewGuid().ToString(), time, cancellationToken);
    }

    /// <summary>
    /// As <see cref="TryAcquireAsync(TimeSpan, TimeProvider, CancellationToken)"/> with a lease id of the caller's, on the clock
    /// <paramref name="time"/> (the handle's deadline is kept on it). Acquiring again with the id of the lease one
    /// already holds succeeds (and restarts its duration): the leader elector keeps one id, so it can take back a lease
    /// it still holds after its term ended for a transient reason.
    /// </summary>
    internal async Task<LeaseHandle?> TryAcquireAsync(TimeSpan duration, string leaseId, TimeProvider time, CancellationToken cancellationToken)
    {
        ValidateDuration(duration);
        var lease = _blob.GetBlobLeaseClient(leaseId);
        var created = false;
        long requestedAt;
        while (true)
        {
            try
            {
                requestedAt = time.GetTimestamp();
                await lease.AcquireAsync(duration, conditions: null, cancellationToken);
                break;
            }
            catch (RequestFailedException ex) when (IsHeldByAnother(ex))
            {
                return null;
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && !created)
            {
                // ContainerNotFound or BlobNotFound: create what is missing, then try once more.
                await CreateBlobAsync(cancellationToken);
                created = true;
            }
        }

        var handle = new LeaseHandle(lease, BlobUri, duration, time, requestedAt);
        try
        {
            await WriteHolderAsync(leaseId, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Cancelled with the lease in hand: give it back rather than leave it to expire.
            await handle.ReleaseAsync(CancellationToken.None);
            throw;
        }

        return handle;
    }

    /// <summary>
    /// Takes the lease, trying again about every second until <paramref name="wait"/> has passed on
    /// <paramref name="time"/> (the handle's deadline is kept on that clock too); then throws a <see cref="ReconcilerException"/> naming the blob and its holder.
    /// </summary>
    public async Task<LeaseHandle> AcquireAsync(TimeSpan duration, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        ValidateDuration(duration);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(time);

        var started = time.GetTimestamp();
        while (true)
        {
            LeaseHandle? handle;
            try
            {
                handle = await TryAcquireAsync(duration, Guid.NewGuid().ToString(), time, cancellationToken);
            }
            catch (Exception e) when (Persistence.StorageFailure.Is(e, cancellationToken))
            {
                // Unreachable, refused, or no permission: an expected failure, before anything was listed or written.
                throw new ReconcilerException($"cannot take the lock {BlobUri}: {Persistence.StorageFailure.Reason(e)}. Nothing was changed.", e);
            }

            if (handle is not null)
            {
                return handle;
            }

            var remaining = wait - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(remaining < PollInterval ? remaining : PollInterval, time, cancellationToken);
        }

        var holder = await TryGetHolderAsync(cancellationToken);
        var by = holder?.Holder is { } name
            ? $" ({name}{(holder.Acquired is { } at ? ", since " + at.ToString("O", CultureInfo.InvariantCulture) : "")})"
            : "";
        throw new ReconcilerException(
            $"the lock {BlobUri} is held by another writer{by}; gave up after waiting {FormatWait(wait)}. " +
            "Try again when it is done, or wait longer.");
    }

    /// <summary>
    /// Who holds the lease, as the holder wrote it into the blob's metadata; null when the blob is not leased
    /// (or does not exist).
    /// </summary>
    public async Task<LeaseHolder?> GetHolderAsync(CancellationToken cancellationToken)
    {
        BlobProperties properties;
        try
        {
            properties = (await _blob.GetPropertiesAsync(conditions: null, cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }

        if (properties.LeaseState != LeaseState.Leased && properties.LeaseState != LeaseState.Breaking)
        {
            return null;
        }

        properties.Metadata.TryGetValue(HolderMetadataKey, out var holder);
        DateTimeOffset? acquired = properties.Metadata.TryGetValue(AcquiredMetadataKey, out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
                ? parsed
                : null;
        return new LeaseHolder(holder, acquired);
    }

    internal static void ValidateDuration(TimeSpan duration, string? name = null)
    {
        if (duration < MinLeaseDuration || duration > MaxLeaseDuration)
        {
            throw new ArgumentOutOfRangeException(
                name ?? nameof(duration),
                duration,
                $"A blob lease lasts {MinLeaseDuration.TotalSeconds:0} to {MaxLeaseDuration.TotalSeconds:0} seconds.");
        }
    }

    /// <summary>The lease is someone else's: 409 LeaseAlreadyPresent, or it is being broken and cannot be taken yet.</summary>
    private static bool IsHeldByAnother(RequestFailedException ex) =>
        ex.Status == 409
        && (ex.ErrorCode == BlobErrorCode.LeaseAlreadyPresent || ex.ErrorCode == BlobErrorCode.LeaseIsBreakingAndCannotBeAcquired);

    private async Task CreateBlobAsync(CancellationToken cancellationToken)
    {
        await _blob.GetParentBlobContainerClient().CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            // If-None-Match: * — never overwrite a blob that appeared in the meantime (another process won the race).
            await _blob.UploadAsync(
                BinaryData.Empty,
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // BlobAlreadyExists / ConditionNotMet / LeaseIdMissing: it exists now, which is all we need.
        }
    }

    /// <summary>Diagnostics only (who holds it, since when): a failure here does not cost the lease.</summary>
    private async Task WriteHolderAsync(string leaseId, TimeProvider time, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>
        {
            [HolderMetadataKey] = LocalHolder,
            [AcquiredMetadataKey] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        try
        {
            await _blob.SetMetadataAsync(metadata, new BlobRequestConditions { LeaseId = leaseId }, cancellationToken);
        }
        catch (RequestFailedException)
        {
        }
    }

    private async Task<LeaseHolder?> TryGetHolderAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await GetHolderAsync(cancellationToken);
        }
        catch (RequestFailedException)
        {
            return null;
        }
    }

    private static string FormatWait(TimeSpan wait) =>
        wait.TotalSeconds < 60
            ? wait.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
            : wait.ToString("c", CultureInfo.InvariantCulture);

    private static Uri Redact(Uri uri) => SafeUrl.Strip(uri);
}

/// <summary>Who holds a lease, as the holder described itself in the blob's metadata (either part may be missing).</summary>
public sealed record LeaseHolder(string? Holder, DateTimeOffset? Acquired);
