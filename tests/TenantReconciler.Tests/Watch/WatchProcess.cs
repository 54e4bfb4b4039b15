using System.Threading.Channels;

namespace TenantReconciler.Tests.Watch;

/// <summary>
/// The built CLI as a real child process (started by the one launcher, <see cref="ChildProcess"/>) (<c>dotnet tenant-reconciler.dll watch …</c>), for what only a process can
/// show: signals, a crash, two replicas. Its stderr is JSON lines; each is parsed and kept in order.
/// </summary>
public sealed class WatchProcess : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private readonly List<JsonElement> _events = [];
    private readonly List<string> _raw = [];
    private readonly Channel<JsonElement> _arrivals = Channel.CreateUnbounded<JsonElement>();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private ChildProcess _child = null!;

    private WatchProcess()
    {
    }

    public int Id => _child.Pid;

    /// <summary>Every log event so far, in the order written.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_lock)
            {
                return _events.ToArray();
            }
        }
    }

    /// <summary>Every line of stderr so far (for what went wrong, and to look for what must never be there).</summary>
    public string Stderr
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _raw);
            }
        }
    }

    public static WatchProcess Start(params string[] arguments) =>
        Start(ChildProcess.Dotnet, [ChildProcess.CliDll], new ChildOptions(), arguments);

    /// <summary>
    /// An executable of its own (e.g. the apphost of a <c>dotnet publish</c> folder) as <c>EXECUTABLE watch …</c>, run from
    /// <paramref name="workingDirectory"/> with <paramref name="environment"/> added to this process's variables.
    /// </summary>
    public static WatchProcess StartExecutable(string executable, string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        Start(executable, [], new ChildOptions { WorkingDirectory = workingDirectory, Environment = environment }, arguments);

    private static WatchProcess Start(string file, string[] prefix, ChildOptions options, string[] arguments)
    {
        var watch = new WatchProcess();
        watch._child = ChildProcess.Start(file, [.. prefix, "watch", .. arguments], options with { KeepInput = true, OnLine = (line, _) => watch.OnLine(line) });
        return watch;
    }

    /// <summary>The first event (already seen or still to come) that matches.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Generous);
        foreach (var seen in Events)
        {
            if (match(seen))
            {
                return seen;
            }
        }

        try
        {
            while (true)
            {
                var next = await _arrivals.Reader.ReadAsync(cancel.Token);
                if (match(next))
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"no matching log event within {timeout ?? Generous}; exited: {_child.HasExited}; stderr:\n{Stderr}");
        }
    }

    /// <summary>The first line of its output (JSON or not) that matches, as it arrives; the timeout is a hang guard only.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? Generous);
        try
        {
            while (true)
            {
                var next = await _lines.Reader.ReadAsync(cancel.Token);
                if (match(next))
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"no matching line within {timeout ?? Generous}; exited: {_child.HasExited}; output:\n{Stderr}");
        }
    }

    /// <summary>The HTTP address it listens on, from its "Listening on" event.</summary>
    public async Task<Uri> ListeningAsync()
    {
        var listening = await WaitForAsync(e => Is(e, "WatchHandler", 20));
        return new Uri(listening.GetProperty("State").GetProperty("Address").GetString()!);
    }

    public void Terminate() => Posix.Signal(_child.Pid, Posix.SIGTERM);

    /// <summary>SIGKILL: a crash, nothing runs after it.</summary>
    public void Kill() => _child.Kill();

    public async Task<int> WaitForExitAsync(TimeSpan timeout) => (await _child.ExitAsync(timeout)).ExitCode;

    public void Dispose() => _child.Dispose();

    /// <summary>An event of the category ending with <paramref name="category"/> and that event id.</summary>
    public static bool Is(JsonElement e, string category, int eventId) =>
        e.TryGetProperty("Category", out var c) && c.GetString()!.EndsWith(category, StringComparison.Ordinal)
        && e.TryGetProperty("EventId", out var id) && id.GetInt32() == eventId;

    public static string? Field(JsonElement e, string name) =>
        e.TryGetProperty("State", out var state) && state.TryGetProperty(name, out var value) ? value.ToString() : null;

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        JsonElement? parsed = null;
        if (line.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                parsed = document.RootElement.Clone();
            }
            catch (JsonException)
            {
            }
        }

        lock (_lock)
        {
            _raw.Add(line);
            _lines.Writer.TryWrite(line);
            if (parsed is { } element)
            {
                _events.Add(element);
                _arrivals.Writer.TryWrite(element);
            }
        }
    }
}
