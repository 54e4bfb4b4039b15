using TenantReconciler.Leasing;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// <c>apply --lock</c>: holds the same blob lease as the <c>watch</c> service from before the live state is read until the
/// last write, so a CI apply and the service never write at the same time. The lease is renewed in the background;
/// if it is lost, <see cref="Lost"/> is cancelled and the apply starts no new write.
/// </summary>
public sealed class ApplyLock : IAsyncDisposable
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);
    private readonly LeaseHandle _handle;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    private ApplyLock(LeaseHandle handle, TimeProvider time)
    {
        _handle = handle;
        _renewal = RenewAsync(time);
    }

    public CancellationToken Lost => _lost.Token;

    public static async Task<ApplyLock> AcquireAsync(BlobLeaseLock lease, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var handle = await lease.AcquireAsync(Duration, wait, time, cancellationToken);
        return new ApplyLock(handle, time);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _renewal;
        }
        catch (OperationCanceledException)
        {
        }

        await _handle.DisposeAsync();
        _lost.Dispose();
        _stop.Dispose();
    }

    private async Task RenewAsync(TimeProvider time)
    {
        while (!_stop.IsCancellationRequested)
        {
            await Task.Delay(Duration / 3, time, _stop.Token);
            bool renewed;
            try
            {
                renewed = await _handle.RenewAsync(_stop.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                renewed = false;
            }

            if (!renewed)
            {
                await _lost.CancelAsync();
                return;
            }
        }
    }
}
