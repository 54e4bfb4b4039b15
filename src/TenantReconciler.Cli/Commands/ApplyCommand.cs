using System.CommandLine;
using TenantReconciler.Applying;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Commands;

/// <summary><paramref name="FileGiven"/>: -f was on the command line (with a saved plan, it replaces the recorded path).</summary>
public sealed record ApplyArguments(
    IReadOnlyList<string> Files,
    bool FileGiven,
    string? PlanFile,
    bool AutoApprove,
    GuardOverrides Guards,
    bool IgnoreSuspend,
    WriteLimits Limits,
    ConnectionArguments Connection)
{
    /// <summary><c>--registration</c>: the registrations the run is limited to; null for all (or, with a saved plan, those it records).</summary>
    public IReadOnlyList<string>? Registrations { get; init; }
    /// <summary>How the stamps of tenants.yaml are read (<c>--stamp-auth</c>, <c>--stamp-ca-cert</c>, <c>--usage-days</c>).</summary>
    public StampArguments Stamps { get; init; } = StampArguments.Default;
}

/// <summary>
/// <c>apply [PLANFILE]</c>: parse, open the session, hold the lock, and call the <see cref="Reconciler"/> with the policy of
/// an apply: every change permitted, the command line's guard overrides, and a confirmation (a saved plan was
/// reviewed: applying it is the approval, as with terraform, but it is re-derived and must come out identical).
/// Exit 0 only when every change is done and a fresh plan is empty.
/// </summary>
public sealed class ApplyCommand(IOContext io, ArmSessionFactory sessions, CredentialFactory credentials, TimeProvider time, CommandVerbosity verbosity, StampSessionFactory stamps) : ICommandHandler<ApplyArguments>
{
    public static Command Create(CliContext cli)
    {
        var file = CommonOptions.File();
        var planFile = new Argument<string?>("PLANFILE")
        {
            Description = "A plan saved by 'plan --out' or 'undo'. It is re-derived from tenants.yaml and a fresh listing and applied only if identical.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var planOption = new Option<string?>("--plan") { Description = "Same as PLANFILE." };
        var autoApprove = new Option<bool>("--auto-approve")
        {
            Description = "Apply without asking. Required when standard input is not a terminal.",
        };
        var guards = new GuardOptions();
        var writes = new WriteOptions();
        var stampOptions = new StampOptions();
        var connection = new ConnectionOptions();
        var registrations = new RegistrationOption();
        var command = new Command("apply", "Compute the plan (or re-derive a saved one), check the guards, confirm, apply, then re-list and report convergence.")
        {
            file, planFile, planOption, autoApprove,
        };
        guards.AddTo(command);
        registrations.AddTo(command);
        writes.AddTo(command);
        connection.AddTo(command);
        stampOptions.AddTo(command);
        command.Validators.Add(r =>
        {
            if (r.GetValue(planFile) is not null && r.GetValue(planOption) is not null)
            {
                r.AddError("Give the saved plan either as PLANFILE or with --plan, not both.");
            }
        });
        cli.SetAction<ApplyCommand, ApplyArguments>(command, parseResult =>
            new ApplyArguments(
                parseResult.GetRequiredValue(file),
                parseResult.GetResult(file) is { Implicit: false },
                parseResult.GetValue(planFile) ?? parseResult.GetValue(planOption),
                parseResult.GetValue(autoApprove),
                guards.Parse(parseResult),
                guards.IgnoreSuspend(parseResult),
                writes.Parse(parseResult),
                connection.Parse(parseResult)) { Registrations = registrations.Parse(parseResult), Stamps = stampOptions.Parse(parseResult) });
        return command;
    }

    public async Task<int> RunAsync(ApplyArguments arguments, CancellationToken cancellationToken)
    {
        var saved = arguments.PlanFile is null ? null : SavedPlan.Load(arguments.PlanFile);
        if (saved is not null && arguments.Registrations is { } given && !SameNames(given, saved.Source.Registrations))
        {
            throw new ReconcilerException(
                $"the saved plan is limited to {(saved.Source.Registrations is { } recorded ? string.Join(", ", recorded.Select(n => $"'{Text.Quote(n)}'")) : "every registration")}, and --registration cannot change that: apply it without --registration, or run plan again with the registrations you mean. Nothing was changed.");
        }

        // A saved plan is re-derived for the registrations it was limited to, and only those.
        var desired = saved is null
            ? RegistrationOption.Limit(DesiredStateLoader.LoadAll(arguments.Files), arguments.Registrations)
            : RegistrationOption.Limit(
                SavedPlanSource.LoadDesired(saved, arguments.PlanFile!, arguments.FileGiven ? arguments.Files : null, Directory.GetCurrentDirectory()),
                saved.Source.Registrations);

        // --parallelism bounds both the listings side by side and the writes in flight.
        var settings = ArmPipelineSettings.Default.ForParallelism(arguments.Limits.Parallelism, arguments.Limits.Parallelism) with
        {
            MaxRetryWait = arguments.Limits.MaxRetryWait,
        };
        await using var session = await sessions.OpenAsync(desired, arguments.Connection, settings, cancellationToken);
        if (saved is not null && saved.Target != session.Target)
        {
            throw new ReconcilerException($"the plan was made against {OptionNames.Spell(saved.Target.Describe())}, but this apply targets {OptionNames.Spell(session.Target.Describe())}. Nothing was changed; run plan again against the right target.");
        }

        StampSessionFactory.Check(desired, session, arguments.Stamps);

        var journal = JournalFactory.Create(arguments.Limits.Journal, credentials, arguments.Connection.EffectiveAuth);
        if (saved is not null && (await journal.ReadAsync(cancellationToken)).ApplyOfPlan(saved.PlanId) is { } claim)
        {
            // Replayed: the journal says so before anything is listed, rather than a "stale" plan that this very plan made
            // stale. The conditional claim before the first write still decides when two applies race.
            io.Error.WriteLine($"Error: {ApplyJournal.AlreadyApplied(saved.PlanId, claim, journal.Describe()).Message} Nothing was changed.");
            return ExitCodes.Error;
        }

        var request = saved is { Source.IsUndo: true }
            ? await UndoRequestAsync(saved, desired, journal, session, cancellationToken)
            : ReconcileRequest.For(desired);

        // With --lock, the lease is held from before the live state is read until the last write.
        await using var applyLock = arguments.Limits.Lock is { } lease ? await AcquireLockAsync(lease, arguments, cancellationToken) : null;
        await using var journalObserver = new JournalObserver(journal, JournalFactory.EndpointOf(session), time);

        // Ctrl+C: the first press during the writes finishes those in flight and starts nothing new (as a lost lock does).
        using var stopStarting = CancellationTokenSource.CreateLinkedTokenSource(applyLock?.Lost ?? CancellationToken.None, io.Interrupts.StopStarting);
        var policy = new ReconcilePolicy
        {
            Scope = WriteScope.Full,
            Guards = arguments.Guards,
            IgnoreSuspend = arguments.IgnoreSuspend,
            Approved = saved is null ? null : new ApprovedPlan(saved.PlanId, saved.ContentHash(), saved.ToPlan(), saved.Fingerprints()),
            Parallelism = arguments.Limits.Parallelism,
        };
        var caller = new Caller(this, io, arguments, saved is not null, new ApplyObservers(journalObserver, ApplyProgress.For(io, time)), stopStarting.Token);

        var usage = StampSessionFactory.AnyStamp(desired) ? stamps.UsageSource(session, arguments.Stamps, settings) : null;
        var outcome = await new Reconciler(session.Client, usage).ReconcileAsync(request, policy, caller, cancellationToken);
        if (!caller.Shown && outcome.Plan is { } plan && outcome.Status != ReconcileStatus.PlanMismatch)
        {
            PlanOutput.Text(io, plan);
        }

        if (applyLock is not null && applyLock.Lost.IsCancellationRequested && !io.Interrupts.Requested && outcome.Applied is not null)
        {
            ApplyReport.Write(io.Output, outcome.Applied);
            io.Error.WriteLine($"Error: the lock {arguments.Limits.Lock} could no longer be trusted during the apply; no write started after that. Re-run to converge.");
            return ExitCodes.Error;
        }

        var exitCode = ApplyOutcomeReport.Write(io, outcome, cancellationToken.IsCancellationRequested || io.Interrupts.Requested, undo: saved is { Source.IsUndo: true }, verbosity: verbosity.Level);
        return io.Interrupts.Requested ? ExitCodes.Interrupted : exitCode;
    }

    /// <summary>A saved undo plan's request, re-derived from the journal it was made from (<see cref="UndoRequests.ForSavedPlan"/>).</summary>
    private async Task<ReconcileRequest> UndoRequestAsync(SavedPlan saved, DesiredState desired, JournalStore journal, ArmSession session, CancellationToken cancellationToken)
    {
        if (!string.Equals(saved.Source.Journal, journal.Describe(), StringComparison.Ordinal))
        {
            throw new ReconcilerException($"the undo plan was made from the journal {saved.Source.Journal}, not {journal.Describe()}: pass --journal for that journal.");
        }

        var contents = await JournalFactory.ReadAsync(journal, io.Error, cancellationToken);
        return UndoRequests.ForSavedPlan(saved, desired, contents, journal.Describe(), JournalFactory.EndpointOf(session), JournalFactory.EndpointOption);
    }

    private async Task<ApplyLock> AcquireLockAsync(LeaseArguments lease, ApplyArguments arguments, CancellationToken cancellationToken)
    {
        var blob = LeaseLockFactory.Create(lease, credentials, arguments.Connection.EffectiveAuth);
        io.Error.WriteLine($"Acquiring the lock {lease.Describe()} (waiting up to {lease.Wait.TotalSeconds:0} s)...");
        return await ApplyLock.AcquireAsync(blob, lease.Duration, lease.Wait, time, cancellationToken);
    }

    /// <summary>terraform's prompt: only 'yes' approves. Ctrl+C at the prompt is a newline and "Apply cancelled."</summary>
    private async Task<bool> ConfirmAsync(ApplyArguments arguments)
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
        string? answer;
        try
        {
            // The read cannot be cancelled: it is waited for with Ctrl+C, and left behind when the process ends.
            answer = await Task.Run(io.Input.ReadLine).WaitAsync(io.Interrupts.StopStarting);
        }
        catch (OperationCanceledException) when (io.Interrupts.StopStarting.IsCancellationRequested)
        {
            io.Output.WriteLine();
            io.Output.Flush();
            io.Error.WriteLine("Apply cancelled.");
            return false;
        }

        if (string.Equals(answer?.Trim(), "yes", StringComparison.Ordinal))
        {
            return true;
        }

        io.Error.WriteLine("Apply cancelled. Nothing was changed.");
        return false;
    }

    /// <summary>What apply does while the engine runs: show the plan and ask (terraform's prompt), the journal and the progress.</summary>
    private sealed class Caller(ApplyCommand command, IOContext io, ApplyArguments arguments, bool savedPlan, IApplyObserver observer, CancellationToken stopStarting)
        : IReconcileCaller
    {
        /// <summary>The plan was shown (at the confirmation).</summary>
        public bool Shown { get; private set; }

        public CancellationToken StopStarting => stopStarting;

        public IApplyObserver Observer => observer;

        public async ValueTask<bool> ConfirmAsync(ReconcileReview review, CancellationToken cancellationToken)
        {
            PlanOutput.Text(io, review.Plan);
            Shown = true;
            return savedPlan || await command.ConfirmAsync(arguments);
        }
    }

    private static bool SameNames(IReadOnlyList<string> given, IReadOnlyList<string>? recorded) =>
        recorded is not null && given.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(recorded);
}
