using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>The events of one anchored node (or a merge source captured in place); alias events inside carry their resolved target.</summary>
internal sealed class Recording(string? anchor)
{
    /// <summary>The anchor's name; null for a merge source captured in place.</summary>
    public string? Anchor { get; } = anchor;

    public List<RecordedEvent> Events { get; } = [];
}

internal readonly record struct RecordedEvent(ParsingEvent Event, Recording? Target);

/// <summary>
/// The anchors of the document being read, for <see cref="YamlEventCursor"/> to replay at their aliases: every event is
/// offered to <see cref="Record"/>, which keeps the events of each anchored node (and of the nodes inside it) until the
/// node ends. Only anchored nodes are kept; every recorded event counts against the <see cref="ExpansionBudget"/>.
/// </summary>
internal sealed class AnchorRecorder(ExpansionBudget budget)
{
    private readonly Dictionary<string, Recording> _anchors = new(StringComparer.Ordinal);
    private readonly List<OpenRecording> _open = [];

    /// <summary>The complete recording of <paramref name="anchor"/>, defined before this point of the document.</summary>
    public bool TryGet(string anchor, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Recording? recording) =>
        _anchors.TryGetValue(anchor, out recording);

    /// <summary>Records <paramref name="e"/> (read from the parser at <paramref name="at"/>) into every anchored node still open.</summary>
    public void Record(ParsingEvent e, Recording? target, Mark at)
    {
        if (e is DocumentStart)
        {
            _anchors.Clear();
        }

        if (_open.Count > 0)
        {
            var isStart = e is MappingStart or SequenceStart;
            var isEnd = e is MappingEnd or SequenceEnd;
            for (var i = _open.Count - 1; i >= 0; i--)
            {
                var open = _open[i];
                open.Recording.Events.Add(new RecordedEvent(e, target));
                budget.CountRecorded(open.Recording.Anchor, at);
                if (isStart)
                {
                    open.Depth++;
                }
                else if (isEnd && --open.Depth == 0)
                {
                    _anchors[open.Recording.Anchor!] = open.Recording;
                    _open.RemoveAt(i);
                }
            }
        }

        if (e is NodeEvent { Anchor.IsEmpty: false } node)
        {
            var recording = new Recording(node.Anchor.Value);
            recording.Events.Add(new RecordedEvent(e, null));
            budget.CountRecorded(recording.Anchor, at);
            if (e is Scalar)
            {
                _anchors[node.Anchor.Value] = recording;
            }
            else
            {
                _open.Add(new OpenRecording(recording));
            }
        }
    }

    private sealed class OpenRecording(Recording recording)
    {
        public Recording Recording { get; } = recording;

        public int Depth { get; set; } = 1;
    }
}

/// <summary>An alias to an anchor that is not defined before it in the file (a <see cref="YamlException"/>: reported as TR1001).</summary>
internal sealed class UndefinedAliasException(Mark start, Mark end, string alias)
    : YamlException(start, end, $"The alias '*{alias}' refers to an anchor that is not defined before it.")
{
    public string Alias { get; } = alias;
}
