using TenantReconciler.Desired;
using TenantReconciler.Stamps;

namespace TenantReconciler.Fleet;

/// <summary>
/// The stamp usage of a <see cref="FleetView"/>: the reports of the stamped registrations joined to the view's rows,
/// one usage per stamped registration and their total per row. Pure, like <see cref="FleetViewBuilder"/>, which
/// creates it. A stamped registration without a report, or whose report is not complete, makes every tenant's usage
/// on it unknown (fail-closed).
/// </summary>
internal sealed class FleetUsageJoin
{
    private readonly FleetStampRead[] _reads;
    private readonly StampReport?[] _reports;
    private readonly UsageWindow _window;

    private FleetUsageJoin(FleetStampRead[] reads, StampReport?[] reports, UsageWindow window)
    {
        _reads = reads;
        _reports = reports;
        _window = window;
    }

    /// <summary>Each stamped registration's read, in column order, and the report of every column (null without a stamp).</summary>
    public static FleetUsageJoin Create(DesiredRegistration[] registrations, IReadOnlyList<StampReport> stamps, UsageWindow window)
    {
        var byRegistration = new Dictionary<RegistrationRef, StampReport>();
        foreach (var report in stamps)
        {
            byRegistration.TryAdd(report.Registration, report);
        }

        var reads = new List<FleetStampRead>();
        var reports = new StampReport?[registrations.Length];
        for (var j = 0; j < registrations.Length; j++)
        {
            var registration = registrations[j];
            if (registration.Stamp is null)
            {
                continue;
            }

            var report = byRegistration.GetValueOrDefault(registration.Registration) ?? new StampReport
            {
                Registration = registration.Registration,
                Stamp = registration.Stamp,
                Window = window,
                Status = StampReadStatus.Unknown,
                Problem = "the stamp's usage was not read",
            };
            reports[j] = report;
            reads.Add(new FleetStampRead(j, registration.Registration, report.Status, report.Problem, report.SubscriptionCount, report.UsageRecords));
        }

        return new FleetUsageJoin([.. reads], reports, window);
    }

    /// <summary>
    /// The tenants that need a row even without a cell: usage on a stamp, or subscriptions under a reseller whose usage
    /// the operator cannot see. Never dropped silently.
    /// </summary>
    public IEnumerable<Guid> TenantsToShow()
    {
        foreach (var report in _reports)
        {
            foreach (var tenant in report is { IsComplete: true } ? report.Tenants.Values : [])
            {
                if (tenant.Quantity > 0 || tenant.NotVisible.Count > 0)
                {
                    yield return tenant.TenantId;
                }
            }
        }
    }

    /// <summary><paramref name="view"/> with each row's usage and the fleet's usage section.</summary>
    public FleetView Join(FleetView view)
    {
        var rows = new FleetRow[view.Rows.Count];
        int withUsage = 0, unknown = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var row = view.Rows[i];
            var byRegistration = new FleetCellUsage[_reads.Length];
            for (var k = 0; k < _reads.Length; k++)
            {
                var read = _reads[k];
                var report = _reports[read.Column]!;
                var usage = report.IsComplete
                    ? report.UsageOf(row.TenantId)
                    : TenantUsage.Unknown(read.Status == StampReadStatus.Mismatch
                        ? $"the stamp of {read.Registration.Name} reports to another registration"
                        : $"the stamp of {read.Registration.Name} could not be read");
                byRegistration[k] = new FleetCellUsage(read.Column, usage);
            }

            var total = Total(byRegistration, _reads.Length > 1 ? _reads : null);
            withUsage += total.Kind == UsageKind.Used ? 1 : 0;
            unknown += total.Kind == UsageKind.Unknown ? 1 : 0;
            rows[i] = row with { Usage = new FleetRowUsage(total, byRegistration) };
        }

        return view with
        {
            Rows = Array.AsReadOnly(rows),
            Usage = new FleetUsage(_window, Array.AsReadOnly(_reads)) { WithUsage = withUsage, Unknown = unknown },
        };
    }

    /// <summary>
    /// The sum over the stamped registrations; unknown when any is (what is known so far is its quantity), its reason the
    /// unknown ones' reasons, each after its registration's name when there are several.
    /// </summary>
    private static TenantUsage Total(FleetCellUsage[] byRegistration, FleetStampRead[]? named)
    {
        var quantity = 0m;
        var subscriptions = 0;
        List<string>? reasons = null;
        for (var k = 0; k < byRegistration.Length; k++)
        {
            var usage = byRegistration[k].Usage;
            quantity += usage.Quantity;
            subscriptions += usage.Subscriptions;
            if (usage.Kind == UsageKind.Unknown)
            {
                var reason = usage.Reason ?? "not known";
                (reasons ??= []).Add(named is null || reason.Contains(named[k].Registration.Name, StringComparison.Ordinal) ? reason : $"on {named[k].Registration.Name}, {reason}");
            }
        }

        return reasons is not null ? new TenantUsage(UsageKind.Unknown, quantity, subscriptions, string.Join("; ", reasons))
            : quantity > 0 ? new TenantUsage(UsageKind.Used, quantity, subscriptions, null)
            : TenantUsage.NoUsage;
    }
}
