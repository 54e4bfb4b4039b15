using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// One tick, in its own DI scope: read and validate the file; then, for each registration that is due and on its own
/// (one failing registration never stops the others; at most <c>--parallelism</c> side by side), call the <see cref="Reconciler"/> with the policy of the mode
/// and of this replica's leadership, and map its outcome to the <see cref="TickReport"/> (<see cref="OutcomeMapping.Report"/>, the only place that says what an outcome means). The engine judges the guards
/// on the full plan in every mode, so <c>--mode apply</c> refuses what <c>apply</c> refuses. Never throws for an
/// expected failure. Stops between registrations when the service stops; writes in flight finish.
/// </summary>
public sealed class WatchTick(
    WatchArguments arguments,
    IWatchArmClientSource sessions,
    IWriteLeadership leadership,
    WriteGate gate,
    DesiredStateCache desiredStates,
    TimeProvider time,
    WatchUsage? usage = null)
{
    public async Task<TickReport> RunAsync(long number, TickReason reason, WatchSchedule schedule, CancellationToken stoppingToken)
    {
        var started = time.GetTimestamp();
        var report = new TickReport
        {
            Number = number,
            Reason = reason,
            StartedAt = time.GetUtcNow(),
            File = arguments.File,
            Mode = arguments.Mode,
            Suspended = arguments.Suspend ? SuspendSource.Flag : SuspendSource.None,
        };

        // The term is taken once: a write of this tick never belongs to a later term. A follower's term has ended
        // before it began; it writes nothing (its scope is none), so its listings must not be bound to it.
        var leaderTerm = leadership.Term;
        var leader = !leaderTerm.IsCancellationRequested;
        var term = leader ? leaderTerm : CancellationToken.None;
        report = report with { Leader = leader };

        DesiredState desired;
        try
        {
            desired = desiredStates.Load(arguments.Files);
        }
        catch (DesiredStateException e)
        {
            return report with { DesiredSha256 = DesiredSet.TryHash(arguments.Files), Diagnostics = e.Diagnostics, Duration = time.GetElapsedTime(started) };
        }

        try
        {
            desired = Commands.Options.RegistrationOption.Limit(desired, arguments.Registrations);
        }
        catch (ReconcilerException e)
        {
            // The file no longer has a registration --registration names: said on /status, as an invalid file is.
            return report with { DesiredSha256 = desired.Sha256, Error = WatchError.From(e), Duration = time.GetElapsedTime(started) };
        }

        var suspended = arguments.Suspend ? SuspendSource.Flag : desired.Suspend ? SuspendSource.File : SuspendSource.None;
        report = report with
        {
            DesiredSha256 = desired.Sha256,
            Desired = desired.Registrations.Select(r => r.Registration).ToArray(),
            Suspended = suspended,
        };

        ICustomerSubscriptionClient client;
        try
        {
            client = await sessions.GetClientAsync(desired, stoppingToken);
        }
        catch (ReconcilerException e)
        {
            return report with { Error = WatchError.From(e), Duration = time.GetElapsedTime(started) };
        }

        // The due registrations, each on its own, at most --parallelism at a time, reported in file order.
        var engine = new Reconciler(client, usage);
        var due = desired.Registrations.Where(r => schedule.IsDue(r.Registration)).ToArray();
        var results = new RegistrationReport?[due.Length];
        using var slots = new SemaphoreSlim(arguments.Parallelism, arguments.Parallelism);
        await Task.WhenAll(due.Select(async (registration, i) =>
        {
            await slots.WaitAsync(CancellationToken.None);
            try
            {
                if (!stoppingToken.IsCancellationRequested)
                {
                    results[i] = await ReconcileAsync(engine, desired with { Registrations = [registration] }, leader, term);
                }
            }
            finally
            {
                slots.Release();
            }
        }));

        return report with { Registrations = results.OfType<RegistrationReport>().ToArray(), Duration = time.GetElapsedTime(started) };
    }

    private async Task<RegistrationReport> ReconcileAsync(Reconciler engine, DesiredState desired, bool leader, CancellationToken term)
    {
        var started = time.GetTimestamp();
        var registration = desired.Registrations[0].Registration;
        using var stopStarting = CancellationTokenSource.CreateLinkedTokenSource(gate.Closed, term);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(gate.AbortToken, term);
        await using var journal = arguments.Journal is { } path ? new JournalObserver(new FileJournalStore(path), JournalEndpoint(desired), time) : null;
        var policy = new ReconcilePolicy
        {
            Scope = !leader ? WriteScope.None : arguments.Mode switch
            {
                WatchMode.Observe => WriteScope.None,
                WatchMode.Apply => WriteScope.NoRemovals,
                _ => WriteScope.Full,
            },
            Suspended = arguments.Suspend,
            Guards = Commands.Options.OptionNames.NoGuardOverrides,
            Parallelism = arguments.Parallelism,
        };
        var caller = new UnattendedCaller { StopStarting = stopStarting.Token, Observer = new ApplyObservers(journal, gate.Observer) };

        RegistrationReport report;
        try
        {
            var outcome = await engine.ReconcileAsync(desired, policy, caller, abort.Token);
            report = OutcomeMapping.Report(desired.Registrations[0], outcome, arguments.Mode, leader);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            report = OutcomeMapping.Bug(registration, e);
        }

        return report with { Duration = time.GetElapsedTime(started) };
    }

    /// <summary>What the journal records as the endpoint: as <see cref="JournalFactory.EndpointOf"/> does for a session.</summary>
    private string JournalEndpoint(DesiredState desired) =>
        arguments.Connection.UseEmulator
            ? JournalOpenOptions.EmulatorEndpoint
            : ArmConnections.ForCloud(desired.Cloud, desired.ApiVersion, arguments.Connection.ArmEndpoint, null).Endpoint.GetLeftPart(UriPartial.Authority);
}
