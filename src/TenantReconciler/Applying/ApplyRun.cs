using TenantReconciler.Live;

namespace TenantReconciler.Applying;

/// <summary>
/// What all requests of one apply share: the slots, the two tokens, and a stop after an unexpected failure or a
/// token the credential could not produce.
/// </summary>
internal sealed class ApplyRun(SemaphoreSlim slots, CancellationTokenSource noNewStarts, CancellationToken cancellationToken)
{
    private volatile bool faulted;
    private TokenUnavailableException? stoppedBy;

    public SemaphoreSlim Slots { get; } = slots;

    /// <summary>No new request starts once this fires (it includes <see cref="CancellationToken"/>).</summary>
    public CancellationToken StopStarting { get; } = noNewStarts.Token;

    /// <summary>Cancels the requests in flight.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    public bool Stopped => faulted || StopStarting.IsCancellationRequested;

    /// <summary>The first credential failure that stopped the apply.</summary>
    public TokenUnavailableException? StoppedBy => Volatile.Read(ref stoppedBy);

    public void Fault() => faulted = true;

    /// <summary>Starts nothing more; the requests in flight finish under their own token.</summary>
    public void Stop(TokenUnavailableException reason)
    {
        Interlocked.CompareExchange(ref stoppedBy, reason, null);
        noNewStarts.Cancel();
    }
}
