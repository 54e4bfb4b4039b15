namespace TenantReconciler.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM as terraform handles them. A command that can stop gracefully (apply, while it may
/// write) says so with <see cref="Graceful"/>: then the first signal only stops new work (<see cref="StopStarting"/>),
/// and says what is finishing; the second aborts (<see cref="Abort"/>). Any other command, or outside that window, is
/// aborted by the first signal. Either way the exit code is <see cref="ExitCodes.Interrupted"/>.
/// </summary>
/// <remarks>
/// The composition root feeds the process's signals into <see cref="Signal"/>; tests call it directly, as a signal would.
/// Thread-safe: signals arrive on a thread of their own.
/// </remarks>
public sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _stopStarting = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _gate = new();
    private Func<int>? _inFlight;
    private Action<string>? _say;
    private int _count;

    /// <summary>The first signal of a graceful window (or any signal outside one): start nothing new.</summary>
    public CancellationToken StopStarting => _stopStarting.Token;

    /// <summary>The second signal (or the first outside a graceful window): abort, cancelling what is in flight.</summary>
    public CancellationToken Abort => _abort.Token;

    /// <summary>A signal came.</summary>
    public bool Requested => Volatile.Read(ref _count) > 0;

    /// <summary>
    /// From now until the returned handle is disposed, the first signal stops new work and says, through
    /// <paramref name="say"/>, how many requests (<paramref name="inFlight"/>) are finishing; the second aborts.
    /// </summary>
    public IDisposable Graceful(Func<int> inFlight, Action<string> say)
    {
        ArgumentNullException.ThrowIfNull(inFlight);
        ArgumentNullException.ThrowIfNull(say);
        lock (_gate)
        {
            _inFlight = inFlight;
            _say = say;
        }

        return new Window(this);
    }

    /// <summary>One Ctrl+C or SIGTERM.</summary>
    public void Signal()
    {
        Func<int>? inFlight;
        Action<string>? say;
        int count;
        lock (_gate)
        {
            count = ++_count;
            inFlight = _inFlight;
            say = _say;
        }

        if (count == 1 && inFlight is not null && say is not null)
        {
            var n = inFlight();
            say($"Interrupt received: finishing the {n} request{(n == 1 ? "" : "s")} in flight; starting nothing new. Press Ctrl+C again to abort.");
            _stopStarting.Cancel();
            return;
        }

        if (count == 2 && say is not null)
        {
            say("Aborting: the requests in flight are cancelled; their outcome is unknown.");
        }

        _stopStarting.Cancel();
        _abort.Cancel();
    }

    public void Dispose()
    {
        _stopStarting.Dispose();
        _abort.Dispose();
    }

    private sealed class Window(Interrupts owner) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._inFlight = null;
                owner._say = null;
            }
        }
    }
}
