using TenantReconciler.Leasing;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// <c>apply --lock</c>: holds the same blob lease as the <c>watch</c> service from before the live state is read until the
/// last write, so a CI apply and the service never write at the same time. A <see cref="LeaseRenewer"/> renews it, with
/// the watch leader's rule: <see cref="Lost"/> is cancelled when the lease is lost, and at the latest at the last
/// successful renewal plus the lease duration minus a safety margin, even while a renewal hangs. The apply passes it as
/// its "start nothing new" signal.
/// </summary>
public sealed class ApplyLock : IAsyncDisposable
{
    private readonly LeaseHandle _handle;
    private readonly LeaseRenewer _renewer;

    private ApplyLock(LeaseHandle handle, LeaseRenewer renewer)
    {
        _handle = handle;
        _renewer = renewer;
    }

    /// <summary>Cancelled when no new write may start under the lock (lost, or its deadline passed); also once disposed.</summary>
    public CancellationToken Lost => _renewer.WritesMustStop;

    /// <summary>Why <see cref="Lost"/> was cancelled, once it has been.</summary>
    public Task<string> LostReason => _renewer.Ended;

    /// <summary>Takes the lease for <see cref="LeaseArguments.DefaultLockDuration"/>, waiting up to <paramref name="wait"/> on <paramref name="time"/>.</summary>
    public static Task<ApplyLock> AcquireAsync(BlobLeaseLock lease, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken) =>
        AcquireAsync(lease, LeaseArguments.DefaultLockDuration, wait, time, cancellationToken);

    /// <summary>Takes the lease for <paramref name="duration"/> (15 to 60 s) and renews it every third of that.</summary>
    public static async Task<ApplyLock> AcquireAsync(BlobLeaseLock lease, TimeSpan duration, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var handle = await lease.AcquireAsync(duration, wait, time, cancellationToken);
        return new ApplyLock(handle, LeaseRenewer.Start(handle, duration / 3));
    }

    /// <summary>Stops renewing (cancelling <see cref="Lost"/>), then releases the lease.</summary>
    public async ValueTask DisposeAsync()
    {
        await _renewer.DisposeAsync();
        await _handle.DisposeAsync();
    }
}
