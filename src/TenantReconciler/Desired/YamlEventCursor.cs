using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>
/// A forward cursor over YamlDotNet parser events that resolves aliases by replaying the anchored node's events.
/// Only anchored nodes are kept in memory (as <see cref="Recording"/>s); everything else streams through, so a
/// large file leaves nothing behind but the result.
/// </summary>
/// <remarks>
/// <see cref="Next"/> expands aliases: the reader never sees an <see cref="AnchorAlias"/>, only the anchored node's
/// events (with the anchored node's positions), and <see cref="IsAliasStart"/> / <see cref="NodeLine"/> tell where the
/// alias itself was written. <see cref="SkipNode"/> never expands, so skipping an unknown key is cheap even for
/// alias bombs; recordings and the expansions that are read are bounded by an <see cref="ExpansionBudget"/>.
/// </remarks>
internal sealed class YamlEventCursor
{
    private const string NullTag = "tag:yaml.org,2002:null";

    /// <summary>
    /// YamlDotNet's scanner does work proportional to the flow nesting depth for every token, so a file of nested
    /// brackets would take minutes; no desired-state file nests deeper than a handful of levels.
    /// </summary>
    private const int MaxDepth = 1000;

    private readonly IParser _parser;
    private readonly AnchorRecorder _anchors;
    private readonly List<ReplayFrame> _replays = [];
    private int _depth;
    private ParsingEvent? _lastEvent;
    private Recording? _currentTarget;
    private int _aliasLine;
    private int _aliasColumn;

    private readonly ExpansionBudget _budget;

    public YamlEventCursor(IParser parser, ExpansionBudget? budget = null)
    {
        _parser = parser;
        _budget = budget ?? new ExpansionBudget();
        _anchors = new AnchorRecorder(_budget);
    }

    /// <summary>The current event; null once the stream has ended.</summary>
    public ParsingEvent? Current { get; private set; }

    /// <summary>True when the current event starts a node that was reached through an alias.</summary>
    public bool IsAliasStart { get; private set; }

    /// <summary>Where the current event is written (for a replayed event: in the anchored node).</summary>
    public int Line => Current is null ? 1 : ToInt(Current.Start.Line);

    public int Column => Current is null ? 1 : ToInt(Current.Start.Column);

    /// <summary>Where the current node is written in this place: the alias for an alias, else <see cref="Line"/>.</summary>
    public int NodeLine => IsAliasStart ? _aliasLine : Line;

    public int NodeColumn => IsAliasStart ? _aliasColumn : Column;

    /// <summary>What a message calls the current node: "a mapping", "a list", "a scalar", "an empty value".</summary>
    public string KindName => Current switch
    {
        MappingStart => "a mapping",
        SequenceStart => "a list",
        Scalar s when IsNull(s) => "an empty value",
        _ => "a scalar",
    };

    /// <summary>An untagged plain <c>""</c>, <c>~</c> or <c>null</c>, or a scalar tagged <c>!!null</c>.</summary>
    public static bool IsNull(Scalar scalar) =>
        scalar.Tag.IsEmpty
            ? scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL"
            : scalar.Tag.Value == NullTag;

    /// <summary>Moves to the next event, expanding an alias into the anchored node's events.</summary>
    /// <exception cref="YamlException">Invalid YAML, an undefined alias, or aliases that expand too much.</exception>
    public void Next()
    {
        IsAliasStart = false;
        Advance();
        if (Current is AnchorAlias alias)
        {
            var target = _currentTarget!;
            _aliasLine = ToInt(alias.Start.Line);
            _aliasColumn = ToInt(alias.Start.Column);
            _replays.Add(new ReplayFrame(target, resumeEvent: null, resumeTarget: null));
            SetCurrent(target.Events[0]);
            CountReplayed();
            IsAliasStart = true;
        }
    }

    /// <summary>Consumes the current node (which must start a node) without expanding aliases inside it.</summary>
    public void SkipNode()
    {
        if (IsAliasStart)
        {
            // The whole node is the replay frame on top: drop it, continue after the alias.
            _replays.RemoveAt(_replays.Count - 1);
            Next();
            return;
        }

        if (Current is MappingStart or SequenceStart)
        {
            var depth = 1;
            while (depth > 0)
            {
                Advance();
                switch (Current)
                {
                    case MappingStart or SequenceStart:
                        depth++;
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    case null:
                        return;
                }
            }
        }

        Next();
    }

