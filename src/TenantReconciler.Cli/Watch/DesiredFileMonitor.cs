using Microsoft.Extensions.Logging;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// Calls back once a burst of events has been quiet for the delay, measured on the injected <see cref="TimeProvider"/>:
/// every <see cref="Poke"/> restarts the wait.
/// </summary>
public sealed class Debouncer : IDisposable
{
    private readonly ITimer _timer;
    private readonly TimeSpan _delay;
    private readonly Lock _lock = new();
    private bool _disposed;

    public Debouncer(TimeProvider time, TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        _delay = delay;
        _timer = time.CreateTimer(_ => action(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Poke()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _timer.Change(_delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _timer.Dispose();
        }
    }
}

/// <summary>
/// Tells the service that the desired-state files may have changed. Each <c>-f</c> path is watched: a file in its
/// folder, a directory for any <c>*.yaml</c>/<c>*.yml</c> in it that is created, changed, deleted or renamed (so a file
/// added to the directory counts). git-sync publishes a new revision by swapping a symbolic link, which a watch on the
/// file alone misses: this also watches the folder above each, and re-resolves them all after each burst. Events are
/// debounced (2 s by default); the service then compares the hash over the set with the one its last tick read, so an
/// event that changed nothing does not cause a tick. The interval tick is the fallback for anything a watcher misses.
/// </summary>
public sealed partial class DesiredFileMonitor : IDisposable
{
    private readonly IReadOnlyList<string> _paths;
    private readonly ILogger<DesiredFileMonitor> _logger;
    private readonly Debouncer _debouncer;
    private readonly Lock _lock = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private Action? _changed;
    private bool _disposed;

    public DesiredFileMonitor(WatchArguments arguments, TimeProvider time, ILogger<DesiredFileMonitor> logger)
    {
        _paths = [.. arguments.Files.Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f)))];
        _logger = logger;
        _debouncer = new Debouncer(time, arguments.Debounce, OnQuiet);
    }

    /// <summary>The folders watched now (for tests and diagnostics).</summary>
    public IReadOnlyList<string> WatchedDirectories
    {
        get
        {
            lock (_lock)
            {
                return [.. _watchers.Select(w => w.Path)];
            }
        }
    }

    /// <summary>Starts watching; <paramref name="changed"/> is called (on a timer thread) after each debounced burst.</summary>
    public void Start(Action changed)
    {
        _changed = changed;
        Rewatch();
    }

    /// <summary>An event about a watched file: restarts the debounce wait. The watchers call it; so may a test.</summary>
    public void Poke() => _debouncer.Poke();

    /// <summary>True when a name in a directory given with <c>-f</c> is one that is read: <c>*.yaml</c> or <c>*.yml</c>, not hidden.</summary>
    public static bool IsDesiredFileName(string? name) =>
        name is not null && !name.StartsWith('.') && (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase));

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            DisposeWatchers();
        }

        _debouncer.Dispose();
    }

    private void OnQuiet()
    {
        Rewatch();
        _changed?.Invoke();
    }

    private void Rewatch()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            DisposeWatchers();

            // One watcher per folder, matching every name of interest in it.
            var interest = new Dictionary<string, List<Func<string?, bool>>>(StringComparer.Ordinal);
            void Want(string directory, Func<string?, bool> match)
            {
                if (!interest.TryGetValue(directory, out var matches))
                {
                    interest[directory] = matches = [];
                }

                matches.Add(match);
            }

            foreach (var path in _paths)
            {
                var isDirectory = Directory.Exists(path);
                if (isDirectory)
                {
                    Want(path, IsDesiredFileName);
                }

                var directory = Path.GetDirectoryName(path);
                if (directory is null)
                {
                    continue;
                }

                var name = Path.GetFileName(path);
                Want(directory, n => string.Equals(n, name, StringComparison.Ordinal));
                if (!isDirectory && Path.GetDirectoryName(directory) is { } parent)
                {
                    // The folder itself may be the swapped link (git-sync's --link).
                    var folder = Path.GetFileName(directory);
                    Want(parent, n => string.Equals(n, folder, StringComparison.Ordinal));
                }
            }

            foreach (var (directory, matches) in interest)
            {
                Add(directory, n => matches.Exists(m => m(n)));
            }
        }
    }

    private void Add(string directory, Func<string?, bool> matches)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler onEvent = (_, e) =>
            {
                if (matches(e.Name))
                {
                    Poke();
                }
            };
            watcher.Changed += onEvent;
            watcher.Created += onEvent;
            watcher.Deleted += onEvent;
            watcher.Renamed += (_, e) =>
            {
                if (matches(e.Name) || matches(e.OldName))
                {
                    Poke();
                }
            };
            watcher.Error += (_, e) =>
            {
                LogWatcherError(_logger, directory, e.GetException().Message);
                Poke();
            };
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // No inotify instance left, for example: the interval tick still picks the change up.
            LogWatcherError(_logger, directory, e.Message);
        }
    }

    private void DisposeWatchers()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
    }

    [LoggerMessage(EventId = 40, EventName = "FileWatcherError", Level = LogLevel.Warning,
        Message = "Watching {Directory} for changes failed ({Error}); changes are still picked up at the next interval")]
    private static partial void LogWatcherError(ILogger logger, string directory, string error);
}
