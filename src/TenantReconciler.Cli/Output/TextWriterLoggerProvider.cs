using Microsoft.Extensions.Logging;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// Writes log lines to a <see cref="TextWriter"/> (stderr), so logs never mix with the plan on stdout. With a
/// <see cref="TimeProvider"/> (<c>watch --log-format console</c>), each line starts with the time and names the event
/// (<c>12:00:05 info: TickCompleted: …</c>) rather than the category.
/// </summary>
public sealed class TextWriterLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _writer;
    private readonly TimeProvider? _time;
    private readonly object _gate = new();

    public TextWriterLoggerProvider(TextWriter writer, TimeProvider? time = null)
    {
        _writer = writer;
        _time = time;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriterLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (provider._time is not null && JsonLinesLoggerProvider.ReportedByTheCommand(category, eventId))
            {
                return;
            }

            var level = logLevel switch
            {
                LogLevel.Trace => "trce",
                LogLevel.Debug => "dbug",
                LogLevel.Information => "info",
                LogLevel.Warning => "warn",
                LogLevel.Error => "fail",
                _ => "crit",
            };
            var shortCategory = category[(category.LastIndexOf('.') + 1)..];
            var line = provider._time is { } time
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{time.GetLocalNow():HH:mm:ss} {level}: {(string.IsNullOrEmpty(eventId.Name) ? shortCategory : eventId.Name)}: {formatter(state, exception)}")
                : $"{level}: {shortCategory}: {formatter(state, exception)}";
            lock (provider._gate)
            {
                provider._writer.WriteLine(line);
                if (exception is not null)
                {
                    provider._writer.WriteLine(exception.Message);
                }
            }
        }
    }
}
