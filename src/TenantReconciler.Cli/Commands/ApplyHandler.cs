using TenantReconciler.Applying;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

/// <summary>
/// <c>apply</c>: plan, show, confirm, execute, then re-list and report convergence.
/// Exit 0 only when every change is done and a fresh plan is empty.
/// </summary>
public sealed class ApplyHandler(IOContext io, ArmSessionFactory sessions)
{
    public async Task<int> RunAsync(ApplyArguments arguments, CancellationToken cancellationToken)
    {
        var desired = DesiredStateLoader.Load(arguments.File);
        await using var session = await sessions.OpenAsync(desired, arguments.Connection, cancellationToken);
        var live = await LiveReader.ReadAsync(session.Client, desired, cancellationToken);
        var plan = Planner.Compute(desired, live);
        new TextPlanRenderer().Render(plan, io.Output);

        if (!plan.HasChanges)
        {
            return ExitCodes.Success;
        }

        if (!Confirm(arguments))
        {
            return ExitCodes.Error;
        }

        var result = await new PlanApplier(session.Client).ApplyAsync(plan, cancellationToken);
        ApplyReport.Write(io.Output, result);

        if (cancellationToken.IsCancellationRequested)
        {
            io.Error.WriteLine("Error: apply was cancelled; changes not attempted are listed above. Re-run to converge.");
            return ExitCodes.Error;
        }

        var after = Planner.Compute(desired, await LiveReader.ReadAsync(session.Client, desired, cancellationToken));
        var converged = !after.HasChanges;
        io.Output.WriteLine(converged
            ? "Converged: the live registrations match the desired state."
            : $"Not converged: a fresh plan still has {Describe(after.Summary)}.");

        return result.Succeeded && converged ? ExitCodes.Success : ExitCodes.Error;
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

    private static string Describe(PlanSummary s) => $"{s.Add} to add, {s.Overwrite} to overwrite, {s.Remove} to remove";
}
