using System.CommandLine;
using Microsoft.Extensions.Hosting;

namespace TenantReconciler.Cli.Commands;

/// <summary>
/// The command tree: one file per command under <c>Commands/</c>, each with its <c>Create</c> and a thin
/// <c>RunAsync</c>. The host (DI, configuration, logging) is built per invocation by <c>Program</c>.
/// </summary>
public static class CommandLine
{
    public static RootCommand Build(IOContext io, Func<Verbosity, IHost> hostFactory)
    {
        var verbosity = new Option<Verbosity>("--verbosity", "-v")
        {
            Description = "Log detail on stderr: quiet, normal, detailed, diagnostic.",
            DefaultValueFactory = _ => Verbosity.Normal,
            Recursive = true,
        };

        var cli = new CliContext(io, hostFactory, verbosity);
        var root = new RootCommand("Declarative Azure Stack tenant registrations: validate, plan and apply tenants.yaml against ARM customerSubscriptions.");
        root.Options.Add(verbosity);
        root.Subcommands.Add(ValidateCommand.Create(cli));
        root.Subcommands.Add(PlanCommand.Create(cli));
        root.Subcommands.Add(ApplyCommand.Create(cli));
        root.Subcommands.Add(UndoCommand.Create(cli));
        root.Subcommands.Add(TenantsCommand.Create(cli));
        root.Subcommands.Add(EmulatorCommand.Create(cli));
        root.Subcommands.Add(WatchCommand.Create(io, hostFactory, verbosity));
        root.Subcommands.Add(SchemaCommand.Create(io));
        root.Subcommands.Add(ImportCommand.Create(cli));
        root.Subcommands.Add(CheckCommand.Create(cli));
        return root;
    }
}
