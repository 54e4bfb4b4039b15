using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// The service's usage source: every stamp of the tick's desired state, through the service's ARM session (so
/// <c>--emulator</c> serves the stamps too), read at most once per <c>--usage-interval</c> per registration (the data is
/// daily; a report whose usage is unknown is read again at the next tick).
/// </summary>
public sealed class WatchUsage(StampSessionFactory stamps, WatchArmSessions sessions, WatchArguments arguments, TimeProvider time) : IUsageSource
{
    private readonly IUsageSource _cached = new CachingUsageSource(
        stamps.UsageSource(
            (desired, cancellationToken) => sessions.GetAsync(desired, cancellationToken),
            arguments.Stamps,
            ArmPipelineSettings.Default.ForParallelism(arguments.Parallelism) with { TimeProvider = time }),
        time,
        arguments.UsageInterval);

    public UsageWindow CurrentWindow => _cached.CurrentWindow;

    public Task<IReadOnlyList<StampReport>> ReadAsync(DesiredState desired, CancellationToken cancellationToken) =>
        PlanUsage.AnyStamp(desired) ? _cached.ReadAsync(desired, cancellationToken) : Task.FromResult<IReadOnlyList<StampReport>>([]);
}
