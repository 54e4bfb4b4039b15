using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>
/// One registration's part of the markdown comment, as <see cref="MarkdownLayout"/> fits it: its changes sorted into
/// the rows a guard judges (removals, then overwrites) and the adds, what its opening, closing and fold note cost, and
/// the rows kept so far.
/// </summary>
internal sealed class MarkdownBlock
{
    private MarkdownBlock(RegistrationPlan registration, PlanSummary summary, int billed, IReadOnlyList<PlannedChange> priority, IReadOnlyList<PlannedChange> adds)
    {
        Registration = registration;
        Summary = summary;
        Billed = billed;
        Priority = priority;
        Adds = adds;
        Pending = summary.Add + summary.Overwrite + summary.Remove;
        Open = Pending > 0 ? MarkdownText.Open(registration.Registration, summary, billed) : string.Empty;
        FoldReserve = MarkdownText.MoreChanges(Pending, Priority.Count).Length;
    }

    public RegistrationPlan Registration { get; }

    public PlanSummary Summary { get; }

    /// <summary>Changes that leave a tenant with no mapping in the registration (their usage is billed to the registration subscription).</summary>
    public int Billed { get; }

    public int Pending { get; }

    /// <summary>The removals, then the overwrites, each in plan order: the rows that are never folded before an add.</summary>
    public IReadOnlyList<PlannedChange> Priority { get; }

    public IReadOnlyList<PlannedChange> Adds { get; }

    public string Open { get; }

    /// <summary>The fold note at its longest (all changes folded).</summary>
    public int FoldReserve { get; }

    /// <summary>What the block costs without rows: opening, closing and the fold note.</summary>
    public int Cost => Open.Length + MarkdownText.Close.Length + FoldReserve;

    public List<string> PriorityRows { get; } = [];

    public List<string> AddRows { get; } = [];

    public bool AllShown => PriorityRows.Count == Priority.Count && AddRows.Count == Adds.Count;

    public static MarkdownBlock Of(RegistrationPlan registration)
    {
        int add = 0, overwrite = 0, remove = 0, unchanged = 0, billed = 0;
        var removals = new List<PlannedChange>();
        var overwrites = new List<PlannedChange>();
        var adds = new List<PlannedChange>();
        foreach (var change in registration.Changes)
        {
            switch (change.Action)
            {
                case ChangeAction.Add: add++; adds.Add(change); break;
                case ChangeAction.Overwrite: overwrite++; overwrites.Add(change); break;
                case ChangeAction.Remove: remove++; removals.Add(change); break;
                default: unchanged++; break;
            }

            if (change.BillingFallbackTenantId is not null)
            {
                billed++;
            }
        }

        removals.AddRange(overwrites);
        return new MarkdownBlock(registration, new PlanSummary(add, overwrite, remove, unchanged), billed, removals, adds);
    }
}
