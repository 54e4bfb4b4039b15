using System.CommandLine;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

public sealed record PlanArguments(IReadOnlyList<string> Files, string Output, bool DetailedExitCode, string? Out, ConnectionArguments Connection)
{
    public int Parallelism { get; init; } = LiveReader.DefaultParallelism;

    /// <summary>Where a plan saved with <see cref="Out"/> is issued: the journal that <c>apply PLANFILE</c> will claim it in.</summary>
    public JournalArguments Journal { get; init; } = new(ToolInfo.DefaultJournal);

    /// <summary><c>--force</c>: replace <see cref="Out"/> even when it is a symbolic link (the link itself, never its target).</summary>
    public bool Force { get; init; }

    /// <summary>The guard overrides the pipeline's apply will pass (<c>--allow-empty</c>, <c>--max-removals</c>, <c>--confirm-removals</c>).</summary>
    public Planning.GuardOverrides Guards { get; init; } = OptionNames.NoGuardOverrides;

    /// <summary><c>--ignore-suspend</c>, as apply will be given it.</summary>
    public bool IgnoreSuspend { get; init; }

    /// <summary><c>--registration</c>: the registrations the plan is limited to; null for all. A saved plan records them.</summary>
    public IReadOnlyList<string>? Registrations { get; init; }
    /// <summary>How the stamps of tenants.yaml are read (<c>--stamp-auth</c>, <c>--stamp-ca-cert</c>, <c>--usage-days</c>).</summary>
    public StampArguments Stamps { get; init; } = StampArguments.Default;
}

/// <summary>
/// <c>plan</c>: the engine with nothing permitted to write, so that plan, apply and watch judge the same plan with the same
/// guards. The plan goes to stdout; the guards apply would trip go to stderr, so a reviewer sees them on the pull
/// request, and so do the management locks that would refuse a planned change (read for the registrations with changes). With <c>--out</c>, also a saved plan for <c>apply PLANFILE</c>, issued in the journal (<c>--journal</c>, the
/// one apply uses) with the SHA-256 of its content, so that apply accepts exactly that file, once.
/// </summary>
public sealed class PlanCommand(IOContext io, ArmSessionFactory sessions, CredentialFactory credentials, TimeProvider time, CommandVerbosity verbosity, StampSessionFactory stamps) : ICommandHandler<PlanArguments>
{
    public static Command Create(CliContext cli)
    {
        var file = CommonOptions.File();
        var output = CommonOptions.Format();
        var detailed = new Option<bool>("--detailed-exitcode")
        {
            Description = "Exit 2 when the plan has changes (0: no changes, 1: an error, or a plan that apply with these guard options would refuse).",
        };
        var outFile = new Option<string?>("--out")
        {
            Description = "Also save the plan to this file, for 'apply PLANFILE': apply re-derives it and applies it only if identical. The plan is issued in --journal, which apply must use too.",
        };
        var journal = new JournalOptions();
        var force = new Option<bool>("--force") { Description = "With --out: replace the file even when it is a symbolic link (the link itself, never the file it points to)." };
        var parallelism = CommonOptions.Parallelism();
        var connection = new ConnectionOptions();
        var guards = new GuardOptions();
        var registrations = new RegistrationOption();
        var stampOptions = new StampOptions();
        var command = new Command("plan", "Show what apply would change: adds, overwrites and removals, and whether apply with the same guard options would refuse it. Read-only.") { file, output, detailed, outFile, force, parallelism };
        guards.AddTo(command);
        registrations.AddTo(command);
        journal.AddTo(command);
        connection.AddTo(command);
        stampOptions.AddTo(command);
        cli.SetAction<PlanCommand, PlanArguments>(command, parseResult =>
            new PlanArguments(
                parseResult.GetRequiredValue(file),
                parseResult.GetRequiredValue(output),
                parseResult.GetValue(detailed),
                parseResult.GetValue(outFile),
                connection.Parse(parseResult)) {
                    Parallelism = parseResult.GetValue(parallelism),
                    Journal = journal.Parse(parseResult),
                    Force = parseResult.GetValue(force),
                    Guards = guards.Parse(parseResult),
                    IgnoreSuspend = guards.IgnoreSuspend(parseResult),
                    Registrations = registrations.Parse(parseResult),
                    Stamps = stampOptions.Parse(parseResult),
                });
        return command;
    }

