using TenantReconciler.Desired;

namespace TenantReconciler.Live;

/// <summary>
/// Reads the live state of every desired registration before anything is planned. One failed listing fails the whole
/// read, so a run never writes on the basis of a partial picture.
/// </summary>
public static class LiveReader
{
    public const int DefaultParallelism = 4;

    public static Task<IReadOnlyList<LiveRegistration>> ReadAsync(
        ICustomerSubscriptionClient client,
        DesiredState desired,
        CancellationToken cancellationToken) =>
        ReadAsync(client, desired.Registrations.Select(r => r.Registration).ToArray(), DefaultParallelism, cancellationToken);

    public static Task<IReadOnlyList<LiveRegistration>> ReadAsync(
        ICustomerSubscriptionClient client,
        IReadOnlyList<RegistrationRef> registrations,
        CancellationToken cancellationToken) =>
        ReadAsync(client, registrations, DefaultParallelism, cancellationToken);

    /// <summary>
    /// Lists the registrations concurrently, at most <paramref name="parallelism"/> at a time, started in order. The
    /// result is in the order of <paramref name="registrations"/>, as a sequential read would give it. The first failure
    /// cancels the listings still running and is thrown (an earlier registration's failure wins over a later one's).
    /// </summary>
    public static async Task<IReadOnlyList<LiveRegistration>> ReadAsync(
        ICustomerSubscriptionClient client,
        IReadOnlyList<RegistrationRef> registrations,
        int parallelism,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(registrations);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var live = new LiveRegistration[registrations.Count];
        if (parallelism == 1 || registrations.Count <= 1)
        {
            for (var i = 0; i < live.Length; i++)
            {
                live[i] = await client.ListAsync(registrations[i], cancellationToken).ConfigureAwait(false);
            }

            return live;
        }

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var errors = new Exception?[registrations.Count];
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(parallelism, registrations.Count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < live.Length && !failed.IsCancellationRequested)
            {
                try
                {
                    live[i] = await client.ListAsync(registrations[i], failed.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // Fail-closed: stop every other listing at once; the caller writes nothing.
                    errors[i] = e;
                    await failed.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            }
        }).ToArray();

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The cause, not the cancellations it made: the first non-cancellation failure in registration order.
            var failure = errors.FirstOrDefault(e => e is not null and not OperationCanceledException);
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            }

            throw;
        }

        // Cancelled before a worker took every registration: no listing is complete, so none is returned.
        cancellationToken.ThrowIfCancellationRequested();
        return live;
    }
}
