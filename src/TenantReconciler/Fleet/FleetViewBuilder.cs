using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Stamps;

namespace TenantReconciler.Fleet;

/// <summary>
/// Builds the <see cref="FleetView"/> from the desired state and, optionally, the live listings. Pure: no I/O, no
/// logging, no clock. One pass over the desired mappings, one over the live mappings, one over the cells that exist and
/// one sort of the rows: O(registrations + mappings + tenants·log tenants). A cell exists only where a tenant is desired
/// or live, so 3,000 registrations of one tenant each are 3,000 cells, not 9,000,000.
/// </summary>
public static class FleetViewBuilder
{
    /// <summary>
    /// The view of <paramref name="desired"/>, compared with <paramref name="live"/> when it is not null. A non-null
    /// <paramref name="live"/> must hold a listing for every desired registration; listings of other registrations are
    /// ignored, as the planner ignores them.
    /// </summary>
    /// <exception cref="ArgumentException">A registration is desired or listed twice, a tenant is desired twice on one
    /// registration, or a desired registration has no listing.</exception>
    public static FleetView Build(DesiredState desired, IReadOnlyList<LiveRegistration>? live) => Build(desired, live, null, null);

    /// <summary>
    /// As <see cref="Build(DesiredState, IReadOnlyList{LiveRegistration})"/>, with each tenant's usage on the stamps of
    /// the registrations with a <c>stamp:</c> when <paramref name="live"/>, <paramref name="stamps"/> and
    /// <paramref name="window"/> are given and a registration has one. A stamped registration without a report, or whose
    /// report is not complete, makes every tenant's usage unknown (fail-closed). A tenant with usage on a stamp and no
    /// cell anywhere (neither desired nor live: billed to the registration subscription), or with subscriptions under a
    /// delegated provider (its usage unknown), gets a row of its own.
    /// </summary>
    public static FleetView Build(DesiredState desired, IReadOnlyList<LiveRegistration>? live, IReadOnlyList<StampReport>? stamps, UsageWindow? window)
    {
        ArgumentNullException.ThrowIfNull(desired);

        var registrations = desired.Registrations.ToArray();
        Array.Sort(registrations, static (x, y) => RegistrationRef.Compare(x.Registration, y.Registration));
        var columns = registrations.Length;
        var columnOf = new Dictionary<RegistrationRef, int>(columns);
        var rows = new Dictionary<Guid, RowBuilder>();
        for (var j = 0; j < columns; j++)
        {
            var registration = registrations[j];
            if (!columnOf.TryAdd(registration.Registration, j))
            {
                throw new ArgumentException($"Registration {registration.Registration} is desired more than once.", nameof(desired));
            }

            foreach (var tenant in registration.Tenants)
            {
                var cell = RowOf(rows, tenant.TenantId).CellOf(j);
                if (cell.Desired is not null)
                {
                    throw new ArgumentException($"Tenant {tenant.TenantId:D} is desired more than once in {registration.Registration}.", nameof(desired));
                }

                cell.Desired = tenant.CustomerSubscriptionId;
                cell.Label = string.IsNullOrEmpty(tenant.Name) ? null : tenant.Name;
            }
        }

        if (live is not null)
        {
            AddLive(live, columnOf, rows, columns);
        }

        FleetStampRead[]? reads = null;
        StampReport?[]? reports = null;
        if (live is not null && stamps is not null && window is not null && registrations.Any(r => r.Stamp is not null))
        {
            (reads, reports) = StampReads(registrations, stamps, window);
            foreach (var report in reports)
            {
                foreach (var tenant in report is { IsComplete: true } ? report.Tenants.Values : [])
                {
                    // Usage, or subscriptions under a reseller whose usage the operator cannot see: never dropped silently.
                    if (tenant.Quantity > 0 || tenant.NotVisible.Count > 0)
                    {
                        RowOf(rows, tenant.TenantId);
                    }
                }
            }
        }

        var view = Assemble(registrations.Select(r => r.Registration).ToArray(), rows.Values, live is not null);
        return reads is null ? view : WithUsage(view, reads, reports!, window!);
    }