    public async Task<int> RunAsync(PlanArguments arguments, CancellationToken cancellationToken)
    {
        var renderer = PlanRenderers.Get(arguments.Output);
        if (arguments.Out is not null)
        {
            // Before any request: a plan that could not be saved is not worth listing for.
            AtomicFile.CheckWritable(arguments.Out, overwrite: true, arguments.Force);
        }

        var desired = RegistrationOption.Limit(DesiredStateLoader.LoadAll(arguments.Files), arguments.Registrations);
        var settings = ArmPipelineSettings.Default.ForParallelism(arguments.Parallelism);
        await using var session = await sessions.OpenAsync(desired, arguments.Connection, settings, cancellationToken);
        StampSessionFactory.Check(desired, session, arguments.Stamps);
        var usage = StampSessionFactory.AnyStamp(desired) ? stamps.UsageSource(session, arguments.Stamps, settings) : null;
        var outcome = await new Reconciler(session.Client, usage).ReconcileAsync(desired, new ReconcilePolicy { Scope = WriteScope.None, Parallelism = arguments.Parallelism, Guards = arguments.Guards, IgnoreSuspend = arguments.IgnoreSuspend }, cancellationToken);
        if (outcome.Plan is not { } plan)
        {
            return ApplyOutcomeReport.Write(io, outcome, cancellationToken.IsCancellationRequested, verbosity: verbosity.Level);
        }

        var suspended = desired.Suspend && !arguments.IgnoreSuspend && plan.HasChanges;

        // Management locks that would refuse planned changes: reviewers see them on the pull request, before the merge.
        var (lockWarnings, unreadableLocks) = plan.HasChanges && session.Client is IRegistrationClient registrations
            ? await RegistrationLocks.ForPlanAsync(registrations, plan, cancellationToken)
            : ([], []);
        GuardViolation[] verdicts =
        [
            .. outcome.Violations,
            .. suspended ? [PruneGuards.Suspend(CommonOptions.Describe(arguments.Files), plan.Registrations.Sum(r => r.PendingChanges.Count()), OptionNames.Instance)] : Array.Empty<GuardViolation>(),
            .. lockWarnings,
        ];
        var applyWillRefuse = verdicts.Any(v => v.RefusesApply);

        // One document for stdout and the file: the file is what -o json prints, with the plan's id and time.
        var source = SavedPlanSource.Record(desired, arguments.Files, Directory.GetCurrentDirectory()) with { Registrations = arguments.Registrations };
        var saved = SavedPlan.Create(plan, source, session.Target, outcome.Live, ToolInfo.Version, Guid.Empty, time.GetUtcNow(), verdicts);
        string? savedMessage = null;
        if (arguments.Out is not null)
        {
            saved = saved with { PlanId = Guid.NewGuid() };
            var journal = JournalFactory.Create(arguments.Journal, credentials, arguments.Connection.EffectiveAuth);
            await journal.IssuePlanAsync(saved.PlanId, saved.ContentHash(), time, cancellationToken);
            saved.Save(arguments.Out, arguments.Force);
            savedMessage = $"Saved the plan to {arguments.Out} (plan id {saved.PlanId:D}, issued in the journal {journal.Describe()}). Apply exactly this plan with: {NextStep.Command(arguments.Connection, "apply", arguments.Out, "--journal", journal.Describe())}";
        }

        var header = arguments.Out is null ? saved.Header() with { PlanId = null, CreatedAt = null } : saved.Header();
        PlanOutput.Render(io, renderer, plan, verdicts, header);
        PlanOutput.GuardWarnings(io.Error, outcome.Violations);
        PlanOutput.StampWarnings(io.Error, outcome.Usage);
        PlanOutput.LockWarnings(io.Error, lockWarnings, unreadableLocks);
        if (suspended)
        {
            io.Error.WriteLine($"Warning: {CommonOptions.Describe(arguments.Files)} sets 'suspend: true': apply will write nothing until it is removed (or --ignore-suspend is given).");
        }

        if (savedMessage is not null)
        {
            io.Error.WriteLine(savedMessage);
        }

        if (arguments.DetailedExitCode && applyWillRefuse)
        {
            // A failed check on the pull request: the pipeline's apply, with these options, would write nothing.
            io.Error.WriteLine("Error: apply with these guard options would refuse this plan (see the warnings above); --detailed-exitcode makes that exit 1.");
            return ExitCodes.Error;
        }

        return arguments.DetailedExitCode && plan.HasChanges ? ExitCodes.Changes : ExitCodes.Success;
    }
}
