using System.Text;
using System.Text.Json;

namespace TenantReconciler.Persistence;

/// <summary>Reads a journal, tolerating (and counting) the partial or corrupt lines a killed process may leave.</summary>
public static class JournalReader
{
    /// <summary>The local journal at <paramref name="path"/> (empty when there is none); waits while a writer appends.</summary>
    public static JournalContents Read(string path)
    {
        using var stream = LockedFile.OpenForRead(path);
        return stream is null ? JournalContents.Empty : Parse(stream);
    }

    /// <summary>Parses JSON lines from the current position of <paramref name="stream"/> to its end (leaves it open).</summary>
    public static JournalContents Parse(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return Parse(lines);
    }

    public static JournalContents Parse(IEnumerable<string> lines)
    {
        var entries = new List<JournalEntry>();
        var seen = new HashSet<(Guid, int)>();
        var skipped = 0;
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JournalEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize(line, JournalJsonContext.Default.JournalEntry);
            }
            catch (JsonException)
            {
                skipped++;
                continue;
            }

            // The same line twice (a storage request retried after it had succeeded) is one entry.
            if (entry is not null && (entry.Sequence is not { } sequence || seen.Add((entry.ApplyId, sequence))))
            {
                entries.Add(entry);
            }
        }

        return new JournalContents(entries, skipped);
    }

    /// <summary>The entry as one journal line, newline included.</summary>
    internal static byte[] ToLine(JournalEntry entry)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(entry, JournalJsonContext.Default.JournalEntry);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }
}

/// <summary>The readable entries of a journal, in order, and how many lines could not be read.</summary>
public sealed record JournalContents(IReadOnlyList<JournalEntry> Entries, int SkippedLines)
{
    public static JournalContents Empty { get; } = new([], 0);

    /// <summary>
    /// The entry that claimed <paramref name="planId"/> (or, in older journals, the start of the apply that used it), if
    /// any: a plan is applied at most once.
    /// </summary>
    public JournalEntry? ApplyOfPlan(Guid planId) =>
        Entries.FirstOrDefault(e => e.PlanId == planId && e.Type is JournalEntry.PlanClaimed or JournalEntry.ApplyStarted);

    /// <summary>The entry that issued <paramref name="planId"/> (<c>plan --out</c> or <c>undo</c>), if any.</summary>
    public JournalEntry? IssueOf(Guid planId) =>
        Entries.FirstOrDefault(e => e.PlanId == planId && e.Type == JournalEntry.PlanIssued);

    /// <summary>The successful writes of the last apply that made any, in order.</summary>
    public IReadOnlyList<JournalEntry> LastApplyWrites()
    {
        var last = Entries.LastOrDefault(IsWrite);
        return last is null ? [] : Entries.Where(e => e.ApplyId == last.ApplyId && IsWrite(e)).ToArray();
    }

    /// <summary>
    /// Where the writes of <see cref="LastApplyWrites"/> went (an ARM endpoint, or <c>emulator</c>); null when there
    /// are none or the journal predates the endpoint being recorded.
    /// </summary>
    public string? LastApplyEndpoint() => LastApplyWrites() is [var first, ..] ? first.Endpoint : null;

    private static bool IsWrite(JournalEntry e) => e.Type == JournalEntry.RequestFinished && e.Result == "done";
}
