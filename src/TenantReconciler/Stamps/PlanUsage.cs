using TenantReconciler.Desired;
using TenantReconciler.Planning;

namespace TenantReconciler.Stamps;

/// <summary>Reads the usage of every stamp of a desired state (the composition root chooses how: credential, cache).</summary>
public interface IUsageSource
{
    /// <summary>
    /// One report per registration of <paramref name="desired"/> with a stamp. Never throws for a stamp that cannot be
    /// read (its report says usage unknown); a <see cref="ReconcilerException"/> means the stamp options cannot work.
    /// </summary>
    Task<IReadOnlyList<StampReport>> ReadAsync(DesiredState desired, CancellationToken cancellationToken);

    /// <summary>The window a read now covers (for a stamp whose report is missing).</summary>
    UsageWindow CurrentWindow { get; }
}

/// <summary>Puts each stamp's usage on the changes that leave a tenant unmapped. Pure.</summary>
public static class PlanUsage
{
    /// <summary>True when any registration has a stamp: only then is usage read and attached.</summary>
    public static bool AnyStamp(DesiredState desired) => desired.Registrations.Any(r => r.Stamp is not null);

    /// <summary>
    /// <paramref name="plan"/> with <see cref="PlannedChange.Usage"/> set on every change of a registration with a stamp
    /// that leaves a tenant unmapped: that tenant's usage as its stamp's report says, or unknown when there is no report.
    /// </summary>
    public static Plan Attach(Plan plan, DesiredState desired, IReadOnlyList<StampReport> reports, UsageWindow window)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(reports);
        var stamped = desired.Registrations.Where(r => r.Stamp is not null).Select(r => r.Registration).ToHashSet();
        if (stamped.Count == 0)
        {
            return plan;
        }

        var byRegistration = reports.ToDictionary(r => r.Registration);
        return plan with
        {
            Registrations = [.. plan.Registrations.Select(registration =>
            {
                if (!stamped.Contains(registration.Registration) || !registration.Changes.Any(c => c.BillingFallbackTenantId is not null))
                {
                    return registration;
                }

                byRegistration.TryGetValue(registration.Registration, out var report);
                var reportWindow = report?.Window ?? window;
                return registration with
                {
                    Changes = [.. registration.Changes.Select(change => change.BillingFallbackTenantId is { } tenant
                        ? change with { Usage = ChangeUsage.From(report?.UsageOf(tenant) ?? TenantUsage.Unknown("the stamp's usage was not read"), reportWindow) }
                        : change)],
                };
            })],
        };
    }
}

/// <summary>
/// A usage source read at most once per <paramref name="interval"/> (watch's <c>--usage-interval</c>: the data is daily),
/// for the same stamps; a report that is not complete is read again at the next call. The clock is injected.
/// </summary>
public sealed class CachingUsageSource(IUsageSource inner, TimeProvider clock, TimeSpan interval) : IUsageSource
{
    public UsageWindow CurrentWindow => inner.CurrentWindow;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (DateTimeOffset ReadAt, IReadOnlyList<StampReport> Reports)> _last = new(StringComparer.Ordinal);

    /// <summary>How many reads went to the stamps (not the cache).</summary>
    public int Reads { get; private set; }

    public async Task<IReadOnlyList<StampReport>> ReadAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var key = Key(desired);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = clock.GetUtcNow();
            if (_last.TryGetValue(key, out var last) && now - last.ReadAt < interval && last.Reports.All(r => r.IsComplete)
                && last.Reports.All(r => r.Window.End == UsageWindow.LastCompleteDays(clock, r.Window.Days).End))
            {
                return last.Reports;
            }

            var reports = await inner.ReadAsync(desired, cancellationToken).ConfigureAwait(false);
            Reads++;
            _last[key] = (now, reports);
            return reports;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Key(DesiredState desired) => string.Join(
        "|",
        desired.Registrations.Where(r => r.Stamp is not null).Select(r => $"{r.Registration.Id}>{Stamps.StampEndpoint.Base(r.Stamp!.AdminEndpoint)}>{r.Stamp.ProviderSubscriptionId:D}"));
}
