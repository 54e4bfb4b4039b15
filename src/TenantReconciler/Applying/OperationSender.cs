using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Applying;

/// <summary>
/// Sends one request of an apply and classifies what became of it: done, refused by ARM (a <c>ScopeLocked</c>
/// refusal locks the registration), not sent (stopping, held back by pacing and cancelled, no token), or cancelled in
/// flight. The observer is told before and after, with <see cref="CancellationToken.None"/>.
/// </summary>
internal sealed class OperationSender(ICustomerSubscriptionClient client, IApplyObserver observer)
{
    public async Task SendAsync(RegistrationRun registrationRun, OperationRun run, ApplyRun apply)
    {
        var registration = registrationRun.Plan.Registration;
        var operation = run.Operation;
        var cancellationToken = apply.CancellationToken;
        await observer.OnStartingAsync(registration, operation, CancellationToken.None).ConfigureAwait(false);

        // Checked again once announced: a stop that came while the observer ran (and may have logged it) wins.
        if (apply.StopStarting.IsCancellationRequested)
        {
            run.NotSent();
            await observer.OnCompletedAsync(registration, operation, null, NotSent(operation, null), CancellationToken.None).ConfigureAwait(false);
            return;
        }

        try
        {
            var result = operation.Kind == OperationKind.Put
                ? await client.PutAsync(registration, operation.CustomerSubscriptionName, operation.TenantId!.Value, cancellationToken).ConfigureAwait(false)
                : await client.DeleteAsync(registration, operation.CustomerSubscriptionName, cancellationToken).ConfigureAwait(false);
            run.Succeed(result);
            await observer.OnCompletedAsync(registration, operation, result, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ArmRequestException e)
        {
            if (string.Equals(e.ErrorCode, PlanApplier.ScopeLockedErrorCode, StringComparison.OrdinalIgnoreCase))
            {
                // The lock holds for every other write of the registration too: do not send them all to the same refusal.
                registrationRun.Lock();
            }

            run.Fail(OperationStatus.Failed, e);
            await observer.OnCompletedAsync(registration, operation, null, e, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TokenUnavailableException e)
        {
            // No token, so this attempt was not sent; nothing new starts, as for a stop. An earlier attempt (before a
            // retry) may have been written: then the change failed, its outcome unknown.
            apply.Stop(e);
            if (e.EarlierAttemptSent)
            {
                var error = new ArmRequestException(
                    $"{operation.Kind.ToString().ToUpperInvariant()} {operation.CustomerSubscriptionName}: a retry could not get a token; an earlier attempt was sent, so the write may or may not have happened",
                    0, null, null, null, e);
                run.Fail(OperationStatus.Failed, error);
                await observer.OnCompletedAsync(registration, operation, null, error, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                run.NotSent();
                await observer.OnCompletedAsync(registration, operation, null, NotSent(operation, e), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (RequestNotSentException e) when (cancellationToken.IsCancellationRequested)
        {
            // Held back by pacing and cancelled before it left: the change is not attempted; the journal says why.
            run.NotSent();
            await observer.OnCompletedAsync(registration, operation, null, NotSent(operation, e), CancellationToken.None).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            var error = new ArmRequestException(PlanApplier.CancelledInFlightMessage, 0, PlanApplier.CancelledErrorCode, null, null, e);
            run.Fail(OperationStatus.CancelledInFlight, error);
            await observer.OnCompletedAsync(registration, operation, null, error, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static ArmRequestException NotSent(PlannedOperation operation, Exception? cause) => new(
        $"{operation.Kind.ToString().ToUpperInvariant()} {operation.CustomerSubscriptionName}: not sent: "
            + (cause is TokenUnavailableException ? "the credential could not get a token." : "the apply was stopping."),
        0, PlanApplier.NotSentErrorCode, null, null, cause);
}
