using TenantReconciler.Applying;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Stamps;

namespace TenantReconciler.Reconciling;

/// <summary>
/// The one reconcile engine, behind <c>apply</c>, <c>apply PLANFILE</c> and every <c>watch</c> tick. For a set of
/// registrations it:
/// <list type="number">
/// <item>lists each one (a listing that is not certainly complete fails the whole run: nothing is written anywhere);</item>
/// <item>plans with the pure <see cref="Planner"/>, and with an approved plan requires the same listings and the very
/// same plan;</item>
/// <item>judges every guard once, on the <b>full</b> plan, whatever the scope lets through;</item>
/// <item>writes what the <see cref="WriteScope"/> permits through <see cref="PlanApplier"/>, unless suspended, refused
/// or not approved;</item>
/// <item>re-lists and reports convergence.</item>
/// </list>
/// What differs between callers is only the <see cref="ReconcilePolicy"/> (data: how a run may write) and the
/// <see cref="IReconcileCaller"/> (what the caller does meanwhile: confirm, observe). The outcome is data: drift, refusals and ARM
/// failures are statuses, not exceptions. Only a bug propagates.
/// </summary>
public sealed class Reconciler(ICustomerSubscriptionClient client, IUsageSource? usage = null)
{
    public Task<ReconcileOutcome> ReconcileAsync(DesiredState desired, ReconcilePolicy policy, CancellationToken cancellationToken) =>
        ReconcileAsync(ReconcileRequest.For(desired), policy, UnattendedCaller.None, cancellationToken);

    public Task<ReconcileOutcome> ReconcileAsync(ReconcileRequest request, ReconcilePolicy policy, CancellationToken cancellationToken) =>
        ReconcileAsync(request, policy, UnattendedCaller.None, cancellationToken);

    public Task<ReconcileOutcome> ReconcileAsync(DesiredState desired, ReconcilePolicy policy, IReconcileCaller caller, CancellationToken cancellationToken) =>
        ReconcileAsync(ReconcileRequest.For(desired), policy, caller, cancellationToken);

    /// <summary>
    /// One run. <paramref name="caller"/> is what the caller does meanwhile (confirm, observe the writes, stop starting);
    /// <paramref name="cancellationToken"/> also cancels the requests in flight.
    /// </summary>
    public async Task<ReconcileOutcome> ReconcileAsync(ReconcileRequest request, ReconcilePolicy policy, IReconcileCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(caller);

        // 1. List, and read the stamps' usage side by side. The first listing failure ends the run before anything is planned.
        using var usageStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var usageRead = usage is not null && request.KnownDesired is { } known && PlanUsage.AnyStamp(known)
            ? ReadUsageAsync(known, usageStop.Token)
            : null;
        var listed = await ListAsync(request.Registrations, policy, caller.StopStarting, cancellationToken);
        if (listed.Failure is { } failure)
        {
            await usageStop.CancelAsync();
            await ObserveAsync(usageRead);
            return failure;
        }

        var live = listed.Live!;
        DesiredState desired;
        try
        {
            desired = request.DesiredFor(live);
        }
        catch (ReconcilerException e)
        {
            await usageStop.CancelAsync();
            await ObserveAsync(usageRead);
            return new ReconcileOutcome { Status = ReconcileStatus.PlanMismatch, Live = live, Error = e };
        }

        // 2. Plan (with the usage of every tenant a change leaves unmapped), and hold it against the approved plan.
        var plan = Planner.Compute(desired, live);
        IReadOnlyList<StampReport> reports = [];
        if (usage is not null && PlanUsage.AnyStamp(desired))
        {
            if (usageRead is not null && ReferenceEquals(desired, request.KnownDesired))
            {
                reports = await usageRead;
            }
            else
            {
                await usageStop.CancelAsync();
                await ObserveAsync(usageRead);
                reports = await ReadUsageAsync(desired, cancellationToken);
            }

            plan = PlanUsage.Attach(plan, desired, reports, usage.CurrentWindow);
        }
        else
        {
            await usageStop.CancelAsync();
            await ObserveAsync(usageRead);
        }

        var (permitted, withheld) = PlanScope.Narrow(plan, policy.Scope);
        var outcome = new ReconcileOutcome
        {
            Status = ReconcileStatus.InSync,
            Desired = desired,
            Live = live,
            Usage = reports,
            Plan = plan,
            Withheld = withheld,
        };
        if (policy.Approved is { } approved && Compare(approved, plan, live) is { } mismatch)
        {
            return mismatch with { Desired = desired, Live = live, Plan = plan, Withheld = withheld };
        }

        // 3. The guards, once, on the full plan.
        outcome = outcome with { Violations = PruneGuards.Evaluate(plan, desired, policy.Guards) };
        if (!plan.HasChanges)
        {
            return outcome;
        }

        if ((desired.Suspend && !policy.IgnoreSuspend) || policy.Suspended)
        {
            return outcome with { Status = ReconcileStatus.Suspended };
        }

        // Nothing to write is no refusal: the violations are still reported, and judged on the full plan once there is.
        if (!permitted.HasChanges)
        {
            return outcome with { Status = ReconcileStatus.Drift };
        }

        if (outcome.Violations.Count > 0)
        {
            return outcome with { Status = ReconcileStatus.GuardRefused };
        }

        if (!await caller.ConfirmAsync(new ReconcileReview(desired, plan, permitted), cancellationToken))
        {
            return outcome with { Status = ReconcileStatus.NotApproved };
        }

        // 4. Write what the scope permits.
        var applied = await WriteAsync(permitted, policy, caller, cancellationToken);
        if (applied.Result is null)
        {
            return outcome with { Status = ReconcileStatus.ClaimRefused, Error = applied.Refusal };
        }

        outcome = outcome with { Applied = applied.Result };
        if (cancellationToken.IsCancellationRequested || (caller.StopStarting.IsCancellationRequested && applied.Result.Count(ChangeOutcome.NotAttempted) > 0))
        {
            return outcome with { Status = ReconcileStatus.Interrupted };
        }

        if (applied.Result.StoppedBy is { } noToken)
        {
            // The credential stopped giving tokens: a re-listing would ask it again. What was not sent is reported as such.
            return outcome with { Status = ReconcileStatus.WriteFailed, Error = noToken };
        }

        // 5. Re-list and report convergence.
        var after = await ListAsync(request.Registrations, policy, caller.StopStarting, cancellationToken);
        if (after.Failure is { } relist)
        {
            return outcome with { Status = ReconcileStatus.WriteFailed, Error = relist.Error };
        }

        var remaining = Planner.Compute(desired, after.Live!);
        var converged = applied.Result.Succeeded && !PlanScope.Narrow(remaining, policy.Scope).Permitted.HasChanges;
        return outcome with
        {
            Status = converged ? ReconcileStatus.Applied : ReconcileStatus.WriteFailed,
            After = remaining,
            Relisted = after.Live,
        };
    }

