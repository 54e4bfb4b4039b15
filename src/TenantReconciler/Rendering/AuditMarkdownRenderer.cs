using System.Text;
using TenantReconciler.Stamps;

namespace TenantReconciler.Rendering;

/// <summary>
/// The audit as GitHub markdown (a pull-request comment, an issue): a hidden marker, the title and summary, then the
/// unbilled tenants of every registration in one table (largest usage first), then the desired tenants not registered,
/// the problems, and the rest. Shorter than the character limit, as the plan comment is: past it, the last rows are
/// folded into a count that points to <c>-o json</c>; the summary is never cut. Outside text is in code spans.
/// </summary>
public sealed class AuditMarkdownRenderer : IAuditRenderer
{
    public const string Marker = "<!-- tenant-reconciler:audit -->";

    private readonly int _characterLimit;

    public AuditMarkdownRenderer()
        : this(FleetMarkdownRenderer.DefaultCharacterLimit)
    {
    }

    public AuditMarkdownRenderer(int characterLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(characterLimit, FleetMarkdownRenderer.MinimumCharacterLimit);
        _characterLimit = characterLimit;
    }

    public string Format => "markdown";

    public void Render(AuditReport report, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(writer);
        var head = $"{Marker}\n### {MarkdownText.EscapeProse(AuditText.Title(report))}\n\n{MarkdownText.EscapeProse(AuditText.Summary(report))}\n";
        var fold = "\n…and 9,999,999 more rows, not shown: run `tenant-reconciler audit -o json` for all of them.\n";
        var budget = _characterLimit - 1 - head.Length - fold.Length;
        var output = new StringBuilder(head);
        var hidden = 0;

        void Add(string block)
        {
            if (hidden == 0 && block.Length <= budget)
            {
                output.Append(block);
                budget -= block.Length;
            }
            else
            {
                hidden++;
            }
        }

        var unbilled = report.Registrations.SelectMany(a => a.Unbilled.Select(t => (Audit: a, Tenant: t))).OrderByDescending(p => p.Tenant.Quantity).ToList();
        if (unbilled.Count > 0)
        {
            Add("\n#### Unbilled tenants: billed to the registration subscription now\n\n| Registration | Tenant | Usage | Subscriptions | Offers | Owners |\n|---|---|---:|---|---|---|\n");
            foreach (var (audit, tenant) in unbilled)
            {
                Add(Row(audit.Registration.Name, PlanText.Id(tenant.TenantId), tenant));
            }
        }

        var pending = report.Registrations.SelectMany(a => a.DesiredNotRegistered.Select(t => (Audit: a, Tenant: t))).ToList();
        if (pending.Count > 0)
        {
            Add("\n#### Desired but not registered: the next apply maps them\n\n| Registration | Tenant | Usage | Subscriptions | Offers | Owners |\n|---|---|---:|---|---|---|\n");
            foreach (var (audit, tenant) in pending)
            {
                Add(Row(audit.Registration.Name, PlanText.Id(tenant.TenantId) + (tenant.Label is { } label ? " " + MarkdownText.Label(label) : string.Empty), tenant));
            }
        }

        var problems = report.Registrations
            .Where(a => a.Stamp.Status != StampReadStatus.Complete || a.Stamp.Warnings.Count > 0)
            .SelectMany(a => a.Stamp.Warnings.Select(w => $"- {MarkdownText.EscapeProse(w)}\n")
                .Concat(a.Stamp.Status == StampReadStatus.Complete ? [] : [$"- **{MarkdownText.Label(a.Registration.Name)}**: usage unknown: {MarkdownText.EscapeProse(a.Stamp.Problem ?? string.Empty)}\n"]))
            .ToList();
        if (problems.Count > 0)
        {
            Add("\n#### Problems and warnings\n\n");
            problems.ForEach(Add);
        }

        var rest = report.Registrations.SelectMany(a =>
                a.BilledToOperator.Select(t => $"- {MarkdownText.Label(a.Registration.Name)}: {MarkdownText.EscapeProse(AuditText.Billed(t))}\n")
                    .Concat(a.UnusedMappings.Select(m => $"- {MarkdownText.Label(a.Registration.Name)}: {MarkdownText.EscapeProse(AuditText.Unused(m))}\n"))
                    .Concat(a.NotVisible.Select(s => $"- {MarkdownText.Label(a.Registration.Name)}: {MarkdownText.EscapeProse(AuditText.NotVisible(s))}\n"))
                    .Concat(a.Stamp.Unattributed.Count == 0 ? [] : [$"- {MarkdownText.Label(a.Registration.Name)}: {MarkdownText.EscapeProse(AuditText.Unattributed(a.Stamp))}\n"]))
            .ToList();
        if (rest.Count > 0)
        {
            Add("\n#### Also\n\n");
            rest.ForEach(Add);
        }

        if (hidden > 0)
        {
            output.Append($"\n…and {MarkdownText.Count(hidden)} more rows, not shown: run `tenant-reconciler audit -o json` for all of them.\n");
        }

        writer.Write(output.ToString());
    }

    private static string Row(string registration, string tenant, AuditTenant entry)
    {
        var used = entry.Subscriptions.Where(s => s.Quantity != 0).ToList();
        var subscriptions = string.Join(", ", used.Select(s => PlanText.Id(s.Subscription.SubscriptionId)));
        var offers = string.Join(", ", used.Select(s => s.Subscription.Offer).OfType<string>().Distinct().Select(MarkdownText.Label));
        var owners = string.Join(", ", used.Select(s => s.Subscription.Owner).OfType<string>().Distinct().Select(MarkdownText.Label));
        return $"| {MarkdownText.Label(registration)} | {tenant} | {AuditText.Units(entry.Quantity)} | {subscriptions} | {offers} | {owners} |\n";
    }
}