    /// <summary>Each stamped registration's read, in column order, and the report of every column (null without a stamp).</summary>
    private static (FleetStampRead[] Reads, StampReport?[] Reports) StampReads(DesiredRegistration[] registrations, IReadOnlyList<StampReport> stamps, UsageWindow window)
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

        return ([.. reads], reports);
    }

    private static FleetView WithUsage(FleetView view, FleetStampRead[] reads, StampReport?[] reports, UsageWindow window)
    {
        var rows = new FleetRow[view.Rows.Count];
        int withUsage = 0, unknown = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var row = view.Rows[i];
            var byRegistration = new FleetCellUsage[reads.Length];
            for (var k = 0; k < reads.Length; k++)
            {
                var read = reads[k];
                var report = reports[read.Column]!;
                var usage = report.IsComplete
                    ? report.UsageOf(row.TenantId)
                    : TenantUsage.Unknown(read.Status == StampReadStatus.Mismatch
                        ? $"the stamp of {read.Registration.Name} reports to another registration"
                        : $"the stamp of {read.Registration.Name} could not be read");
                byRegistration[k] = new FleetCellUsage(read.Column, usage);
            }

            var total = Total(byRegistration, reads.Length > 1 ? reads : null);
            withUsage += total.Kind == UsageKind.Used ? 1 : 0;
            unknown += total.Kind == UsageKind.Unknown ? 1 : 0;
            rows[i] = row with { Usage = new FleetRowUsage(total, byRegistration) };
        }

        return view with
        {
            Rows = Array.AsReadOnly(rows),
            Usage = new FleetUsage(window, Array.AsReadOnly(reads)) { WithUsage = withUsage, Unknown = unknown },
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

    private static void AddLive(IReadOnlyList<LiveRegistration> live, Dictionary<RegistrationRef, int> columnOf, Dictionary<Guid, RowBuilder> rows, int columns)
    {
        var listed = new bool[columns];
        foreach (var listing in live)
        {
            if (!columnOf.TryGetValue(listing.Registration, out var j))
            {
                continue;
            }

            if (listed[j])
            {
                throw new ArgumentException($"Registration {listing.Registration} is listed more than once.", nameof(live));
            }

            listed[j] = true;
            foreach (var mapping in listing.Mappings)
            {
                RowOf(rows, mapping.TenantId).CellOf(j).AddLive(mapping.CustomerSubscriptionId);
            }
        }

        var missing = Array.IndexOf(listed, false);
        if (missing >= 0)
        {
            throw new ArgumentException($"No live listing was given for registration {columnOf.First(p => p.Value == missing).Key}.", nameof(live));
        }
    }

    private static FleetView Assemble(RegistrationRef[] registrations, IEnumerable<RowBuilder> builders, bool isLive)
    {
        var counts = new int[4];
        var desiredCount = 0;
        var rows = new List<FleetRow>();
        foreach (var builder in builders)
        {
            var row = builder.Build(registrations.Length, isLive);
            foreach (var cell in row.Present)
            {
                desiredCount += cell.DesiredSubscriptionId is null ? 0 : 1;
                if (cell.Status is { } status)
                {
                    counts[(int)status]++;
                }
            }

            rows.Add(row);
        }

        var sorted = rows.ToArray();
        Array.Sort(sorted, CompareRows);

        var flags = new List<FleetFlag>();
        foreach (var row in sorted)
        {
            AddFlags(flags, row, registrations);
        }

        var summary = new FleetSummary(
            sorted.Length,
            registrations.Length,
            desiredCount,
            isLive ? counts[(int)CellStatus.InPlace] : null,
            isLive ? counts[(int)CellStatus.Different] : null,
            isLive ? counts[(int)CellStatus.DesiredNotLive] : null,
            isLive ? counts[(int)CellStatus.LiveNotDesired] : null);
        return new FleetView(Array.AsReadOnly(registrations), Array.AsReadOnly(sorted), flags.AsReadOnly(), summary, isLive);
    }

    private static void AddFlags(List<FleetFlag> flags, FleetRow row, RegistrationRef[] registrations)
    {
        List<FleetFlagCell>? notDesired = null;
        List<FleetFlagCell>? labelled = null;
        var mismatch = false;
        foreach (var cell in row.Present)
        {
            if (cell.Status == CellStatus.LiveNotDesired)
            {
                (notDesired ??= []).Add(new FleetFlagCell(registrations[cell.Column], null));
            }

            if (cell.Label is { } label)
            {
                labelled ??= [];
                mismatch |= labelled.Count > 0 && !string.Equals(labelled[0].Label, label, StringComparison.Ordinal);
                labelled.Add(new FleetFlagCell(registrations[cell.Column], label));
            }
        }

        if (notDesired is not null)
        {
            flags.Add(new FleetFlag(FleetFlagKind.LiveNotDesired, row.TenantId, row.Label, row.IsDesired, notDesired.AsReadOnly()));
        }

        if (mismatch)
        {
            flags.Add(new FleetFlag(FleetFlagKind.LabelMismatch, row.TenantId, row.Label, row.IsDesired, labelled!.AsReadOnly()));
        }
    }

    /// <summary>By label (case-insensitive, then exact), tenants without a label last, then by tenant id.</summary>
    private static int CompareRows(FleetRow x, FleetRow y)
    {
        var c = (x.Label, y.Label) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            var (a, b) => StringComparer.OrdinalIgnoreCase.Compare(a, b) is var i and not 0 ? i : string.CompareOrdinal(a, b),
        };
        return c != 0 ? c : x.TenantId.CompareTo(y.TenantId);
    }

    private static RowBuilder RowOf(Dictionary<Guid, RowBuilder> rows, Guid tenantId)
    {
        if (!rows.TryGetValue(tenantId, out var row))
        {
            row = new RowBuilder(tenantId);
            rows.Add(tenantId, row);
        }

        return row;
    }

    /// <summary>One tenant's cells while they are gathered: only the registrations where it is desired or live.</summary>
    private sealed class RowBuilder(Guid tenantId)
    {
        // Desired cells arrive in column order, live ones listing by listing: both mostly append.
        private readonly List<CellBuilder> _cells = new(1);

        public CellBuilder CellOf(int column)
        {
            if (_cells.Count > 0 && _cells[^1].Column == column)
            {
                return _cells[^1];
            }

            int low = 0, high = _cells.Count - 1;
            while (low <= high)
            {
                var middle = (low + high) / 2;
                var at = _cells[middle].Column;
                if (at == column)
                {
                    return _cells[middle];
                }

                (low, high) = at < column ? (middle + 1, high) : (low, middle - 1);
            }

            var cell = new CellBuilder(column);
            _cells.Insert(low, cell);
            return cell;
        }

        public FleetRow Build(int columns, bool isLive)
        {
            var cells = new FleetCell[_cells.Count];
            string? label = null;
            var isDesired = false;
            for (var i = 0; i < cells.Length; i++)
            {
                var cell = _cells[i];
                label ??= cell.Label;
                isDesired |= cell.Desired is not null;
                IReadOnlyList<Guid>? live = null;
                if (isLive)
                {
                    // A plain sorted array: one small object per cell (a fleet has one cell per mapping).
                    var ids = cell.Live is null ? [] : cell.Live.ToArray();
                    Array.Sort(ids);
                    live = ids;
                }

                cells[i] = new FleetCell(cell.Desired, cell.Label, live, StatusOf(cell.Desired, live)) { Column = cell.Column };
            }

            return new FleetRow(tenantId, label, Array.AsReadOnly(cells), isDesired, columns, isLive);
        }

        private static CellStatus? StatusOf(Guid? desired, IReadOnlyList<Guid>? live) => (desired, live) switch
        {
            (_, null) => null,
            (null, { Count: 0 }) => null,
            (null, _) => CellStatus.LiveNotDesired,
            (_, { Count: 0 }) => CellStatus.DesiredNotLive,
            ({ } d, { Count: 1 }) when live[0] == d => CellStatus.InPlace,
            _ => CellStatus.Different,
        };
    }

    private sealed class CellBuilder(int column)
    {
        public int Column { get; } = column;

        public Guid? Desired { get; set; }

        public string? Label { get; set; }

        public List<Guid>? Live { get; private set; }

        public void AddLive(Guid subscription)
        {
            Live ??= new List<Guid>(1);
            if (!Live.Contains(subscription))
            {
                Live.Add(subscription);
            }
        }
    }
}
