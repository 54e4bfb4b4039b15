using TenantReconciler.Desired;
using TenantReconciler.Live;

namespace TenantReconciler.Fleet;

/// <summary>
/// Builds the <see cref="FleetView"/> from the desired state and, optionally, the live listings. Pure: no I/O, no
/// logging, no clock. One pass over the desired mappings, one over the live mappings, one over the cells and one sort
/// of the rows: O(tenants × registrations + mappings + tenants·log tenants), never tenants × tenants.
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
    public static FleetView Build(DesiredState desired, IReadOnlyList<LiveRegistration>? live)
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
                var row = RowOf(rows, tenant.TenantId, columns);
                if (row.Desired[j] is not null)
                {
                    throw new ArgumentException($"Tenant {tenant.TenantId:D} is desired more than once in {registration.Registration}.", nameof(desired));
                }

                row.Desired[j] = tenant.CustomerSubscriptionId;
                row.Labels[j] = string.IsNullOrEmpty(tenant.Name) ? null : tenant.Name;
            }
        }

        if (live is not null)
        {
            AddLive(live, columnOf, rows, columns);
        }

        return Assemble(registrations.Select(r => r.Registration).ToArray(), rows.Values, live is not null);
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
                RowOf(rows, mapping.TenantId, columns).AddLive(j, mapping.CustomerSubscriptionId);
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
            var row = builder.Build(isLive);
            foreach (var cell in row.Cells)
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
        for (var j = 0; j < row.Cells.Count; j++)
        {
            var cell = row.Cells[j];
            if (cell.Status == CellStatus.LiveNotDesired)
            {
                (notDesired ??= []).Add(new FleetFlagCell(registrations[j], null));
            }

            if (cell.Label is { } label)
            {
                labelled ??= [];
                mismatch |= labelled.Count > 0 && !string.Equals(labelled[0].Label, label, StringComparison.Ordinal);
                labelled.Add(new FleetFlagCell(registrations[j], label));
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

    private static RowBuilder RowOf(Dictionary<Guid, RowBuilder> rows, Guid tenantId, int columns)
    {
        if (!rows.TryGetValue(tenantId, out var row))
        {
            row = new RowBuilder(tenantId, columns);
            rows.Add(tenantId, row);
        }

        return row;
    }

    /// <summary>One tenant's cells while they are gathered: the desired side at once, the live side only when listed.</summary>
    private sealed class RowBuilder(Guid tenantId, int columns)
    {
        public Guid?[] Desired { get; } = new Guid?[columns];

        public string?[] Labels { get; } = new string?[columns];

        private List<Guid>?[]? _live;

        public void AddLive(int column, Guid subscription)
        {
            _live ??= new List<Guid>?[columns];
            var list = _live[column] ??= new List<Guid>(1);
            if (!list.Contains(subscription))
            {
                list.Add(subscription);
            }
        }

        public FleetRow Build(bool isLive)
        {
            var cells = new FleetCell[columns];
            string? label = null;
            var isDesired = false;
            for (var j = 0; j < columns; j++)
            {
                var desired = Desired[j];
                label ??= Labels[j];
                isDesired |= desired is not null;
                IReadOnlyList<Guid>? live = null;
                if (isLive)
                {
                    var list = _live?[j];
                    if (list is { Count: > 1 })
                    {
                        list.Sort();
                    }

                    live = list is null ? [] : list.AsReadOnly();
                }

                cells[j] = desired is null && Labels[j] is null && (live is null || live.Count == 0)
                    ? (isLive ? FleetCell.Absent : FleetCell.Unread)
                    : new FleetCell(desired, Labels[j], live, StatusOf(desired, live));
            }

            return new FleetRow(tenantId, label, Array.AsReadOnly(cells), isDesired);
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
}
