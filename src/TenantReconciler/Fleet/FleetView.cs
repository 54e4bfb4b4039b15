using TenantReconciler.Stamps;

namespace TenantReconciler.Fleet;

/// <summary>How one tenant stands on one registration, when the live state was read.</summary>
public enum CellStatus
{
    /// <summary>✔: the desired customer subscription is the tenant's only live one there.</summary>
    InPlace,

    /// <summary><c>~</c>: desired there, and live there on another customer subscription (or on more than the desired one).</summary>
    Different,

    /// <summary><c>+</c>: desired there, and not live there at all.</summary>
    DesiredNotLive,

    /// <summary><c>−</c>: live there, and not desired there.</summary>
    LiveNotDesired,
}

/// <summary>
/// One tenant on one registration. <see cref="LiveSubscriptionIds"/> is null when the live state was not read, and
/// empty when it was and the tenant has no mapping there; it is sorted, and holds more than one id only when the service
/// keeps several mappings of the tenant. <see cref="Status"/> is null when the live state was not read or the cell is empty.
/// </summary>
/// <param name="Label">The desired mapping's <c>name:</c> on this registration, or null.</param>
public sealed record FleetCell(Guid? DesiredSubscriptionId, string? Label, IReadOnlyList<Guid>? LiveSubscriptionIds, CellStatus? Status)
{
    /// <summary>Neither desired nor read: the cell of every registration where a tenant is not desired, without <c>--live</c>.</summary>
    public static readonly FleetCell Unread = new(null, null, null, null);

    /// <summary>Neither desired nor live.</summary>
    public static readonly FleetCell Absent = new(null, null, [], null);

    /// <summary>The index of the cell's registration in <see cref="FleetView.Registrations"/> (-1 for <see cref="Unread"/> and <see cref="Absent"/>).</summary>
    public int Column { get; init; } = -1;

    /// <summary>True when the tenant is neither desired nor live here.</summary>
    public bool IsEmpty => DesiredSubscriptionId is null && (LiveSubscriptionIds is null || LiveSubscriptionIds.Count == 0);
}

/// <summary>
/// One tenant across the fleet. <see cref="Present"/> holds the cells that exist (the tenant is desired or live there),
/// in column order: a view costs what exists, never tenants × registrations. <see cref="Cells"/> reads as one cell per
/// registration, in the order of <see cref="FleetView.Registrations"/>, the missing ones <see cref="FleetCell.Unread"/>
/// (or <see cref="FleetCell.Absent"/> with the live state): built on <see cref="Present"/>, it allocates nothing.
/// <see cref="Label"/> is the first label the registrations give it, in that order (null when none does).
/// </summary>
/// <param name="IsDesired">True when at least one registration desires the tenant.</param>
public sealed record FleetRow(Guid TenantId, string? Label, IReadOnlyList<FleetCell> Present, bool IsDesired, int Columns, bool IsLive)
{
    /// <summary>The tenant's usage on the stamps of the view (<see cref="FleetView.Usage"/>); null when the view has none.</summary>
    public FleetRowUsage? Usage { get; init; }

    /// <summary>Every registration's cell, by column; the registrations where the tenant is neither desired nor live give the shared empty cell.</summary>
    public IReadOnlyList<FleetCell> Cells => new DenseCells(this);

    /// <summary>The cell of <paramref name="column"/>, or null when the tenant is neither desired nor live there.</summary>
    public FleetCell? CellAt(int column) => ColumnSearch.IndexOf(Present, column, static c => c.Column) is >= 0 and var i ? Present[i] : null;

    private sealed class DenseCells(FleetRow row) : IReadOnlyList<FleetCell>
    {
        public int Count => row.Columns;

