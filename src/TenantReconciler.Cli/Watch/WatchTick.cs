using System.Security.Cryptography;
using TenantReconciler.Applying;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// One tick, in its own DI scope: read and validate the file; then, for each registration that is due and on its own
/// (one failing registration never stops the others): list, plan, decide what the mode allows, and write it through
/// the <see cref="WriteGate"/>. Never throws for an expected failure: it is data in the <see cref="TickReport"/>.
/// Stops between registrations when the service stops; a registration being written finishes its writes in flight.
/// </summary>
public sealed class WatchTick(
    WatchArguments arguments,
    IWatchArmClientSource sessions,
    IWriteLeadership leadership,
    WriteGate gate,
    TimeProvider time)
{
    public async Task<TickReport> RunAsync(long number, TickReason reason, WatchSchedule schedule, CancellationToken stoppingToken)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        var report = new TickReport
        {
            Number = number,
            Reason = reason,
            StartedAt = startedAt,
            File = arguments.File,
            Mode = arguments.Mode,
            Suspended = arguments.Suspend ? SuspendSource.Flag : SuspendSource.None,
        };

        // The term is taken once: a write of this tick never belongs to a later term.
        var term = leadership.Term;
        var leader = !term.IsCancellationRequested;
        report = report with { Leader = leader, DesiredSha256 = DesiredFile.TryHash(arguments.File) };

        DesiredState desired;
        try
        {
            desired = DesiredStateLoader.Load(arguments.File);
        }
        catch (DesiredStateException e)
        {
            return report with { Diagnostics = e.Diagnostics, Duration = time.GetElapsedTime(started) };
        }

        var suspended = arguments.Suspend ? SuspendSource.Flag : desired.Suspend ? SuspendSource.File : SuspendSource.None;
        report = report with { Desired = desired.Registrations.Select(r => r.Registration).ToArray(), Suspended = suspended };

        ICustomerSubscriptionClient client;
        try
        {
            client = await sessions.GetClientAsync(desired, stoppingToken);
        }
        catch (ReconcilerException e)
        {
            return report with { Error = WatchError.From(e), Duration = time.GetElapsedTime(started) };
        }

        var results = new List<RegistrationReport>();
        foreach (var registration in desired.Registrations)
        {
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            if (!schedule.IsDue(registration.Registration))
            {
                continue;
            }

            var context = new RegistrationContext(desired, registration, suspended != SuspendSource.None, leader, term);
            results.Add(await ReconcileAsync(client, context, stoppingToken));
        }

        return report with { Registrations = results, Duration = time.GetElapsedTime(started) };
    }

    private async Task<RegistrationReport> ReconcileAsync(ICustomerSubscriptionClient client, RegistrationContext context, CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        var registration = context.Registration.Registration;
        var record = new WriteRecord();
        var report = new RegistrationReport { Registration = registration, Result = RegistrationResult.InSync };
        try
        {
            var live = await client.ListAsync(registration, stoppingToken);
            var plan = Planner.ComputeRegistration(context.Registration, live);
            var decision = WritePolicy.Decide(plan, context.Desired, arguments.Mode, context.Suspended, context.Leader);
            report = report with
            {
                Detected = plan.Summary,
                Pending = plan.PendingChanges.ToArray(),
                Blocked = decision.Blocked,
                Withheld = decision.Withheld,
                Violations = decision.Violations,
                Result = !plan.Summary.HasChanges ? RegistrationResult.InSync
                    : decision.Blocked == WriteBlock.Guard ? RegistrationResult.GuardRefused
                    : decision.HasWrites ? RegistrationResult.Applied
                    : RegistrationResult.Drift,
            };

            if (decision.HasWrites)
            {
                report = await WriteAsync(client, context, decision, report, record);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            report = report with { Result = RegistrationResult.Interrupted };
        }
        catch (ReconcilerException e)
        {
            // ArmRequestException included: a failed listing (or a listing refused as unusable).
            var error = WatchError.From(e);
            report = report with { Result = RegistrationResult.ListFailed, Error = error };
            record.Add(error.RequestId);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested || e is not OperationCanceledException)
        {
            // A bug: contained to this registration, reported, and the others still run.
            report = report with { Result = RegistrationResult.Error, Error = WatchError.From(e) };
        }

        return report with { RequestIds = record.RequestIds, Duration = time.GetElapsedTime(started) };
    }

    private async Task<RegistrationReport> WriteAsync(
        ICustomerSubscriptionClient client, RegistrationContext context, WriteDecision decision, RegistrationReport report, WriteRecord record)
    {
        // The applier stops starting writes once the gate closes or the term ends; the gate lets the ones in flight finish.
        var plan = new Plan([decision.ToApply]);
        using var journal = arguments.Journal is null ? null : ApplyJournal.Open(arguments.Journal, null, time);
        journal?.Started(plan);
        var gated = gate.Open(client, (IApplyObserver?)journal ?? NullApplyObserver.Instance, record, context.Term);
        using var stopWrites = CancellationTokenSource.CreateLinkedTokenSource(gate.Closed, context.Term);
        var applied = await new PlanApplier(gated.Client, ApplyOptions.Default, gated).ApplyAsync(plan, stopWrites.Token);
        journal?.Finished(applied);

        // Not sent because the service was stopping (or the term ended): not attempted, not failed.
        var result = new ApplyResult(applied.Results
            .Select(r => r.Outcome == ChangeOutcome.Failed && r.ErrorCode == PlanApplier.NotSentErrorCode ? r with { Outcome = ChangeOutcome.NotAttempted } : r)
            .ToArray());
        var notDone = result.Results.Where(r => r.Outcome != ChangeOutcome.Done).Select(r => r.Change);
        var failed = result.Results.FirstOrDefault(r => r.Outcome == ChangeOutcome.Failed);
        var failures = record.Failures;
        return report with
        {
            Writes = result.Results,
            Pending = [.. notDone, .. decision.Withheld],
            Result = failed is not null ? RegistrationResult.WriteFailed
                : result.Count(ChangeOutcome.NotAttempted) > 0 ? RegistrationResult.Interrupted
                : RegistrationResult.Applied,
            // Transient when any write failed for a transient reason: then the registration is retried after a backoff.
            Error = failed is null ? null
                : failures.Count > 0 ? WatchError.From(failures.FirstOrDefault(f => f.IsTransient) ?? failures[0])
                : new WatchError(failed.Error ?? "the write failed", failed.ErrorCode, null, failed.RequestId, null, false),
        };
    }

    private sealed record RegistrationContext(DesiredState Desired, DesiredRegistration Registration, bool Suspended, bool Leader, CancellationToken Term);
}

/// <summary>The desired-state file's hash, read without failing (the file may be mid-swap).</summary>
public static class DesiredFile
{
    public static string? TryHash(string path)
    {
        try
        {
            return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
