using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>
/// The plan as a GitHub pull-request comment that always fits:
/// <list type="number">
/// <item>a hidden marker (<see cref="Marker"/>), so CI can find and update one sticky comment;</item>
/// <item>the summary table (totals only, so its size does not grow with the plan) and every guard warning;</item>
/// <item>one collapsed <c>&lt;details&gt;</c> block per registration with changes: where it is, how many of its
/// changes leave a tenant unmapped (billed to the registration subscription), and a table with one row per change.
/// Every removal and every dropped mapping carries its billing-impact note (⚠️).</item>
/// </list>
/// The output is always shorter than <see cref="CharacterLimit"/> characters (GitHub refuses comments over 65,535).
/// Every removal and every overwrite is listed, before any add, in each registration's table: shortened (no label) if
/// they do not all fit at full length, folded only when even that cannot fit, and then counted as such. Past that, adds
/// are folded into a count ("… 41,210 more changes (all adds): see the JSON plan artifact"), the adds shown being shared
/// fairly between the registrations. The summary is never cut. Guard warnings are never cut either, unless they alone
/// would break the limit: then as many whole warnings as fit are shown, in order, followed by a count of the rest (the
/// plan run lists every one on stderr). Labels are capped at 200 characters and put in code spans, so that no label is a
/// mention, a link or markup (see <see cref="MarkdownText.Label"/>).
/// Rendering is linear in the size of the plan and builds only the text it writes.
/// </summary>
public sealed class MarkdownPlanRenderer : IPlanRenderer
{
    /// <summary>The first line of every comment.</summary>
    public const string Marker = MarkdownText.Marker;

    /// <summary>The default limit: room below GitHub's 65,535 for a CI step to add a line or two.</summary>
    public const int DefaultCharacterLimit = 60_000;

    /// <summary>The smallest limit that always leaves room for the summary and the fold notes.</summary>
    public const int MinimumCharacterLimit = 2_000;

    public MarkdownPlanRenderer()
        : this(DefaultCharacterLimit)
    {
    }

    /// <param name="characterLimit">The output is shorter than this, counted in UTF-16 code units (string length).</param>
    public MarkdownPlanRenderer(int characterLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(characterLimit, MinimumCharacterLimit);
        CharacterLimit = characterLimit;
    }

    public int CharacterLimit { get; }

    public string Format => "markdown";

    public void Render(Plan plan, TextWriter writer, IReadOnlyList<GuardViolation>? warnings = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(writer);

        MarkdownLayout.Fit(plan, warnings ?? [], CharacterLimit - 1).WriteTo(writer);
    }
}
