using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>
/// Decides what the markdown comment shows within a length budget, then writes it. Every piece is measured before it
/// is kept, and the fold notes are reserved at their longest, so the total never exceeds the budget.
/// <para>
/// What a reviewer must see comes first: after the head and the guard warnings, every removal and every overwrite
/// (the rows a guard judges: they drop, move or replace a mapping) of every registration, in a table that lists them
/// before the adds. When they do not all fit at full length, every one of them is shortened (no label, a short note)
/// rather than any one skipped; only when even that cannot fit (tens of thousands of removals) are the last ones folded,
/// and the fold note says how many removals and overwrites it holds. Adds come last, shared between the registrations,
/// and are what is folded first. A label is capped at <see cref="MarkdownText.MaxLabelLength"/>.
/// </para>
/// </summary>
internal sealed class MarkdownLayout
{
    // The "shows N of M" note and the "more registrations" line, at their longest.
    private static readonly int NotesReserve =
        MarkdownText.Shown(int.MaxValue, int.MaxValue, everyRemoval: false).Length + MarkdownText.MoreRegistrations(int.MaxValue, int.MaxValue, int.MaxValue).Length;

    private static readonly int MoreWarningsReserve = MarkdownText.MoreWarnings(int.MaxValue).Length;

    private readonly List<string> _warnings = [];
    private readonly List<MarkdownBlock> _blocks = [];
    private string _head = string.Empty;
    private int _omittedWarnings;
    private int _foldedRegistrations;
    private int _foldedRegistrationChanges;
    private int _foldedRegistrationPriority;
    private int _shown;
    private int _total;
    private bool _everyPriorityShown = true;

    private MarkdownLayout()
    {
    }

    public static MarkdownLayout Fit(Plan plan, IReadOnlyList<GuardViolation> warnings, int maxLength)
    {
        var layout = new MarkdownLayout();
        var candidates = new List<MarkdownBlock>();
        var summary = new PlanSummary(0, 0, 0, 0);
        var billed = 0;
        foreach (var registration in plan.Registrations)
        {
            var block = MarkdownBlock.Of(registration);
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
        budget = layout.FitPriorityRows(budget);
        layout.FitAdds(budget);
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
            writer.Write(MarkdownText.Shown(_shown, _total, _everyPriorityShown));
        }

        foreach (var block in _blocks)
        {
            writer.Write(block.Open);
            foreach (var row in block.PriorityRows)
            {
                writer.Write(row);
            }

            foreach (var row in block.AddRows)
            {
                writer.Write(row);
            }

            var folded = block.Pending - block.PriorityRows.Count - block.AddRows.Count;
            if (folded > 0)
            {
                writer.Write(MarkdownText.MoreChanges(folded, block.Priority.Count - block.PriorityRows.Count));
            }

            writer.Write(MarkdownText.Close);
        }

        if (_foldedRegistrations > 0)
        {
            writer.Write(MarkdownText.MoreRegistrations(_foldedRegistrations, _foldedRegistrationChanges, _foldedRegistrationPriority));
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

    /// <summary>
    /// Keeps the blocks (without rows) that fit: first every registration with a removal or an overwrite, then the
    /// add-only ones, each group in plan order; the rest are folded whole. MarkdownBlocks are written in plan order.
    /// </summary>
    private int FitRegistrations(List<MarkdownBlock> candidates, int budget)
    {
        var full = false;
        foreach (var block in candidates.Where(b => b.Priority.Count > 0).Concat(candidates.Where(b => b.Priority.Count == 0)))
        {
            full |= block.Cost > budget;
            if (!full)
            {
                budget -= block.Cost;
                _blocks.Add(block);
                continue;
            }

            _foldedRegistrations++;
            _foldedRegistrationChanges += block.Pending;
            _foldedRegistrationPriority += block.Priority.Count;
            _everyPriorityShown &= block.Priority.Count == 0;
        }

        var planOrder = candidates.Select((b, i) => (b, i)).ToDictionary(p => p.b, p => p.i);
        _blocks.Sort((x, y) => planOrder[x].CompareTo(planOrder[y]));
        return budget;
    }

    /// <summary>
    /// Every removal and overwrite of the kept blocks: at full length if all fit, else all shortened, else (more than
    /// any comment can hold) shortened and shared between the registrations, the rest counted in each fold note.
    /// </summary>
    private int FitPriorityRows(int budget)
    {
        var full = 0L;
        var compact = 0L;
        foreach (var block in _blocks)
        {
            foreach (var change in block.Priority)
            {
                full += MarkdownText.Row(change).Length;
                compact += MarkdownText.CompactRow(change).Length;
            }
        }

        if (full <= budget || compact <= budget)
        {
            var form = full <= budget ? (Func<PlannedChange, string>)MarkdownText.Row : MarkdownText.CompactRow;
            foreach (var block in _blocks)
            {
                foreach (var change in block.Priority)
                {
                    var row = form(change);
                    budget -= row.Length;
                    block.PriorityRows.Add(row);
                    _shown++;
                }
            }

            return budget;
        }

        _everyPriorityShown = false;
        return Share(budget, block => block.Priority, block => block.PriorityRows, MarkdownText.CompactRow);
    }

    /// <summary>The adds, shared between the kept registrations one row each in turn (each shows a prefix of its adds).</summary>
    private void FitAdds(int budget) => Share(budget, block => block.Adds, block => block.AddRows, MarkdownText.Row);

    /// <summary>
    /// Shares the budget between the kept registrations, one row each in turn, so that each shows its first rows. A
    /// registration stops at its first row that does not fit: the rows shown are always a prefix. A registration whose
    /// every change is shown gives its fold note's reserve back.
    /// </summary>
    private int Share(int budget, Func<MarkdownBlock, IReadOnlyList<PlannedChange>> changes, Func<MarkdownBlock, List<string>> rows, Func<PlannedChange, string> form)
    {
        var active = _blocks.Select(b => (MarkdownBlock: b, Next: 0)).ToList();
        var next = new List<(MarkdownBlock MarkdownBlock, int Next)>(active.Count);
        while (active.Count > 0)
        {
            foreach (var (block, index) in active)
            {
                var list = changes(block);
                if (index == list.Count)
                {
                    if (block.AllShown)
                    {
                        budget += block.FoldReserve; // Its fold note will not be written.
                    }

                    continue;
                }

                var row = form(list[index]);
                if (row.Length > budget)
                {
                    continue;
                }

                budget -= row.Length;
                rows(block).Add(row);
                _shown++;
                next.Add((block, index + 1));
            }

            (active, next) = (next, active);
            next.Clear();
        }

        return budget;
    }
}
