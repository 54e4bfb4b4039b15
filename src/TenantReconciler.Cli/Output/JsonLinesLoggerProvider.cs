using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// <c>watch --log-format json</c>: one JSON object per line on stderr, in the shape of .NET's JSON console formatter
/// (<c>Timestamp</c>, <c>EventId</c>, <c>LogLevel</c>, <c>Category</c>, <c>Message</c>, <c>State</c>) with the event's
/// name added as <c>EventName</c> (<c>RegistrationReconciled</c>, <c>TickCompleted</c>, as docs/watch.md names them),
/// so that <c>grep RegistrationReconciled</c> and a log pipeline's filter on it work. Written without reflection, so the
/// native build writes the same.
/// </summary>
public sealed class JsonLinesLoggerProvider(TextWriter writer, TimeProvider time) : ILoggerProvider
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = JavaScriptEncoder.Default };

    private readonly Lock _gate = new();
    private readonly TextWriter _writer = writer;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>
    /// The host's own report that it could not start (with the exception's stack trace): <c>watch</c> says why in one
    /// line (<c>Error: cannot listen on …</c>) and exits 1, so this event is not written.
    /// </summary>
    internal static bool ReportedByTheCommand(string category, EventId eventId) =>
        eventId.Name == "HostedServiceStartupFaulted" && category == "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>The line for one event (without its line break).</summary>
    internal string Format<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, string message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("Timestamp", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("EventId", eventId.Id);
            json.WriteString("EventName", eventId.Name);
            json.WriteString("LogLevel", level.ToString());
            json.WriteString("Category", category);
            json.WriteString("Message", message);
            if (exception is not null)
            {
                json.WriteString("Exception", exception.ToString());
            }

            json.WriteStartObject("State");
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var (key, value) in fields)
                {
                    WriteValue(json, key, value);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case bool b:
                json.WriteBoolean(key, b);
                break;
            case int i:
                json.WriteNumber(key, i);
                break;
            case long l:
                json.WriteNumber(key, l);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumber(key, d);
                break;
            default:
                json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private sealed class Logger(JsonLinesLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (ReportedByTheCommand(category, eventId))
            {
                return;
            }

            var line = provider.Format(category, logLevel, eventId, state, exception, formatter(state, exception));
            lock (provider._gate)
            {
                provider._writer.Write(line + "\n");
                provider._writer.Flush();
            }
        }
    }
}