    private async Task<(IReadOnlyList<LiveRegistration>? Live, ReconcileOutcome? Failure)> ListAsync(
        IReadOnlyList<RegistrationRef> registrations, ReconcilePolicy policy, CancellationToken stopStarting, CancellationToken cancellationToken)
    {
        // A listing is read-only, but one that is still running when no write may start any more is of no use.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stopStarting);
        try
        {
            return (await LiveReader.ReadAsync(client, registrations, policy.Parallelism, stop.Token), null);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return (null, new ReconcileOutcome { Status = ReconcileStatus.Interrupted });
        }
        catch (ReconcilerException e)
        {
            return (null, new ReconcileOutcome { Status = ReconcileStatus.ListFailed, Error = e });
        }
    }

    /// <summary>
    /// The stamps' reports; options that cannot work (a <see cref="ReconcilerException"/>) make every stamp's usage
    /// unknown with that reason, so the guard refuses what it cannot judge and the run goes on for everything else.
    /// </summary>
    private async Task<IReadOnlyList<StampReport>> ReadUsageAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        try
        {
            return await usage!.ReadAsync(desired, cancellationToken);
        }
        catch (ReconcilerException e)
        {
            var window = usage!.CurrentWindow;
            return [.. desired.Registrations.Where(r => r.Stamp is not null).Select(r => new StampReport
            {
                Registration = r.Registration,
                Stamp = r.Stamp!,
                Window = window,
                Status = StampReadStatus.Unknown,
                Problem = OutsideText.Sanitize(e.Message),
            })];
        }
    }

    private static async Task ObserveAsync(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
            // Not needed any more.
        }
    }

    /// <summary>Null when the plan is the approved one, made from the same listings; else the refusal.</summary>
    private static ReconcileOutcome? Compare(ApprovedPlan approved, Plan plan, IReadOnlyList<LiveRegistration> live)
    {
        var stale = live
            .Where(l => !approved.Fingerprints.TryGetValue(l.Registration, out var fingerprint) || fingerprint != LiveFingerprint.Of(l))
            .Select(l => l.Registration)
            .ToArray();
        var delta = PlanDelta.Compute(approved.Plan, plan);
        var sameRegistrations = approved.Plan.Registrations.Select(r => r.Registration).ToHashSet().SetEquals(plan.Registrations.Select(r => r.Registration));
        return stale.Length == 0 && delta.IsEmpty && sameRegistrations
            ? null
            : new ReconcileOutcome { Status = ReconcileStatus.PlanMismatch, Mismatch = delta, Stale = stale };
    }

    /// <summary>The writes, told to the caller's observer: begun (a saved plan's claim may refuse them all), each request, ended.</summary>
    private async Task<(ApplyResult? Result, ReconcilerException? Refusal)> WriteAsync(
        Plan permitted, ReconcilePolicy policy, IReconcileCaller caller, CancellationToken cancellationToken)
    {
        var observer = caller.Observer;
        if (observer is not null)
        {
            try
            {
                var claim = policy.Approved is { } approved ? new PlanClaim(approved.PlanId, approved.ContentHash) : null;
                await observer.BeginAsync(permitted, claim, cancellationToken);
            }
            catch (ReconcilerException e)
            {
                return (null, e);
            }
        }

        var applier = new PlanApplier(client, new ApplyOptions { Parallelism = policy.Parallelism }, observer);
        ApplyResult result;
        try
        {
            result = await applier.ApplyAsync(permitted, caller.StopStarting, cancellationToken);
        }
        catch when (observer is not null)
        {
            // Unexpected (an observer failed, say): it propagates; the others are ended first, with no result.
            await observer.EndAsync(null, CancellationToken.None);
            throw;
        }

        if (observer is not null)
        {
            await observer.EndAsync(result, CancellationToken.None);
        }

        return (result, null);
    }
}
