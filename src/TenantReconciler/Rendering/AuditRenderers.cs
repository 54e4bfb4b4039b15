using TenantReconciler.Stamps;

namespace TenantReconciler.Rendering;

/// <summary>Writes an <see cref="AuditReport"/> in one output format. Renderers are stateless and never touch the console.</summary>
public interface IAuditRenderer
{
    /// <summary>"text", "json" or "markdown", as given to <c>audit --output</c>.</summary>
    string Format { get; }

    void Render(AuditReport report, TextWriter writer);
}

/// <summary>The audit renderers by format name.</summary>
public static class AuditRenderers
{
    private static readonly IAuditRenderer[] All = [new AuditTextRenderer(), new AuditJsonRenderer(), new AuditMarkdownRenderer()];

    public static IReadOnlyList<string> Formats { get; } = Array.AsReadOnly(All.Select(r => r.Format).ToArray());

    /// <exception cref="ArgumentException">The format is unknown.</exception>
    public static IAuditRenderer Get(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return All.FirstOrDefault(r => string.Equals(r.Format, format, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown output format '{OutsideText.Sanitize(format)}'. Expected one of: {string.Join(", ", Formats)}.", nameof(format));
    }
}

/// <summary>The audit for a terminal or a CI log: per registration, the leak first, then the rest.</summary>
public sealed class AuditTextRenderer : IAuditRenderer
{
    public string Format => "text";

    public void Render(AuditReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(AuditText.Title(report) + "\n");
        foreach (var audit in report.Registrations)
        {
            writer.Write("\n");
            writer.Write($"{audit.Registration.Name} ({audit.Registration.Id})\n");
            writer.Write($"  {AuditText.Stamp(audit)}\n");
            foreach (var warning in audit.Stamp.Warnings)
            {
                writer.Write($"  warning: {OutsideText.Sanitize(warning)}\n");
            }

            if (audit.Stamp.Status != StampReadStatus.Complete)
            {
                writer.Write($"  ? usage unknown: {OutsideText.Sanitize(audit.Stamp.Problem ?? "the stamp was not read")}\n");
                continue;
            }

            writer.Write(audit.Unbilled.Count == 0
                ? "  Unbilled tenants: none\n"
                : $"  Unbilled tenants: {AuditText.Plural(audit.Unbilled.Count, "tenant", "tenants")}, {AuditText.Units(audit.UnbilledUsage)} units\n");
            foreach (var tenant in audit.Unbilled)
            {
                writer.Write($"    ! {AuditText.Unbilled(audit, tenant)}\n");
                foreach (var subscription in tenant.Subscriptions)
                {
                    writer.Write($"        {OutsideText.Sanitize(AuditText.Subscription(subscription))}\n");
                }
            }

            if (audit.Unbilled.Count > 0)
            {
                writer.Write("    Bill them to their customers: add to tenants.yaml once each customer subscription is known:\n");
                foreach (var line in AuditText.Snippet(audit))
                {
                    writer.Write($"      {line}\n");
                }
            }

            Section(writer, "Desired but not registered", audit.DesiredNotRegistered.Select(t => "+ " + AuditText.Pending(t)));
            Section(writer, "Billed to the operator on purpose", audit.BilledToOperator.Select(t => "= " + AuditText.Billed(t)));
            Section(writer, "Mappings nobody uses", audit.UnusedMappings.Select(m => "- " + AuditText.Unused(m)));
            var notVisible = audit.NotVisible.Select(s => "? " + AuditText.NotVisible(s)).ToList();
            if (audit.Stamp.Unattributed.Count > 0)
            {
                notVisible.Add("? " + AuditText.Unattributed(audit.Stamp));
            }

            Section(writer, "Not visible", notVisible);
        }

        if (report.RegistrationsWithoutStamp > 0)
        {
            writer.Write($"\n{AuditText.Plural(report.RegistrationsWithoutStamp, "registration has", "registrations have")} no stamp: block and {(report.RegistrationsWithoutStamp == 1 ? "is" : "are")} not audited.\n");
        }

        writer.Write($"\nSummary: {AuditText.Summary(report)}\n");
    }

    private static void Section(TextWriter writer, string title, IEnumerable<string> lines)
    {
        var list = lines.ToList();
        if (list.Count == 0)
        {
            return;
        }

        writer.Write($"  {title}: {list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n");
        foreach (var line in list)
        {
            writer.Write($"    {OutsideText.Sanitize(line)}\n");
        }
    }
}
