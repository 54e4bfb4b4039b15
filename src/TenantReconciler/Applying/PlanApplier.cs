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

    private readonly ICustomerSubscriptionClient client;
    private readonly ApplyOptions options;
    private readonly IApplyObserver observer;

    public PlanApplier(ICustomerSubscriptionClient client, ApplyOptions? options = null, IApplyObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        options ??= ApplyOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Parallelism, 1, nameof(options));
        this.client = client;
        this.options = options;
        this.observer = observer ?? Unobserved.Instance;
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
        var registration = registrationRun.Plan.Registration;
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

            await SendAsync(registrationRun, run, apply).ConfigureAwait(false);
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

    private async Task SendAsync(RegistrationRun registrationRun, OperationRun run, ApplyRun apply)
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
            if (string.Equals(e.ErrorCode, ScopeLockedErrorCode, StringComparison.OrdinalIgnoreCase))
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
            var error = new ArmRequestException(CancelledInFlightMessage, 0, CancelledErrorCode, null, null, e);
            run.Fail(OperationStatus.CancelledInFlight, error);
            await observer.OnCompletedAsync(registration, operation, null, error, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static ArmRequestException NotSent(PlannedOperation operation, Exception? cause) => new(
        $"{operation.Kind.ToString().ToUpperInvariant()} {operation.CustomerSubscriptionName}: not sent: "
            + (cause is TokenUnavailableException ? "the credential could not get a token." : "the apply was stopping."),
        0, NotSentErrorCode, null, null, cause);

    /// <summary>
    /// What all requests of one apply share: the slots, the two tokens, and a stop after an unexpected failure or a
    /// token the credential could not produce.
    /// </summary>
    private sealed class ApplyRun(SemaphoreSlim slots, CancellationTokenSource noNewStarts, CancellationToken cancellationToken)
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

    private enum OperationStatus
    {
        NotStarted,
        NotSent,
        Succeeded,
        Failed,
        CancelledInFlight,
    }

    /// <summary>One request and what became of it. Written by the one task that runs it, read after all are done.</summary>
    private sealed class OperationRun(PlannedOperation operation)
    {
        public PlannedOperation Operation { get; } = operation;

        public OperationStatus Status { get; private set; } = OperationStatus.NotStarted;

        public ArmWriteResult? Result { get; private set; }

        public ArmRequestException? Error { get; private set; }

        public void Succeed(ArmWriteResult result)
        {
            Status = OperationStatus.Succeeded;
            Result = result;
        }

        /// <summary>Why it was not started, when there is more to say than "not attempted".</summary>
        public string? SkipReason { get; private set; }

        public void NotSent() => Status = OperationStatus.NotSent;

        public void Skip(string reason)
        {
            Status = OperationStatus.NotSent;
            SkipReason = reason;
        }

        public void Fail(OperationStatus status, ArmRequestException error)
        {
            Status = status;
            Error = error;
        }
    }

    private sealed class RegistrationRun
    {
        private readonly OperationRun[] operations;
        private int locked;
        private readonly ILookup<PlannedChange, OperationRun> byChange;

        public RegistrationRun(RegistrationPlan plan)
        {
            Plan = plan;
            operations = plan.Operations().Select(operation => new OperationRun(operation)).ToArray();
            foreach (var operation in operations)
            {
                if (operation.Operation is { Kind: OperationKind.Put, TenantId: null })
                {
                    throw new ArgumentException(
                        $"The plan of {plan.Registration.Id} has a PUT of {operation.Operation.CustomerSubscriptionName} without a tenant.",
                        nameof(plan));
                }
            }

            byChange = operations.ToLookup<OperationRun, PlannedChange>(o => o.Operation.Change, ReferenceEqualityComparer.Instance);
        }

        public RegistrationPlan Plan { get; }

        /// <summary>ARM refused a write with <c>ScopeLocked</c>: no further write of this registration starts.</summary>
        public bool Locked => Volatile.Read(ref locked) != 0;

        public void Lock() => Interlocked.Exchange(ref locked, 1);

        public IEnumerable<OperationRun> Puts => operations.Where(o => o.Operation.Kind == OperationKind.Put);

        /// <summary>Every DELETE, except a move's whose PUT did not succeed. Called once the PUTs are done.</summary>
        public IEnumerable<OperationRun> DeletesToSend() =>
            operations.Where(o => o.Operation.Kind == OperationKind.Delete
                && byChange[o.Operation.Change].All(other => other.Operation.Kind != OperationKind.Put || other.Status == OperationStatus.Succeeded));

        public IEnumerable<ChangeResult> Results() => Plan.PendingChanges.Select(Result);

        /// <summary>Failed if a request failed (or was cancelled in flight); done if all succeeded; else not attempted.</summary>
        private ChangeResult Result(PlannedChange change)
        {
            var registration = Plan.Registration;
            var runs = byChange[change].ToArray();
            if (runs.FirstOrDefault(o => o.Status is OperationStatus.Failed or OperationStatus.CancelledInFlight) is { Error: { } error })
            {
                return new ChangeResult(registration, change, ChangeOutcome.Failed, error.Message, error.ErrorCode, error.RequestId)
                {
                    Transient = error.IsTransient && error.ErrorCode != CancelledErrorCode,
                };
            }

            if (runs.Length > 0 && runs.All(o => o.Status == OperationStatus.Succeeded))
            {
                return new ChangeResult(registration, change, ChangeOutcome.Done, RequestId: runs[^1].Result!.RequestId);
            }

            return runs.Any(o => o.Status == OperationStatus.Succeeded)
                ? new ChangeResult(registration, change, ChangeOutcome.NotAttempted,
                    runs.FirstOrDefault(o => o.SkipReason is not null)?.SkipReason is { } why
                        ? $"interrupted after the PUT; the old subscription was not deleted: {why}"
                        : "interrupted after the PUT; the old subscription was not deleted")
                : new ChangeResult(registration, change, ChangeOutcome.NotAttempted, runs.FirstOrDefault(o => o.SkipReason is not null)?.SkipReason);
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
