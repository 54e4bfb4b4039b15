using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Applying;

/// <summary>
/// Executes a plan with at most <see cref="ApplyOptions.Parallelism"/> requests in flight.
/// <list type="bullet">
/// <item>Per registration, every PUT is finished before any DELETE starts; registrations run side by side, sharing the
/// one limit (requests are started in plan order as slots free up).</item>
/// <item>A failed request fails its change and the independent changes still run; a move's DELETE is sent only when its
/// PUT succeeded.</item>
/// <item>When <c>stopStarting</c> fires (the service is stopping, a lease is about to lapse) no new request starts, and
/// the requests in flight finish under their own token: what never started is reported as not attempted.</item>
/// <item>When <c>cancellationToken</c> fires no new request starts either, and a request in flight is cancelled: its
/// change fails as "cancelled while in flight" (it may have been written). Cancellation is data too:
/// <see cref="ApplyAsync(Plan, CancellationToken, CancellationToken)"/> returns normally.</item>
/// <item>When the credential cannot produce a token (<see cref="TokenUnavailableException"/>: an expired federated token,
/// say), that request is not sent and the apply stops as it does for <c>stopStarting</c>: nothing new starts, what was
/// not sent is not attempted, and <see cref="ApplyResult.StoppedBy"/> carries the credential's failure, said once.</item>
/// <item>When ARM refuses a write of a registration with <c>ScopeLocked</c> (a management lock on the registration or
/// above), no new write of that registration starts: the rest of its changes are not attempted, with the reason.</item>
/// </list>
/// The observer is told about every request, with <see cref="CancellationToken.None"/>: a journal entry is written even
/// while the apply is being cancelled. An exception from it (or any other unexpected one) stops new requests and
/// propagates once those in flight are done.
/// </summary>
public sealed class PlanApplier
{
    /// <summary>The error of a change whose request was in flight when the apply was cancelled.</summary>
    public const string CancelledInFlightMessage = "cancelled while in flight; the write may or may not have happened";

    /// <summary><see cref="ChangeResult.ErrorCode"/> of a change cancelled in flight (ours, not ARM's).</summary>
    public const string CancelledErrorCode = "Cancelled";

    /// <summary>
    /// The error code the observer gets for a request that was not sent: held back (pacing) and cancelled, stopped
    /// before it left, or without a token (its message says which).
    /// </summary>
    public const string NotSentErrorCode = "NotSent";

    /// <summary>ARM's code for a write refused by a management lock.</summary>
    public const string ScopeLockedErrorCode = "ScopeLocked";

    /// <summary>Why the changes after a <c>ScopeLocked</c> refusal in the same registration were not attempted.</summary>
    public const string ScopeLockedNotAttemptedMessage =
        "not sent: ARM refused an earlier write in this registration with ScopeLocked (a management lock), so no further write of it was started";

    private readonly ApplyOptions options;
    private readonly OperationSender sender;

    public PlanApplier(ICustomerSubscriptionClient client, ApplyOptions? options = null, IApplyObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= ApplyOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallelism, 1, nameof(options));
        this.options = options;
        sender = new OperationSender(client, observer ?? Unobserved.Instance);
    }

    /// <summary>One result per pending change, in plan order.</summary>
    public Task<ApplyResult> ApplyAsync(Plan plan, CancellationToken cancellationToken) =>
        ApplyAsync(plan, CancellationToken.None, cancellationToken);

    /// <summary>
    /// One result per pending change, in plan order. <paramref name="stopStarting"/> only stops new requests;
    /// <paramref name="cancellationToken"/> also cancels those in flight.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(Plan plan, CancellationToken stopStarting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var slots = new SemaphoreSlim(options.Parallelism, options.Parallelism);
        using var noNewStarts = CancellationTokenSource.CreateLinkedTokenSource(stopStarting, cancellationToken);
        var apply = new ApplyRun(slots, noNewStarts, cancellationToken);
        var runs = plan.Registrations.Select(registration => new RegistrationRun(registration)).ToArray();
        await Task.WhenAll(runs.Select(run => RunRegistrationAsync(run, apply))).ConfigureAwait(false);
        return new ApplyResult(runs.SelectMany(run => run.Results()).ToArray()) { StoppedBy = apply.StoppedBy };
    }

    private async Task RunRegistrationAsync(RegistrationRun run, ApplyRun apply)
    {
        await RunAllAsync(run, run.Puts, apply).ConfigureAwait(false);
        await RunAllAsync(run, run.DeletesToSend(), apply).ConfigureAwait(false);
    }

    private Task RunAllAsync(RegistrationRun run, IEnumerable<OperationRun> operations, ApplyRun apply) =>
        Task.WhenAll(operations.Select(operation => RunAsync(run, operation, apply)));

    private async Task RunAsync(RegistrationRun registrationRun, OperationRun run, ApplyRun apply)
    {
        try
        {
            await apply.Slots.WaitAsync(apply.StopStarting).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (apply.StopStarting.IsCancellationRequested)
        {
            return;
        }

        try
        {
            if (apply.Stopped)
            {
                return;
            }

            if (registrationRun.Locked)
            {
                run.Skip(ScopeLockedNotAttemptedMessage);
                return;
            }

            await sender.SendAsync(registrationRun, run, apply).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Unexpected (the observer failed, say): start nothing more; WhenAll surfaces it when the rest are done.
            apply.Fault();
            throw;
        }
        finally
        {
            apply.Slots.Release();
        }
    }

    /// <summary>Observes nothing.</summary>
    private sealed class Unobserved : IApplyObserver
    {
        public static Unobserved Instance { get; } = new();

        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;
    }
}
