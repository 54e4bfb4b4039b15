using TenantReconciler.Applying;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

/// <summary>
/// <c>apply</c>: plan (or load a saved plan and prove it is still current), check the prune guards, confirm, execute
/// with a journal, then re-list and report convergence. Exit 0 only when every change is done and a fresh plan is empty.
/// Every refusal happens before the first write of the run, for every registration.
/// </summary>
public sealed class ApplyHandler(IOContext io, ArmSessionFactory sessions, CredentialFactory credentials, TimeProvider time)
{
    public async Task<int> RunAsync(ApplyArguments arguments, CancellationToken cancellationToken)
    {
        var saved = arguments.PlanFile is null ? null : SavedPlan.Load(arguments.PlanFile);
        var desired = saved is null ? DesiredStateLoader.Load(arguments.File) : CheckSavedPlan(saved, arguments);

        var settings = ArmPipelineSettings.Default with
        {
            MaxRetryWait = arguments.Safety.MaxRetryWait,
            PacingReserve = arguments.Safety.Parallelism + 2,
            TimeProvider = time,
        };
        await using var session = await sessions.OpenAsync(desired, arguments.Connection, settings, cancellationToken);

        // With --lock, the lease is held from before the live state is read until the last write.
        await using var applyLock = arguments.Safety.Lock is { } lease
            ? await AcquireLockAsync(lease, arguments, cancellationToken)
            : null;
        using var writes = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, applyLock?.Lost ?? CancellationToken.None);

        if (saved is not null)
        {
            CheckEndpoint(saved, session.Connection.Endpoint);
        }

        var live = await LiveReader.ReadAsync(session.Client, desired, cancellationToken);
        Plan plan;
        if (saved is null)
        {
            plan = Planner.Compute(desired, live);
        }
        else
        {
            RefuseIfStale(saved, desired, live);
            plan = saved.ToPlan();
        }

        new TextPlanRenderer().Render(plan, io.Output);
        if (!plan.HasChanges)
        {
            return ExitCodes.Success;
        }

        var violations = PruneGuards.Evaluate(plan, desired, arguments.Safety.Guards);
        if (violations.Count > 0)
        {
            foreach (var violation in violations)
            {
                io.Error.WriteLine($"Refused by guard {violation}");
            }

            throw new ReconcilerException($"the plan was refused by {violations.Count} guard(s); nothing was changed in any registration.");
        }

        // A saved plan was reviewed when it was made: applying it is the approval, as with terraform.
        if (saved is null && !Confirm(arguments))
        {
            return ExitCodes.Error;
        }

        ApplyResult result;
        using (var journal = ApplyJournal.Open(arguments.Safety.Journal, saved?.PlanId, time))
        {
            journal.Started(plan);
            var options = new ApplyOptions { Parallelism = arguments.Safety.Parallelism };
            result = await new PlanApplier(session.Client, options, journal).ApplyAsync(plan, writes.Token);
            journal.Finished(result);
        }

        ApplyReport.Write(io.Output, result);
        if (applyLock is not null && applyLock.Lost.IsCancellationRequested)
        {
            io.Error.WriteLine($"Error: the lock {arguments.Safety.Lock} was lost during the apply; no write started after that. Re-run to converge.");
            return ExitCodes.Error;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            io.Error.WriteLine("Error: apply was cancelled; the changes not attempted are listed above. Re-run to converge.");
            return ExitCodes.Error;
        }

        var after = Planner.Compute(desired, await LiveReader.ReadAsync(session.Client, desired, cancellationToken));
        var converged = !after.HasChanges;
        io.Output.WriteLine(converged
            ? "Converged: the live registrations match the desired state."
            : $"Not converged: a fresh plan still has {after.Summary.Add} to add, {after.Summary.Overwrite} to overwrite, {after.Summary.Remove} to remove.");

