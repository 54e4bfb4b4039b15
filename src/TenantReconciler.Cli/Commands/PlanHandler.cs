using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

/// <summary>
/// <c>plan</c>: desired + live → plan on stdout. Read-only. With <c>--out</c>, also a saved plan for <c>apply PLANFILE</c>.
/// Guards that apply would trip are reported on stderr, so a reviewer sees them on the pull request.
/// </summary>
public sealed class PlanHandler(IOContext io, ArmSessionFactory sessions, TimeProvider time)
{
    public async Task<int> RunAsync(PlanArguments arguments, CancellationToken cancellationToken)
    {
        var renderer = PlanRenderers.Get(arguments.Output);
        var desired = DesiredStateLoader.Load(arguments.File);
        await using var session = await sessions.OpenAsync(desired, arguments.Connection, cancellationToken);
        var live = await LiveReader.ReadAsync(session.Client, desired, cancellationToken);
        var plan = Planner.Compute(desired, live);
        renderer.Render(plan, io.Output);

        PlanReview.WarnAboutGuards(io.Error, plan, desired);
        if (arguments.Out is not null)
        {
            var saved = PlanReview.Save(plan, desired, live, arguments.File, session.Connection.Endpoint, time, arguments.Out);
            io.Error.WriteLine($"Saved the plan to {arguments.Out} (plan id {saved.PlanId:D}). Apply exactly this plan with: tenant-reconciler apply {arguments.Out}");
        }

        return arguments.DetailedExitCode && plan.HasChanges ? ExitCodes.Changes : ExitCodes.Success;
    }
}
