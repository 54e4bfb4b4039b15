using Microsoft.Extensions.DependencyInjection;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// The service's usage source: every stamp of the tick's desired state, through the service's ARM session (so
/// <c>--emulator</c> serves the stamps too), read at most once per <c>--usage-interval</c> per registration (the data is
/// daily; a report whose usage is unknown is read again at the next tick). Its parts are resolved on the first stamp:
/// a service without one builds nothing of it.
/// </summary>
public sealed class WatchUsage(IServiceProvider services, WatchArguments arguments, TimeProvider time) : IUsageSource
{
    private readonly Lazy<IUsageSource> _cached = new(() => new CachingUsageSource(
        services.GetRequiredService<StampSessionFactory>().UsageSource(
            (desired, cancellationToken) => services.GetRequiredService<WatchArmSessions>().GetAsync(desired, cancellationToken),
            arguments.Stamps,
            ArmPipelineSettings.Default.ForParallelism(arguments.Parallelism)),
        time,
        arguments.UsageInterval));

    public UsageWindow CurrentWindow => UsageWindow.LastCompleteDays(time, arguments.Stamps.UsageDays);

    public Task<IReadOnlyList<StampReport>> ReadAsync(DesiredState desired, CancellationToken cancellationToken) =>
        PlanUsage.AnyStamp(desired) ? _cached.Value.ReadAsync(desired, cancellationToken) : Task.FromResult<IReadOnlyList<StampReport>>([]);
}