        public FleetCell this[int index] =>
            (uint)index < (uint)row.Columns ? row.CellAt(index) ?? (row.IsLive ? FleetCell.Absent : FleetCell.Unread) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<FleetCell> GetEnumerator()
        {
            for (var j = 0; j < row.Columns; j++)
            {
                yield return this[j];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

public enum FleetFlagKind
{
    /// <summary>The tenant is live on a registration where it is not desired.</summary>
    LiveNotDesired,

    /// <summary>The registrations that label the tenant do not all give it the same label.</summary>
    LabelMismatch,
}

/// <summary>A registration that a flag is about, with the tenant's label there (<see cref="FleetFlagKind.LabelMismatch"/> only).</summary>
public sealed record FleetFlagCell(RegistrationRef Registration, string? Label);

/// <summary>
/// Information about one tenant, never an error. <see cref="Cells"/> are in registration order: for
/// <see cref="FleetFlagKind.LiveNotDesired"/> the registrations where the tenant is live and not desired; for
/// <see cref="FleetFlagKind.LabelMismatch"/> every registration that labels it, with its label.
/// </summary>
/// <param name="IsDesired">The row's <see cref="FleetRow.IsDesired"/>: whether any registration desires the tenant.</param>
public sealed record FleetFlag(FleetFlagKind Kind, Guid TenantId, string? Label, bool IsDesired, IReadOnlyList<FleetFlagCell> Cells);

/// <summary>
/// Counts over every cell. The status counts are null when the live state was not read.
/// <see cref="Desired"/> counts desired mappings (cells with a desired customer subscription).
/// </summary>
public sealed record FleetSummary(int Tenants, int Registrations, int Desired, int? InPlace, int? Different, int? DesiredNotLive, int? LiveNotDesired);

/// <summary>
/// The tenant × registration view: one row per tenant (desired anywhere, or live on any listed registration), one
/// column per desired registration, and a cell only where the tenant is desired or live (sparse). Registrations are sorted as in a plan (<see cref="RegistrationRef.Compare"/>);
/// rows by label (tenants without one last), then by tenant id. Flags follow the rows' order.
/// </summary>
/// <param name="IsLive">True when the live state was read, so that every cell has its live subscriptions and status.</param>
public sealed record FleetView(
    IReadOnlyList<RegistrationRef> Registrations,
    IReadOnlyList<FleetRow> Rows,
    IReadOnlyList<FleetFlag> Flags,
    FleetSummary Summary,
    bool IsLive)
{
    /// <summary>
    /// The stamps read with the live state (<c>tenants --live</c> with a <c>stamp:</c> block): the window and how each
    /// stamp's read ended. Null without any stamp, or without the live state: then no row has a usage either.
    /// </summary>
    public FleetUsage? Usage { get; init; }
}

/// <summary>The usage window of the view and each stamped registration's read, in column order.</summary>
public sealed record FleetUsage(UsageWindow Window, IReadOnlyList<FleetStampRead> Stamps)
{
    /// <summary>Rows whose usage is known and above zero, and rows whose usage is unknown.</summary>
    public int WithUsage { get; init; }

    public int Unknown { get; init; }
}

/// <summary>
/// How one registration's stamp read ended. <see cref="Problem"/> is the stamp's one sentence for
/// <see cref="StampReadStatus.Unknown"/> and <see cref="StampReadStatus.Mismatch"/>, else null.
/// </summary>
public sealed record FleetStampRead(int Column, RegistrationRef Registration, StampReadStatus Status, string? Problem, int Subscriptions, long Records);

/// <summary>
/// One tenant's usage in the window: <see cref="Total"/> over every stamped registration (unknown, fail-closed, when
/// any of them is: its reason names the registrations), and <see cref="ByRegistration"/> per stamped registration in
/// column order.
/// </summary>
public sealed record FleetRowUsage(TenantUsage Total, IReadOnlyList<FleetCellUsage> ByRegistration);

/// <summary>A tenant's usage on one stamped registration (<see cref="FleetView.Registrations"/>[<see cref="Column"/>]).</summary>
public sealed record FleetCellUsage(int Column, TenantUsage Usage);
