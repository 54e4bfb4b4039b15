using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace TenantReconciler.Tests.Watch;

/// <summary>
/// <c>tenant-reconciler watch</c> run in process through the real composition root (<see cref="Program.RunAsync"/>),
/// against a real emulator over HTTPS, with its endpoints on a free loopback port. The test's services (a fake
/// clock, the recorder, a log capture) are added with the same hook the CLI tests use.
/// </summary>
public sealed class WatchRun : IAsyncDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private Task<int>? _run;

    private WatchRun(FakeTimeProvider? time)
    {
        Time = time;
    }

    public FakeTimeProvider? Time { get; }

    public RecordingObserver Events { get; } = new();

    public LogCapture Logs { get; } = new();

    public StringWriter Stderr { get; } = new();

    public Uri? BaseAddress { get; private set; }

    /// <summary>Trusts <paramref name="emulator"/> with a PEM file in <paramref name="temp"/>, and starts <c>watch</c> on <paramref name="file"/>.</summary>
    public static async Task<WatchRun> StartAsync(
        ArmEmulator emulator,
        Cli.TempDirectory temp,
        string file,
        bool fakeClock = true,
        Action<IServiceCollection>? configure = null,
        params string[] options)
    {
        var pem = temp.Write("emulator.pem", emulator.CertificatePem);
        var run = new WatchRun(fakeClock ? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) : null);
        string[] args =
        [
            "watch", "-f", file, "--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", pem, "--auth", "emulator",
            "--listen", "127.0.0.1:0", .. options,
        ];
        var io = new IOContext(TextWriter.Null, run.Stderr, TextReader.Null, IsInteractive: false);
        run._run = Program.RunAsync(args, io, services =>
        {
            services.RemoveAll<ILoggerProvider>();
            services.AddSingleton<ILoggerProvider>(run.Logs);
            services.AddSingleton<IWatchObserver>(run.Events);
            if (run.Time is not null)
            {
                services.AddSingleton<TimeProvider>(run.Time);
            }

            configure?.Invoke(services);
        }, run._stop.Token);

        var listening = await Task.WhenAny(run.Logs.ListeningAsync, run._run).WaitAsync(Generous);
        if (listening == run._run)
        {
            throw new InvalidOperationException($"watch exited with {await run._run}:\n{run.Stderr}\n{string.Join('\n', run.Logs.Messages)}");
        }

        run.BaseAddress = new Uri(await run.Logs.ListeningAsync);
        return run;
    }

    /// <summary>Advances the fake clock to the end of the armed wait and returns the tick that follows.</summary>
    public async Task<TickReport> NextTickAsync()
    {
        var waiting = await Events.NextAsync<RecordingObserver.Waiting>();
        Time!.Advance(waiting.Delay);
        return await Events.NextAsync<TickReport>();
    }

    public async Task<(HttpStatusCode Status, string Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(BaseAddress!, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Stops it as SIGTERM would (the command's token) and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run!.WaitAsync(Generous);
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is not null && !_run.IsCompleted)
        {
            await StopAsync();
        }

        _http.Dispose();
        _stop.Dispose();
    }
}

/// <summary>Captures every log event (message and structured fields) in memory.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, EventId Id, string Message, IReadOnlyList<KeyValuePair<string, object?>> State)> _events = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string> ListeningAsync => _listening.Task;

    public IReadOnlyList<string> Messages => _events.Select(e => e.Message).ToArray();

    public IReadOnlyList<(string Category, EventId Id, string Message, IReadOnlyList<KeyValuePair<string, object?>> State)> Events => _events.ToArray();

    /// <summary>Everything logged, messages and field values, as one text (to look for what must never be there).</summary>
    public string AllText => string.Join('\n', _events.Select(e => e.Message + " " + string.Join(' ', e.State.Select(kv => $"{kv.Key}={kv.Value}"))));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            var message = formatter(state, exception) + (exception is null ? string.Empty : " " + exception);
            capture._events.Enqueue((category, eventId, message, fields.ToArray()));
            if (eventId.Id == 20 && category.EndsWith("WatchHandler", StringComparison.Ordinal))
            {
                capture._listening.TrySetResult(fields.FirstOrDefault(kv => kv.Key == "Address").Value?.ToString() ?? string.Empty);
            }
        }
    }
}
