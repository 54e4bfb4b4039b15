using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>
/// Decides what the markdown comment shows within a length budget, then writes it. Every piece is measured before it
/// is kept, and the fold notes are reserved at their longest, so the total never exceeds the budget.
/// </summary>
internal sealed class MarkdownLayout
{
    // The "shows N of M" note and the "more registrations" line, at their longest.
    private static readonly int NotesReserve =
        MarkdownText.Shown(int.MaxValue, int.MaxValue).Length + MarkdownText.MoreRegistrations(int.MaxValue, int.MaxValue).Length;

    private static readonly int MoreWarningsReserve = MarkdownText.MoreWarnings(int.MaxValue).Length;

    private readonly List<string> _warnings = [];
    private readonly List<Block> _blocks = [];
    private string _head = string.Empty;
    private int _omittedWarnings;
    private int _foldedRegistrations;
    private int _foldedRegistrationChanges;
    private int _shown;
    private int _total;

    private MarkdownLayout()
    {
    }

    public static MarkdownLayout Fit(Plan plan, IReadOnlyList<GuardViolation> warnings, int maxLength)
    {
        var layout = new MarkdownLayout();
        var candidates = new List<Block>();
        var summary = new PlanSummary(0, 0, 0, 0);
        var billed = 0;
        foreach (var registration in plan.Registrations)
        {
            var block = Block.Of(registration);
            summary += block.Summary;
            billed += block.Billed;
            if (block.Pending > 0)
            {
                candidates.Add(block);
            }
        }

        layout._total = summary.Add + summary.Overwrite + summary.Remove;
        layout._head = layout._total == 0
            ? MarkdownText.NoChangesHead(plan)
            : MarkdownText.Head(summary, plan.Registrations.Count, candidates.Count, billed);

        var budget = maxLength - layout._head.Length - NotesReserve;
        budget = layout.FitWarnings(warnings, budget);
        budget = layout.FitRegistrations(candidates, budget);
        layout.FitRows(budget);
        return layout;
    }

    public void WriteTo(TextWriter writer)
    {
        writer.Write(_head);
        if (_warnings.Count + _omittedWarnings > 0)
        {
            writer.Write(MarkdownText.WarningsHeader);
            foreach (var warning in _warnings)
            {
                writer.Write(warning);
            }

            if (_omittedWarnings > 0)
            {
                writer.Write(MarkdownText.MoreWarnings(_omittedWarnings));
            }
        }

        if (_shown < _total)
        {
            writer.Write(MarkdownText.Shown(_shown, _total));
        }

        foreach (var block in _blocks)
        {
            writer.Write(block.Open);
            foreach (var row in block.Rows)
            {
                writer.Write(row);
            }

            if (block.Rows.Count < block.Pending)
            {
                writer.Write(MarkdownText.MoreChanges(block.Pending - block.Rows.Count));
            }

            writer.Write(MarkdownText.Close);
        }

        if (_foldedRegistrations > 0)
        {
            writer.Write(MarkdownText.MoreRegistrations(_foldedRegistrations, _foldedRegistrationChanges));
        }
    }

    /// <summary>Every warning if they fit; otherwise the whole warnings that fit, in order, and a count of the rest.</summary>
    private int FitWarnings(IReadOnlyList<GuardViolation> warnings, int budget)
    {
        if (warnings.Count == 0)
        {
            return budget;
        }

        budget -= MarkdownText.WarningsHeader.Length;
        var lines = new List<string>(warnings.Count);
        var length = 0;
        foreach (var warning in warnings)
        {
            var line = MarkdownText.Warning(warning);
            lines.Add(line);
            length += line.Length;
        }

        if (length <= budget)
        {
            _warnings.AddRange(lines);
            return budget - length;
        }

        budget -= MoreWarningsReserve;
        var kept = 0;
        while (kept < lines.Count && lines[kept].Length <= budget)
        {
            budget -= lines[kept].Length;
            _warnings.Add(lines[kept++]);
        }

        _omittedWarnings = lines.Count - kept;
        return 0; // Past this point there is no room worth sharing: the warnings come first.
    }

    /// <summary>Keeps the blocks (without rows) that fit, in plan order; the rest are folded whole.</summary>
    private int FitRegistrations(List<Block> candidates, int budget)
    {
        var i = 0;
        for (; i < candidates.Count; i++)
        {
            var block = candidates[i];
            if (block.Cost > budget)
            {
                break;
            }

            budget -= block.Cost;
            _blocks.Add(block);
        }

        for (; i < candidates.Count; i++)
        {
            _foldedRegistrations++;
            _foldedRegistrationChanges += candidates[i].Pending;
        }

        return budget;
    }

    /// <summary>
    /// Shares the remaining budget between the kept registrations, one row each in turn, so that each shows its first
    /// changes. A registration stops at its first row that does not fit: the rows shown are always a prefix.
    /// </summary>
    private void FitRows(int budget)
    {
        var active = new List<(Block Block, IEnumerator<PlannedChange> Changes)>(_blocks.Count);
        foreach (var block in _blocks)
        {
            active.Add((block, block.Registration.PendingChanges.GetEnumerator()));
        }

        var next = new List<(Block Block, IEnumerator<PlannedChange> Changes)>(active.Count);
        while (active.Count > 0)
        {
            foreach (var (block, changes) in active)
            {
                if (!changes.MoveNext())
                {
                    changes.Dispose();
                    budget += block.FoldReserve; // Every row is shown: its fold note will not be written.
                    continue;
                }

                var row = MarkdownText.Row(changes.Current);
                if (row.Length > budget)
                {
                    changes.Dispose();
                    continue;
                }

                budget -= row.Length;
                block.Rows.Add(row);
                _shown++;
                next.Add((block, changes));
            }

            (active, next) = (next, active);
            next.Clear();
        }
    }

    private sealed class Block
    {
        private Block(RegistrationPlan registration, PlanSummary summary, int billed)
        {
            Registration = registration;
            Summary = summary;
            Billed = billed;
            Pending = summary.Add + summary.Overwrite + summary.Remove;
            Open = Pending > 0 ? MarkdownText.Open(registration.Registration, summary, billed) : string.Empty;
            FoldReserve = MarkdownText.MoreChanges(Pending).Length;
        }

        public RegistrationPlan Registration { get; }

        public PlanSummary Summary { get; }

        /// <summary>Changes that leave a tenant with no mapping (their usage is billed to the registration subscription).</summary>
        public int Billed { get; }

        public int Pending { get; }

        public string Open { get; }

        /// <summary>The "… N more changes" note at its longest (all changes folded).</summary>
        public int FoldReserve { get; }

        /// <summary>What the block costs without rows: opening, closing and the fold note.</summary>
        public int Cost => Open.Length + MarkdownText.Close.Length + FoldReserve;

        public List<string> Rows { get; } = [];

        public static Block Of(RegistrationPlan registration)
        {
            int add = 0, overwrite = 0, remove = 0, unchanged = 0, billed = 0;
            foreach (var change in registration.Changes)
            {
                switch (change.Action)
                {
                    case ChangeAction.Add: add++; break;
                    case ChangeAction.Overwrite: overwrite++; break;
                    case ChangeAction.Remove: remove++; break;
                    default: unchanged++; break;
                }

                if (change.BillingFallbackTenantId is not null)
                {
                    billed++;
                }
            }

            return new Block(registration, new PlanSummary(add, overwrite, remove, unchanged), billed);
        }
    }
}
