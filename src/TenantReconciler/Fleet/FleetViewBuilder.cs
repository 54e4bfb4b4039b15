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

        FleetUsageJoin? usage = null;
        if (live is not null && stamps is not null && window is not null && registrations.Any(r => r.Stamp is not null))
        {
            usage = FleetUsageJoin.Create(registrations, stamps, window);
            foreach (var tenantId in usage.TenantsToShow())
            {
                RowOf(rows, tenantId);
            }
        }

        var view = Assemble(registrations.Select(r => r.Registration).ToArray(), rows.Values, live is not null);
        return usage is null ? view : usage.Join(view);
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

            var index = ColumnSearch.IndexOf(_cells, column, static c => c.Column);
            if (index >= 0)
            {
                return _cells[index];
            }

            var cell = new CellBuilder(column);
            _cells.Insert(~index, cell);
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
