using TenantReconciler.Cli.Composition;

namespace TenantReconciler.Cli.Commands;

/// <summary>
/// The one place where a command's failure becomes a message on stderr and an exit code. An expected failure
/// (<see cref="ReconcilerException"/>) exits <see cref="ExitCodes.Error"/>, a cancellation (Ctrl+C, SIGTERM) <see cref="ExitCodes.Interrupted"/>; anything else is a bug,
/// reported in one line (with its stack trace only at <c>--verbosity diagnostic</c>), exit <see cref="ExitCodes.InternalError"/>.
/// Nothing escapes a command as an unhandled exception.
/// </summary>
public static class CommandBoundary
{
    public const string CancelledMessage = "Error: interrupted (Ctrl+C or SIGTERM) before the command finished.";

    /// <summary>
    /// As <see cref="RunAsync(IOContext, Verbosity, Func{Task{int}}, CancellationToken)"/> at normal verbosity, with
    /// every <see cref="OperationCanceledException"/> counted as the user's cancellation (this overload has no token to tell).
    /// </summary>
    public static Task<int> RunAsync(IOContext io, Func<Task<int>> action) => RunCoreAsync(io, Verbosity.Normal, null, action);

    /// <summary>
    /// Runs <paramref name="action"/>. An <see cref="OperationCanceledException"/> is a cancellation only when
    /// <paramref name="cancellationToken"/> (the command's, cancelled by Ctrl+C or SIGTERM) is cancelled; any other is a bug.
    /// </summary>
    public static Task<int> RunAsync(IOContext io, Verbosity verbosity, Func<Task<int>> action, CancellationToken cancellationToken) =>
        RunCoreAsync(io, verbosity, cancellationToken, action);

    /// <summary>
    /// Awaits a read started beside one that failed (the stamps beside the listings), so that it is not left unobserved;
    /// its own failure or cancellation is dropped: the first failure is the one reported.
    /// </summary>
    public static async Task ObserveAbandonedAsync(Task? task)
    {
        try
        {
            if (task is not null)
            {
                await task;
            }
        }
        catch (Exception e) when (e is ReconcilerException or OperationCanceledException)
        {
            // The other read's failure is the one reported.
        }
    }

    public static void WriteError(TextWriter error, ReconcilerException e) => WriteError(error, e, Verbosity.Normal);

    public static void WriteError(TextWriter error, ReconcilerException e, Verbosity verbosity)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(e);
        if (e.Diagnostics.Count > 0)
        {
            foreach (var diagnostic in e.Diagnostics)
            {
                error.WriteLine(diagnostic.ToString(Options.OptionNames.Instance));
            }

            var files = e.Diagnostics.Select(d => OutsideText.Sanitize(d.Location.File)).Distinct().ToArray();
            error.WriteLine($"Error: {string.Join(", ", files)}: {e.Diagnostics.Count} problem(s) found; nothing was sent to ARM.");
            return;
        }

        error.WriteLine($"Error: {Options.OptionNames.Text(e)}");
        if (verbosity == Verbosity.Diagnostic && CredentialFailureIn(e) is { Details: { } details })
        {
            error.WriteLine(details);
        }
    }

    /// <summary>The credential failure <paramref name="e"/> is or wraps (a listing or a write that could not get a token), if any.</summary>
    private static CredentialException? CredentialFailureIn(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is CredentialException credential)
            {
                return credential;
            }
        }

        return null;
    }

    /// <summary>
    /// A command line that does not parse: each error on its own line, then one line naming the help of the command
    /// that was meant (<c>see 'tenant-reconciler plan --help'</c>). Exit <see cref="ExitCodes.Error"/>.
    /// </summary>
    public static int WriteParseErrors(TextWriter error, System.CommandLine.ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(parseResult);
        foreach (var message in parseResult.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal))
        {
            error.WriteLine($"Error: {Options.CommonOptions.Escaped(message)}");
        }

        var path = new List<string>();
        for (var command = parseResult.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            if (command.Parent is not null)
            {
                path.Insert(0, command.Command.Name);
            }
        }

        path.Insert(0, ToolInfo.CommandName);
        error.WriteLine($"see '{string.Join(' ', path)} --help'");
        return ExitCodes.Error;
    }

    /// <summary>"Error: internal error (TYPE): first line of the message. ...", and at diagnostic verbosity the stack trace.</summary>
    public static void WriteInternalError(TextWriter error, Exception e, Verbosity verbosity)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(e);
        var message = e.Message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
        message = message.TrimEnd('.');
        error.WriteLine($"Error: internal error ({e.GetType().Name}): {message}. Re-run with -v diagnostic for details, and report it.");
        if (verbosity == Verbosity.Diagnostic)
        {
            error.WriteLine(e.ToString());
        }
    }

    private static async Task<int> RunCoreAsync(IOContext io, Verbosity verbosity, CancellationToken? cancellationToken, Func<Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (ReconcilerException e)
        {
            WriteError(io.Error, e, verbosity);
            return ExitCodes.Error;
        }
        catch (OperationCanceledException) when (cancellationToken is not { } token || token.IsCancellationRequested)
        {
            io.Error.WriteLine(CancelledMessage);
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            WriteInternalError(io.Error, e, verbosity);
            return ExitCodes.InternalError;
        }
    }
}