        return result.Succeeded && converged ? ExitCodes.Success : ExitCodes.Error;
    }

    private async Task<ApplyLock> AcquireLockAsync(LeaseArguments lease, ApplyArguments arguments, CancellationToken cancellationToken)
    {
        var auth = arguments.Connection.Auth ?? (arguments.Connection.UseEmulator ? AuthKind.Emulator : AuthKind.Default);
        var blob = LeaseLockFactory.Create(lease, credentials, auth);
        io.Error.WriteLine($"Acquiring the lock {lease.Describe()} (waiting up to {arguments.Safety.LockWait.TotalSeconds:0} s)...");
        return await ApplyLock.AcquireAsync(blob, arguments.Safety.LockWait, time, cancellationToken);
    }

    private static DesiredState CheckSavedPlan(SavedPlan saved, ApplyArguments arguments)
    {
        if (arguments.FileGiven)
        {
            var sha = LiveFingerprint.OfFile(arguments.File);
            if (!string.Equals(sha, saved.DesiredSha256, StringComparison.Ordinal))
            {
                throw new ReconcilerException(
                    $"{arguments.File} changed since the plan was made ({saved.DesiredSha256} when planned, {sha} now). The saved plan is stale: run plan again.");
            }
        }

        var journal = JournalReader.Read(arguments.Safety.Journal);
        if (journal.ApplyOfPlan(saved.PlanId) is { } previous)
        {
            throw new ReconcilerException(
                $"plan {saved.PlanId:D} was already applied at {previous.Time:u} (journal {arguments.Safety.Journal}). A saved plan is single-use: run plan again.");
        }

        return saved.ToDesiredState();
    }

    private static void CheckEndpoint(SavedPlan saved, Uri endpoint)
    {
        var now = endpoint.GetLeftPart(UriPartial.Authority);
        var wasLoopback = ArmConnections.IsLoopback(new Uri(saved.Endpoint));
        var same = wasLoopback ? ArmConnections.IsLoopback(endpoint) : string.Equals(now, saved.Endpoint, StringComparison.OrdinalIgnoreCase);
        if (!same)
        {
            throw new ReconcilerException($"the plan was made against {saved.Endpoint}, but this apply targets {now}. Run plan again against the right endpoint.");
        }
    }

    private void RefuseIfStale(SavedPlan saved, DesiredState desired, IReadOnlyList<LiveRegistration> live)
    {
        var liveByRegistration = live.ToDictionary(l => l.Registration);
        var stale = saved.Registrations
            .Where(r => LiveFingerprint.Of(liveByRegistration[r.ToRegistrationRef()]) != r.LiveFingerprint)
            .Select(r => r.Name)
            .ToArray();
        if (stale.Length == 0)
        {
            return;
        }

        var delta = PlanDelta.Compute(saved.ToPlan(), Planner.Compute(desired, live));
        io.Error.WriteLine($"The live state of {string.Join(", ", stale)} changed since the plan was made. What a fresh plan would do differently:");
        if (delta.IsEmpty)
        {
            io.Error.WriteLine("  (the same changes, but from a different live state)");
        }

        delta.WriteTo(io.Error);
        throw new ReconcilerException("the saved plan is stale; nothing was changed. Review the differences above and run plan again.");
    }

    private bool Confirm(ApplyArguments arguments)
    {
        if (arguments.AutoApprove)
        {
            return true;
        }

        if (!io.IsInteractive)
        {
            io.Error.WriteLine("Error: apply needs confirmation, and standard input is not a terminal. Review the plan above and pass --auto-approve to apply it non-interactively. Nothing was changed.");
            return false;
        }

        io.Output.WriteLine();
        io.Output.WriteLine("Do you want to perform these actions?");
        io.Output.WriteLine("  Only 'yes' will be accepted to approve.");
        io.Output.Write("  Enter a value: ");
        io.Output.Flush();
        var answer = io.Input.ReadLine();
        if (string.Equals(answer?.Trim(), "yes", StringComparison.Ordinal))
        {
            return true;
        }

        io.Error.WriteLine("Apply cancelled. Nothing was changed.");
        return false;
    }
}
