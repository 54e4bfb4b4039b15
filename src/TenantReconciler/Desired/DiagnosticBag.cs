namespace TenantReconciler.Desired;

/// <summary>Collects diagnostics for one file; strings are only built once there is a problem.</summary>
internal sealed class DiagnosticBag(string file)
{
    private List<Diagnostic>? _items;

    public string File { get; } = file;

    public bool HasErrors => _items is { Count: > 0 };

    public SourceLocation At(int line, int column) => new(File, line, column);

    public void Add(int line, int column, string code, string message) =>
        (_items ??= []).Add(new Diagnostic(new SourceLocation(File, line, column), code, message));

    public void Add(int line, int column, string code, OptionText message) =>
        (_items ??= []).Add(new Diagnostic(new SourceLocation(File, line, column), code, message.ToString()) { Text = message });

    /// <summary>File order, each distinct problem once (a problem inside an aliased node is found once per use).</summary>
    public IReadOnlyList<Diagnostic> ToSortedList()
    {
        if (_items is null)
        {
            return [];
        }

        var seen = new HashSet<Diagnostic>();
        var distinct = new List<Diagnostic>(_items.Count);
        foreach (var d in _items)
        {
            if (seen.Add(d))
            {
                distinct.Add(d);
            }
        }

        // OrderBy is stable: problems at the same position keep the order in which they were found.
        return [.. distinct.OrderBy(d => d.Location.Line).ThenBy(d => d.Location.Column)];
    }
}
