using Azure;
using Azure.Storage.Blobs.Specialized;

namespace TenantReconciler.Leasing;

/// <summary>
/// A lease taken by <see cref="BlobLeaseLock"/>. Renew it before it expires; dispose it (or release it) when done.
/// Disposing releases the lease, ignoring only the errors that say the lease was no longer ours.
/// </summary>
public sealed class LeaseHandle : IAsyncDisposable
{
    private readonly BlobLeaseClient _lease;
    private volatile bool _released;

    internal LeaseHandle(BlobLeaseClient lease, Uri blobUri, TimeSpan duration, TimeProvider time, long requestedAt)
    {
        _lease = lease;
        BlobUri = blobUri;
        Duration = duration;
        Time = time;
        RequestedAt = requestedAt;
    }

    /// <summary>The lease id: the proof of ownership that renew and release send.</summary>
    public string LeaseId => _lease.LeaseId;

    /// <summary>The leased blob, without any query string.</summary>
    public Uri BlobUri { get; }

    /// <summary>How long the lease lasts after each acquire or renewal.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The clock the lease was acquired on: <see cref="LeaseRenewer"/> keeps its deadline on it.</summary>
    internal TimeProvider Time { get; }

    /// <summary>
    /// When (a <see cref="Time"/> timestamp) the acquire request that got the lease was sent. The service starts the
    /// lease when it receives the request, so the lease lasts at least until this plus <see cref="Duration"/>.
    /// </summary>
    internal long RequestedAt { get; }

    /// <summary>
    /// Restarts the lease's duration. False when the lease is lost (it expired and someone else took it, it was broken,
    /// the blob is gone) or was released; throws on any other failure, when the outcome is unknown.
    /// </summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        if (_released)
        {
            return false;
        }

        try
        {
            await _lease.RenewAsync(conditions: null, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (IsLeaseLost(ex))
        {
            return false;
        }
    }

    /// <summary>Gives the lease up so another writer can take it at once. Safe to call more than once.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        if (_released)
        {
            return;
        }

        try
        {
            await _lease.ReleaseAsync(conditions: null, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsLeaseLost(ex))
        {
            // Someone else's now, or gone: there is nothing of ours left to release.
        }

        _released = true;
    }

    public async ValueTask DisposeAsync() => await ReleaseAsync(CancellationToken.None);

    /// <summary>
    /// 409 (LeaseIdMismatchWithLeaseOperation, LeaseNotPresentWithLeaseOperation, LeaseIsBrokenAndCannotBeRenewed, …),
    /// 412 (LeaseLost, LeaseIdMismatch…) or 404 (the blob or its container is gone).
    /// </summary>
    internal static bool IsLeaseLost(RequestFailedException ex) => ex.Status is 409 or 412 or 404;
}
