using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>A mapping key as written: its text and where it is.</summary>
internal readonly record struct YamlKey(string Value, int Line, int Column);

/// <summary>
/// Walks the keys of one mapping on a <see cref="YamlEventCursor"/>: reports duplicate and non-scalar keys, and
/// applies merge keys (<c>&lt;&lt;: *base</c>, <c>&lt;&lt;: [*a, *b]</c>) after the mapping's own keys, so that own
/// keys win, then earlier sources over later ones. Instances are reused (see <see cref="DesiredStateReader"/>).
/// </summary>
/// <example>
/// <code>
/// mappings.Begin();                       // cursor on MappingStart
/// while (mappings.MoveNextKey(out var key))
/// {
///     // cursor on the value: consume it (read it, or cursor.SkipNode()).
/// }
/// // cursor after the MappingEnd
/// </code>
/// </example>
internal sealed class MappingReader(YamlEventCursor cursor, DiagnosticBag diagnostics)
{
    private const int LinearSearchLimit = 8;

    private readonly YamlEventCursor _cursor = cursor;
    private readonly DiagnosticBag _diagnostics = diagnostics;
    private readonly List<SeenKey> _seen = [];
    private readonly List<Recording> _collecting = [];
    private readonly Stack<Recording> _pending = new();
    private Dictionary<string, int>? _index;
    private int _source;
    private int _mergeDepth;
    private bool _hasOwnMergeKey;
    private int _ownMergeLine;

    /// <summary>Starts on the current <see cref="MappingStart"/> and consumes it.</summary>
    public void Begin()
    {
        _seen.Clear();
        _collecting.Clear();
        _pending.Clear();
        _index = null;
        _source = 0;
        _mergeDepth = 0;
        _hasOwnMergeKey = false;
        _cursor.Next();
    }

    /// <summary>
    /// Moves to the next key whose value is to be read, leaving the cursor on that value. Returns false, with the
    /// cursor after the mapping, when there are no more keys.
    /// </summary>
    public bool MoveNextKey(out YamlKey key)
    {
        while (true)
        {
            var current = _cursor.Current;
            if (current is MappingEnd)
            {
                if (_collecting.Count > 0)
                {
                    // Sources found in the mapping just finished come next (depth-first), in the order written.
                    for (var i = _collecting.Count - 1; i >= 0; i--)
                    {
                        _pending.Push(_collecting[i]);
                    }

                    _collecting.Clear();
                }

                if (_mergeDepth > 0)
                {
                    // End of a merged source: back to the MappingEnd of the mapping being read.
                    _mergeDepth--;
                    _cursor.Next();
                    continue;
                }

                if (_pending.Count > 0)
                {
                    _source++;
                    _mergeDepth++;
                    _cursor.BeginReplay(_pending.Pop());
                    _cursor.Next(); // past the source's MappingStart
                    continue;
                }

                _cursor.Next();
                key = default;
                return false;
            }

            if (current is null)
            {
                key = default;
                return false;
            }

            if (current is not Scalar scalar)
            {
                _diagnostics.Add(_cursor.NodeLine, _cursor.NodeColumn, DiagnosticCodes.WrongNodeKind, $"A key must be a plain string, but found {_cursor.KindName}.");
                _cursor.SkipNode(); // the key
                _cursor.SkipNode(); // its value
                continue;
            }

            var candidate = new YamlKey(scalar.Value, _cursor.NodeLine, _cursor.NodeColumn);
            var isMergeKey = scalar.Style == ScalarStyle.Plain && scalar.Value == "<<";
            _cursor.Next(); // to the value

            if (isMergeKey)
            {
                if (_mergeDepth == 0)
                {
                    if (_hasOwnMergeKey)
                    {
                        _diagnostics.Add(candidate.Line, candidate.Column, DiagnosticCodes.DuplicateKey, $"Duplicate merge key '<<'; the first is at line {_ownMergeLine}. Merge several mappings with '<<: [*a, *b]'.");
                        _cursor.SkipNode();
                        continue;
                    }

                    _hasOwnMergeKey = true;
                    _ownMergeLine = candidate.Line;
                }

                CollectMergeSources();
                continue;
            }

            var previous = Find(candidate.Value);
            if (previous >= 0)
            {
                var first = _seen[previous];
                if (first.Source == _source)
                {
                    _diagnostics.Add(
                        candidate.Line,
                        candidate.Column,
                        DiagnosticCodes.DuplicateKey,
                        $"Duplicate key '{Text.Quote(candidate.Value)}'; it is already defined at line {first.Line}, column {first.Column}.");
                }

                // Either a duplicate (the first one counts) or a merged key that the mapping already has (it wins).
                _cursor.SkipNode();
                continue;
            }

            Add(new SeenKey(candidate.Value, _source, candidate.Line, candidate.Column));
            key = candidate;
            return true;
        }
    }

    private void CollectMergeSources()
    {
        switch (_cursor.Current)
        {
            case MappingStart:
                _collecting.Add(_cursor.CaptureNode());
                return;

            case SequenceStart:
                _cursor.Next();
                while (_cursor.Current is not SequenceEnd and not null)
                {
                    if (_cursor.Current is MappingStart)
                    {
                        _collecting.Add(_cursor.CaptureNode());
                    }
                    else
                    {
                        _diagnostics.Add(_cursor.NodeLine, _cursor.NodeColumn, DiagnosticCodes.WrongNodeKind, $"Every item of a merge list ('<<') must be a mapping, but found {_cursor.KindName}.");
                        _cursor.SkipNode();
                    }
                }

                _cursor.Next();
                return;

            default:
                _diagnostics.Add(_cursor.NodeLine, _cursor.NodeColumn, DiagnosticCodes.WrongNodeKind, $"The merge key '<<' must be followed by a mapping (e.g. '*base') or a list of mappings, but found {_cursor.KindName}.");
                _cursor.SkipNode();
                return;
        }
    }

    private int Find(string key)
    {
        if (_index is not null)
        {
            return _index.TryGetValue(key, out var i) ? i : -1;
        }

        for (var i = 0; i < _seen.Count; i++)
        {
            if (string.Equals(_seen[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private void Add(SeenKey seen)
    {
        _seen.Add(seen);
        if (_index is not null)
        {
            _index[seen.Key] = _seen.Count - 1;
        }
        else if (_seen.Count > LinearSearchLimit)
        {
            _index = new Dictionary<string, int>(_seen.Count * 2, StringComparer.Ordinal);
            for (var i = 0; i < _seen.Count; i++)
            {
                _index[_seen[i].Key] = i;
            }
        }
    }

    private readonly record struct SeenKey(string Key, int Source, int Line, int Column);
}
