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
/// Tells the service that the desired-state file may have changed. git-sync publishes a new revision by swapping a
/// symbolic link, which a watch on the file alone misses: this watches the file's folder and the folder above it, and
/// re-resolves both after each burst. Events are debounced (2 s by default); the service then compares the file's
/// hash with the one its last tick read, so an event that changed nothing does not cause a tick. The interval tick is
/// the fallback for anything a watcher misses.
/// </summary>
public sealed partial class DesiredFileMonitor : IDisposable
{
    private readonly string _path;
    private readonly ILogger<DesiredFileMonitor> _logger;
    private readonly Debouncer _debouncer;
    private readonly Lock _lock = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private Action? _changed;
    private bool _disposed;

    public DesiredFileMonitor(WatchArguments arguments, TimeProvider time, ILogger<DesiredFileMonitor> logger)
    {
        _path = Path.GetFullPath(arguments.File);
        _logger = logger;
        _debouncer = new Debouncer(time, arguments.Debounce, OnQuiet);
    }

    /// <summary>Starts watching; <paramref name="changed"/> is called (on a timer thread) after each debounced burst.</summary>
    public void Start(Action changed)
    {
        _changed = changed;
        Rewatch();
    }

    /// <summary>An event about the file: restarts the debounce wait. The watchers call it; so may a test.</summary>
    public void Poke() => _debouncer.Poke();

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
            var directory = Path.GetDirectoryName(_path);
            if (directory is null)
            {
                return;
            }

            Add(directory, Path.GetFileName(_path));
            if (Path.GetDirectoryName(directory) is { } parent)
            {
                // The folder itself may be the swapped link (git-sync's --link).
                Add(parent, Path.GetFileName(directory));
            }
        }
    }

    private void Add(string directory, string name)
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
                if (string.Equals(e.Name, name, StringComparison.Ordinal))
                {
                    Poke();
                }
            };
            watcher.Changed += onEvent;
            watcher.Created += onEvent;
            watcher.Deleted += onEvent;
            watcher.Renamed += (_, e) =>
            {
                if (string.Equals(e.Name, name, StringComparison.Ordinal) || string.Equals(e.OldName, name, StringComparison.Ordinal))
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
