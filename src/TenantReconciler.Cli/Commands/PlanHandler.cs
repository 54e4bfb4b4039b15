using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

/// <summary><c>plan</c>: desired + live → plan on stdout. Read-only.</summary>
public sealed class PlanHandler(IOContext io, ArmSessionFactory sessions)
{
    public async Task<int> RunAsync(PlanArguments arguments, CancellationToken cancellationToken)
    {
        var renderer = PlanRenderers.Get(arguments.Output);
        var desired = DesiredStateLoader.Load(arguments.File);
        await using var session = await sessions.OpenAsync(desired, arguments.Connection, cancellationToken);
        var live = await LiveReader.ReadAsync(session.Client, desired, cancellationToken);
        var plan = Planner.Compute(desired, live);
        renderer.Render(plan, io.Output);
        return arguments.DetailedExitCode && plan.HasChanges ? ExitCodes.Changes : ExitCodes.Success;
    }
}
