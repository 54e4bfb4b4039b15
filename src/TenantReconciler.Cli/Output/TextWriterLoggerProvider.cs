using Microsoft.Extensions.Logging;

namespace TenantReconciler.Cli.Output;

/// <summary>Writes log lines to a <see cref="TextWriter"/> (stderr), so logs never mix with the plan on stdout.</summary>
public sealed class TextWriterLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _writer;
    private readonly object _gate = new();

    public TextWriterLoggerProvider(TextWriter writer)
    {
        _writer = writer;
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
            lock (provider._gate)
            {
                provider._writer.WriteLine($"{level}: {shortCategory}: {formatter(state, exception)}");
                if (exception is not null)
                {
                    provider._writer.WriteLine(exception.Message);
                }
            }
        }
    }
}
