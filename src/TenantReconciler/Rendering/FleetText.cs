using System.Globalization;
using TenantReconciler.Fleet;
using TenantReconciler.Stamps;

namespace TenantReconciler.Rendering;

/// <summary>Wording shared by the tenant × registration renderers.</summary>
internal static class FleetText
{
    public const string Legend = "✔ in place; ~ different subscription; + desired, not live; − live, not desired";

    /// <summary>Up to this many registrations the view is a matrix (a column each); past it, a list of the cells that exist.</summary>
    public const int MatrixColumns = 8;

    public static bool IsMatrix(FleetView view) => view.Registrations.Count <= MatrixColumns;

    /// <summary>✔, ~, + or − (U+2212).</summary>
    public static string Symbol(CellStatus status) => status switch
    {
        CellStatus.InPlace => "✔",
        CellStatus.Different => "~",
        CellStatus.DesiredNotLive => "+",
        _ => "−",
    };

    /// <summary>The JSON word of a status.</summary>
    public static string Word(CellStatus status) => status switch
    {
        CellStatus.InPlace => "inPlace",
        CellStatus.Different => "different",
        CellStatus.DesiredNotLive => "desiredNotLive",
        _ => "liveNotDesired",
    };

    /// <summary>The JSON word of a flag kind.</summary>
    public static string Word(FleetFlagKind kind) => kind == FleetFlagKind.LiveNotDesired ? "liveNotDesired" : "labelMismatch";

    public static string Plural(int count, string one, string many) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? one : many)}");

    /// <summary>"3 tenants in 2 registrations, compared with the live state: 1 in place, …" or, without it, "…: 4 desired mappings (desired state only, no request sent)."</summary>
    /// <remarks>The desired-only sentence names the setting that adds the live state as data (<see cref="UserOption.Live"/>).</remarks>
    public static OptionText Summary(FleetView view)
    {
        var s = view.Summary;
        var head = $"{Plural(s.Tenants, "tenant", "tenants")} in {Plural(s.Registrations, "registration", "registrations")}";
        return view.IsLive
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"{head}, compared with the live state: {s.InPlace} in place, {s.Different} on a different subscription, {s.DesiredNotLive} desired and not live, {s.LiveNotDesired} live and not desired.")
            : OptionText.Of($"{head}: {Plural(s.Desired, "desired mapping", "desired mappings")} (desired state only, no request sent; {UserOption.Live} compares with ARM).");
    }

    /// <summary>
    /// The column titles: each registration's name, or <c>resourceGroup/name</c> when two registrations share a name, or the
    /// whole id when that is not unique either.
    /// </summary>
    public static string[] ColumnNames(IReadOnlyList<RegistrationRef> registrations)
    {
        var byName = registrations.GroupBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var byGroup = registrations.GroupBy(r => $"{r.ResourceGroup}/{r.Name}", StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        return registrations
            .Select(r => byName[r.Name] == 1 ? r.Name : byGroup[$"{r.ResourceGroup}/{r.Name}"] == 1 ? $"{r.ResourceGroup}/{r.Name}" : r.Id.ToString())
            .ToArray();
    }

    /// <summary>One sentence about a flag, in plain text: labels sanitised (<see cref="OutsideText"/>).</summary>
    public static string Message(FleetFlag flag, IReadOnlyDictionary<RegistrationRef, string> names) =>
        Message(flag, names, static label => OutsideText.Sanitize(label), static name => name);

    /// <summary>
    /// One sentence about a flag, with each label given by <paramref name="label"/> and each registration
    /// name by <paramref name="name"/>: the markdown renderer puts both in code spans, so no label can be a mention or a link.
    /// </summary>
    public static string Message(FleetFlag flag, IReadOnlyDictionary<RegistrationRef, string> names, Func<string, string> label, Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(flag);
        var tenant = flag.Label is null ? $"Tenant {PlanText.Id(flag.TenantId)}" : $"Tenant {PlanText.Id(flag.TenantId)} ({label(flag.Label)})";
        if (flag.Kind == FleetFlagKind.LiveNotDesired)
        {
            var where = string.Join(", ", flag.Cells.Select(c => name(names[c.Registration])));
            var elsewhere = flag.IsDesired ? "it is desired on another registration" : "no registration desires it";
            return $"{tenant} is live on {where}, where it is not desired; {elsewhere}.";
        }

        var labels = string.Join(", ", flag.Cells.Select(c => $"“{label(c.Label ?? string.Empty)}” on {name(names[c.Registration])}"));
        return $"{tenant} has different labels: {labels}.";
    }

    public static Dictionary<RegistrationRef, string> NamesOf(IReadOnlyList<RegistrationRef> registrations)
    {
        var names = ColumnNames(registrations);
        var map = new Dictionary<RegistrationRef, string>(registrations.Count);
        for (var i = 0; i < names.Length; i++)
        {
            map[registrations[i]] = names[i];
        }

        return map;
    }

    /// <summary>The subscriptions of a cell as text: "✔ S", "~ S (live L1, L2)", "+ S", "− L1, L2", the desired S alone without the live state, or "".</summary>
    public static string Cell(FleetCell cell, Func<Guid, string> id)
    {
        var desired = cell.DesiredSubscriptionId is { } d ? id(d) : null;
        var live = cell.LiveSubscriptionIds is { Count: > 0 } l ? string.Join(", ", l.Select(id)) : null;
        return cell.Status switch
        {
            null => desired ?? string.Empty,
            CellStatus.InPlace or CellStatus.DesiredNotLive => $"{Symbol(cell.Status.Value)} {desired}",
            CellStatus.Different => $"~ {desired} (live {live})",
            _ => $"− {live}",
        };
    }

    /// <summary>"Usage between 2026-11-24 and 2026-12-01 (UTC), from 1 stamp: 2 tenants with usage, 1 unknown." (null without stamps).</summary>
    public static string? UsageSummary(FleetView view)
    {
        if (view.Usage is not { } usage)
        {
            return null;
        }

        var unreadable = usage.Stamps.Count(s => s.Status != StampReadStatus.Complete);
        return $"Usage {usage.Window.Between}, from {Plural(usage.Stamps.Count, "stamp", "stamps")}"
            + (unreadable == 0 ? string.Empty : $" ({unreadable} could not be read)")
            + $": {Plural(usage.WithUsage, "tenant", "tenants")} with usage, {usage.Unknown} unknown.";
    }

    /// <summary>How a stamp's read ended: "4 user subscriptions, 5 usage records" or "usage unknown: …" (sanitised).</summary>
    public static string StampRead(FleetStampRead read) => read.Status == StampReadStatus.Complete
        ? string.Create(CultureInfo.InvariantCulture, $"{Plural(read.Subscriptions, "user subscription", "user subscriptions")}, {read.Records} usage record{(read.Records == 1 ? "" : "s")}")
        : "usage unknown: " + OutsideText.Sanitize(read.Problem ?? "not read");

    /// <summary>A row's usage as a cell: "412.5", "none", or "unknown: reason" (sanitised; never "none" when not known).</summary>
    public static string Usage(FleetRowUsage usage) => usage.Total.Kind switch
    {
        UsageKind.Used => StampReport.Units(usage.Total.Quantity),
        UsageKind.None => "none",
        _ => "unknown: " + OutsideText.Sanitize(usage.Total.Reason ?? "not known"),
    };
}
