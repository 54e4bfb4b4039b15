using System.CommandLine;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Output;
using TenantReconciler.Persistence;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

public sealed record ShowArguments(string PlanFile, string Output);

/// <summary>
/// <c>show PLANFILE</c>: a saved plan rendered exactly as <c>plan</c> rendered it (stdout in the chosen format, the
/// guards' warnings on stderr), like <c>terraform show</c>: no request, no credential, no journal. For a reviewer who
/// downloads the CI artifact. The file is checked as apply checks it before reading (format, names), but not trusted:
/// everything it says is printed sanitised, and apply still re-derives it.
/// </summary>
public sealed class ShowCommand(IOContext io)
{
    public static Command Create(CliContext cli)
    {
        var planFile = new Argument<string>("PLANFILE") { Description = "A plan saved by 'plan --out' or 'undo'." };
        var output = CommonOptions.Format();
        var command = new Command("show", "Print a saved plan as plan printed it (text, json or markdown). Sends no request and needs no credential.") { planFile, output };
        command.SetAction((parseResult, cancellationToken) =>
            cli.RunAsync<ShowCommand>(parseResult, h => h.RunAsync(new ShowArguments(parseResult.GetRequiredValue(planFile), parseResult.GetRequiredValue(output))), cancellationToken));
        return command;
    }

    public Task<int> RunAsync(ShowArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var renderer = PlanRenderers.Get(arguments.Output);
        var saved = SavedPlan.Load(arguments.PlanFile);
        var plan = saved.ToPlan();
        var verdicts = saved.Guards.Select(g => g.ToViolation()).ToArray();

        io.Error.WriteLine(
            $"Plan {saved.PlanId:D}{(saved.Source.IsUndo ? $" (undo of apply {saved.Source.UndoOf:D})" : string.Empty)}, made {saved.CreatedAt:u} by tenant-reconciler {OutsideText.Sanitize(saved.ToolVersion)} " +
            $"against {OutsideText.Sanitize(Options.OptionNames.Spell(saved.Target.Describe()))} from {string.Join(", ", saved.Source.Files.Select(f => OutsideText.Sanitize(f.Path)))}. " +
            "Shown as saved: apply re-derives it and applies it only if identical.");
        if (renderer is JsonPlanRenderer)
        {
            // The document as the file holds it: the same contract, re-written from what was read (nothing unknown passes through).
            JsonPlanRenderer.Render(plan, saved.Header(), saved.Guards, io.Output);
        }
        else
        {
            PlanOutput.Render(io, renderer, plan, verdicts);
        }

        PlanOutput.GuardWarnings(io.Error, verdicts.Where(v => v.RefusesApply).ToArray());
        PlanOutput.LockWarnings(io.Error, verdicts.Where(v => !v.RefusesApply).ToArray(), []);
        return Task.FromResult(ExitCodes.Success);
    }
}