    /// <summary>Consumes the current node and returns its events, for replay by <see cref="BeginReplay"/>.</summary>
    public Recording CaptureNode()
    {
        if (IsAliasStart)
        {
            var frame = _replays[^1];
            _replays.RemoveAt(_replays.Count - 1);
            Next();
            return frame.Recording;
        }

        var recording = new Recording(anchor: null);
        recording.Events.Add(new RecordedEvent(Current!, _currentTarget));
        CountRecorded(null);
        if (Current is MappingStart or SequenceStart)
        {
            var depth = 1;
            while (depth > 0)
            {
                Advance();
                if (Current is null)
                {
                    break;
                }

                recording.Events.Add(new RecordedEvent(Current, _currentTarget));
                CountRecorded(null);
                if (Current is MappingStart or SequenceStart)
                {
                    depth++;
                }
                else if (Current is MappingEnd or SequenceEnd)
                {
                    depth--;
                }
            }
        }

        Next();
        return recording;
    }

    /// <summary>
    /// Makes the first event of <paramref name="recording"/> current. When the recorded node has been consumed,
    /// the event that was current before this call becomes current again (used for merge keys).
    /// </summary>
    public void BeginReplay(Recording recording)
    {
        _replays.Add(new ReplayFrame(recording, Current, _currentTarget));
        IsAliasStart = false;
        SetCurrent(recording.Events[0]);
        CountReplayed();
    }

    /// <summary>Consumes everything up to the end of the stream (still checking the syntax).</summary>
    public void SkipToEnd()
    {
        while (Current is not null)
        {
            Advance();
        }
    }

    private void Advance()
    {
        while (_replays.Count > 0)
        {
            var frame = _replays[^1];
            frame.Index++;
            if (frame.Index < frame.Recording.Events.Count)
            {
                SetCurrent(frame.Recording.Events[frame.Index]);
                CountReplayed();
                return;
            }

            _replays.RemoveAt(_replays.Count - 1);
            if (frame.ResumeEvent is not null)
            {
                Current = frame.ResumeEvent;
                _currentTarget = frame.ResumeTarget;
                return;
            }

            // An alias replay ended: continue with the event after the alias in the source below.
        }

        if (!MoveParser())
        {
            Current = null;
            _currentTarget = null;
            return;
        }

        var e = _parser.Current!;
        _lastEvent = e;
        _budget.CountParsed();
        if (e is MappingStart or SequenceStart)
        {
            if (++_depth > MaxDepth)
            {
                throw new YamlException(e.Start, e.End, $"The YAML nests deeper than {MaxDepth} levels.");
            }
        }
        else if (e is MappingEnd or SequenceEnd)
        {
            _depth--;
        }

        Recording? target = null;
        if (e is AnchorAlias alias && !_anchors.TryGet(alias.Value.Value, out target))
        {
            throw new UndefinedAliasException(alias.Start, alias.End, alias.Value.Value);
        }

        Current = e;
        _currentTarget = target;
        _anchors.Record(e, target, e.Start);
    }

    /// <summary>
    /// <see cref="IParser.MoveNext"/>, with any exception other than a <see cref="YamlException"/> (YamlDotNet's
    /// scanner throws e.g. <see cref="InvalidOperationException"/> on some malformed input) turned into a
    /// <see cref="YamlException"/> at the end of the last event read: the parser got at least that far.
    /// </summary>
    private bool MoveParser()
    {
        try
        {
            return _parser.MoveNext() && _parser.Current is not null;
        }
        catch (Exception ex) when (ex is not YamlException and not OutOfMemoryException)
        {
            var at = _lastEvent?.End ?? Mark.Empty;
            throw new YamlException(at, at, $"the parser stopped at or just after this point ({ex.Message}). Look for an unclosed '[' or '{{', or a malformed tag ('!…').", ex);
        }
    }

    private void SetCurrent(RecordedEvent recorded)
    {
        Current = recorded.Event;
        _currentTarget = recorded.Target;
    }

    // Budget problems are reported where the reading has got to in the file: the alias, or the event being recorded.
    private void CountReplayed() =>
        _budget.CountReplayed(_replays.Count > 0 ? _replays[^1].Recording.Anchor : null, _lastEvent?.Start ?? Mark.Empty);

    private void CountRecorded(Recording? recording) =>
        _budget.CountRecorded(recording?.Anchor, _lastEvent?.Start ?? Mark.Empty);

    private static int ToInt(long value) => value < 1 ? 1 : value > int.MaxValue ? int.MaxValue : (int)value;

    private sealed class ReplayFrame(Recording recording, ParsingEvent? resumeEvent, Recording? resumeTarget)
    {
        public Recording Recording { get; } = recording;

        public ParsingEvent? ResumeEvent { get; } = resumeEvent;

        public Recording? ResumeTarget { get; } = resumeTarget;

        public int Index { get; set; }
    }
}
