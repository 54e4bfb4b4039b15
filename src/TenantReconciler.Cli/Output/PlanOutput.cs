using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Output;

/// <summary>The plan on stdout and the guard warnings on stderr, as plan, apply and undo show them.</summary>
public static class PlanOutput
{
    public static void Text(TextWriter output, Plan plan) => new TextPlanRenderer().Render(plan, output);

    /// <summary>The text plan: coloured, with a summary table, on a terminal (<see cref="OutputStyle.Rich"/>); else plain.</summary>
    public static void Text(IOContext io, Plan plan) => Render(io, new TextPlanRenderer(), plan);

    /// <summary>
    /// The plan in <paramref name="renderer"/>'s format on stdout. Only the text format is ever coloured, and only on a
    /// terminal: JSON and markdown are contracts, byte for byte the same wherever they go.
    /// </summary>
    /// <param name="header">For the JSON format: the plan's sources, target and fingerprints (and, saved, its id).</param>
    public static void Render(IOContext io, IPlanRenderer renderer, Plan plan, IReadOnlyList<GuardViolation>? warnings = null, PlanHeader? header = null)
    {
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(renderer);
        if (io.Terminal is { } terminal && renderer is TextPlanRenderer)
        {
            TerminalPlanRenderer.Render(plan, terminal);
            return;
        }

        if (renderer is JsonPlanRenderer)
        {
            JsonPlanRenderer.Render(plan, header, (warnings ?? []).Select(PlanGuard.Of).ToArray(), io.Output);
            return;
        }

        renderer.Render(plan, io.Output, warnings);
    }

    /// <summary>
    /// The management locks that will make ARM refuse planned changes, and the registrations whose locks could not be
    /// read (so nobody mistakes that for "no locks").
    /// </summary>
    public static void LockWarnings(TextWriter error, IReadOnlyList<GuardViolation> warnings, IReadOnlyList<Reconciling.LockListing> unreadable)
    {
        ArgumentNullException.ThrowIfNull(error);
        foreach (var warning in warnings)
        {
            error.WriteLine($"Warning: {warning}");
        }

        foreach (var listing in unreadable)
        {
            error.WriteLine($"Note: {Reconciling.RegistrationLocks.Unreadable(listing)}: a lock there would still refuse changes (409 ScopeLocked) at apply.");
        }
    }

    /// <summary>Every guard a default apply would trip, so reviewers see it on the pull request.</summary>
    public static void GuardWarnings(TextWriter error, IReadOnlyList<GuardViolation> violations)
    {
        foreach (var violation in violations)
        {
            error.WriteLine($"Warning: apply will refuse this plan: {violation}");
        }
    }

    /// <summary>
    /// What the stamps said that no change shows: a stamp that reports to another registration (its usage belongs
    /// elsewhere, so every removal there is judged as unknown) and the activation's warnings (usage reporting off).
    /// </summary>
    public static void StampWarnings(TextWriter error, IReadOnlyList<Stamps.StampReport> reports)
    {
        foreach (var report in reports)
        {
            if (report.Status == Stamps.StampReadStatus.Mismatch)
            {
                error.WriteLine($"Warning: {report.Problem} The usage of {report.Registration.Name} is unknown until it is fixed.");
            }

            foreach (var warning in report.Warnings)
            {
                error.WriteLine($"Warning: {warning}");
            }
        }
    }
}
