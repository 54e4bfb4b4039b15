using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TenantReconciler.Cli.Commands;

public enum Verbosity
{
    Quiet,
    Normal,
    Detailed,
    Diagnostic,
}

/// <summary>The <c>--verbosity</c> of this invocation, for a handler whose report prints more at <c>diagnostic</c>.</summary>
public sealed record CommandVerbosity(Verbosity Level);

/// <summary>
/// What every command's action needs: the console, and a host (DI, configuration, logging) built per invocation by
/// <c>Program</c> at the verbosity that was asked for. <see cref="RunAsync{THandler}"/> runs one handler inside the
/// command boundary; <see cref="SetAction{THandler, TArguments}"/> makes that a command's action.
/// </summary>
public sealed class CliContext(IOContext io, Func<Verbosity, IHost> hostFactory, Option<Verbosity> verbosity)
{
    public IOContext IO => io;

    public Option<Verbosity> Verbosity => verbosity;

    public Task<int> RunAsync<THandler>(ParseResult parseResult, Func<THandler, Task<int>> action, CancellationToken cancellationToken = default)
        where THandler : notnull
    {
        var level = parseResult.GetValue(verbosity);
        return CommandBoundary.RunAsync(io, level, async () =>
        {
            using var host = hostFactory(level);
            return await action(host.Services.GetRequiredService<THandler>());
        }, cancellationToken);
    }

    /// <summary>
    /// Sets <paramref name="command"/>'s action: inside the command boundary, <typeparamref name="THandler"/> runs the
    /// arguments record that <paramref name="parse"/> builds from the command line.
    /// </summary>
    public void SetAction<THandler, TArguments>(Command command, Func<ParseResult, TArguments> parse)
        where THandler : ICommandHandler<TArguments>
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(parse);
        command.SetAction((parseResult, cancellationToken) =>
            RunAsync<THandler>(parseResult, handler => handler.RunAsync(parse(parseResult), cancellationToken), cancellationToken));
    }
}
