using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using TenantReconciler.Cli.Commands;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;
using TenantReconciler.Cli.Watch;

namespace TenantReconciler.Cli;

/// <summary>The one composition root: the real console, the command tree and the services.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => RunCoreAsync(args, ConsoleIO(), null, processSignals: true, CancellationToken.None);

    /// <summary>
    /// The real console. On a terminal (see <see cref="OutputStyles.Detect"/>: stdout not redirected, no <c>TERM=dumb</c>,
    /// no <c>CI=true</c>), Spectre.Console consoles over the same writers, without colour under <c>NO_COLOR</c>; else
    /// plain text only.
    /// The only place that reads the environment for it.
    /// </summary>
    private static IOContext ConsoleIO()
    {
        var interactive = !Console.IsInputRedirected;
        if (OutputStyles.Detect(Console.IsOutputRedirected, Environment.GetEnvironmentVariable) == OutputStyle.Plain)
        {
            // Plain: the standard streams as they are, not through System.Console, which on a terminal writes the
            // keypad mode (terminfo smkx, ESC[?1h ESC=) the first time it is used: plain output has no escape at all.
            return new IOContext(RawWriter(1) ?? Console.Out, RawWriter(2) ?? Console.Error, RawReader() ?? Console.In, interactive);
        }

        var noColor = OutputStyles.NoColor(Environment.GetEnvironmentVariable);
        return new IOContext(Console.Out, Console.Error, Console.In, interactive)
        {
            Terminal = Terminal(Console.Out, noColor),
            ErrorTerminal = Console.IsErrorRedirected ? null : Terminal(Console.Error, noColor),
        };
    }

    /// <summary>A standard stream by its descriptor, or null where there is none (then System.Console's is used).</summary>
    private static FileStream? RawStream(int descriptor, FileAccess access)
    {
        try
        {
            return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(descriptor, ownsHandle: false), access, bufferSize: access == FileAccess.Read ? 1 : 0);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    private static TextWriter? RawWriter(int descriptor) => RawStream(descriptor, FileAccess.Write) is { } stream
        ? new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true }
        : null;

    private static TextReader? RawReader() => RawStream(0, FileAccess.Read) is { } stream
        ? new StreamReader(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false))
        : null;

    /// <param name="noColor"><c>NO_COLOR</c>: the table and the progress bar, without colour.</param>
    private static IAnsiConsole Terminal(TextWriter writer, bool noColor) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.Detect,
        ColorSystem = noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Yes,
        Out = new AnsiConsoleOutput(writer),
    });

    /// <summary>
    /// Runs the CLI in process. Tests call this with string writers and their own services. Stdout and stderr are
    /// wrapped in <see cref="SanitizingWriter"/>; the terminal's consoles write only markup built from sanitised text.
    /// </summary>
    /// <remarks>
    /// <paramref name="cancellationToken"/> is what Ctrl+C's second press (or the first, outside a graceful window) is to
    /// the process; tests give the first press with <see cref="Interrupts.Signal"/> on <see cref="IOContext.Interrupts"/>.
    /// </remarks>
    public static Task<int> RunAsync(string[] args, IOContext io, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default) =>
        RunCoreAsync(args, io, configureServices, processSignals: false, cancellationToken);

    private static async Task<int> RunCoreAsync(string[] args, IOContext io, Action<IServiceCollection>? configureServices, bool processSignals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(io);

        // The one seam for what is printed: every character of stdout and stderr passes OutsideText.
        io = io with { Output = SanitizingWriter.Wrap(io.Output), Error = SanitizingWriter.Wrap(io.Error) };
        var root = CommandLine.Build(io, verbosity => BuildHost(io, verbosity, configureServices));
        // No response files: '@x' is a value like any other (a replica id, a file name), never a file to expand.
        var parseResult = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parseResult.Errors.Count > 0 && args.Length > 0)
        {
            // The errors and where to read more, not the whole help (which a bare 'tenant-reconciler' still shows).
            return CommandBoundary.WriteParseErrors(io.Error, parseResult);
        }

        // Signals are ours, not System.CommandLine's: the watch host handles SIGTERM and Ctrl+C itself (it stops
        // gracefully within its own shutdown timeout); every other command gets them through io.Interrupts, where apply
        // finishes its requests in flight on the first and aborts on the second (terraform's way).
        var configuration = new InvocationConfiguration { Output = io.Output, Error = io.Error, ProcessTerminationTimeout = null };
        using var signals = processSignals && parseResult.CommandResult.Command.Name != WatchCommand.Name ? ProcessSignals(io.Interrupts) : null;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, io.Interrupts.Abort);
        return await parseResult.InvokeAsync(configuration, abort.Token);
    }

    /// <summary>SIGINT (Ctrl+C) and SIGTERM, each one press of <see cref="Interrupts.Signal"/>; the process is not killed by them.</summary>
    private static CompositeDisposable ProcessSignals(Interrupts interrupts) => new(
        [.. new[] { System.Runtime.InteropServices.PosixSignal.SIGINT, System.Runtime.InteropServices.PosixSignal.SIGTERM }
            .Select(signal => System.Runtime.InteropServices.PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                interrupts.Signal();
            }))]);

    private sealed class CompositeDisposable(IReadOnlyList<IDisposable> parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (var part in parts)
            {
                part.Dispose();
            }
        }
    }

    private static IHost BuildHost(IOContext io, Verbosity verbosity, Action<IServiceCollection>? configureServices)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddProvider(new TextWriterLoggerProvider(io.Error));
        builder.Logging.SetMinimumLevel(ServiceRegistration.MinimumLevel(verbosity, service: false));
        builder.Services.AddTenantReconciler(io);
        builder.Services.AddSingleton(new CommandVerbosity(verbosity));
        builder.Services.AddSingleton<WatchHostFactory>(arguments => BuildWatchHost(io, verbosity, arguments, configureServices));
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>
    /// The watch service's host: the same services as the commands, plus the loop, Kestrel on <c>--listen</c> and the
    /// endpoints. Logs go to stderr: JSON lines, one object per event with its <c>EventName</c>, or (<c>--log-format console</c>,
    /// the default on a terminal) lines for people.
    /// </summary>
    private static WebApplication BuildWatchHost(IOContext io, Verbosity verbosity, WatchArguments arguments, Action<IServiceCollection>? configureServices)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = "tenant-reconciler",
            EnvironmentName = Environments.Production,
        });
        // JSON lines for a log pipeline (stderr not a terminal: a pod, a CI log, a pipe), lines for people on a terminal.
        var format = arguments.LogFormat ?? (io.ErrorTerminal is null ? WatchLogFormat.Json : WatchLogFormat.Console);
        builder.Logging.AddProvider(format == WatchLogFormat.Json
            ? new JsonLinesLoggerProvider(io.Error, TimeProvider.System)
            : new TextWriterLoggerProvider(io.Error, TimeProvider.System));
        builder.Logging.SetMinimumLevel(ServiceRegistration.MinimumLevel(verbosity, service: true));
        builder.Logging.AddFilter("Microsoft.AspNetCore", verbosity == Verbosity.Diagnostic ? LogLevel.Information : LogLevel.Warning);

        builder.Services.AddTenantReconciler(io);
        builder.Services.AddSingleton(new CommandVerbosity(verbosity));
        builder.AddWatch(arguments);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapWatchEndpoints();
        return app;
    }
}
