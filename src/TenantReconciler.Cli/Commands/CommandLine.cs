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
        var verbosity = Options.CommonOptions.Choice(
            new Option<Verbosity>("--verbosity", "-v")
            {
                Description = "Log detail on stderr: quiet, normal, detailed, diagnostic.",
                DefaultValueFactory = _ => Verbosity.Normal,
                Recursive = true,
            },
            Enum.GetValues<Verbosity>().ToDictionary(v => v.ToString().ToLowerInvariant()));

        var cli = new CliContext(io, hostFactory, verbosity);
        var root = new RootCommand("Declarative Azure Stack tenant registrations: validate, plan and apply tenants.yaml against ARM customerSubscriptions.");
        root.Options.Add(verbosity);
        root.Subcommands.Add(ValidateCommand.Create(cli));
        root.Subcommands.Add(PlanCommand.Create(cli));
        root.Subcommands.Add(ApplyCommand.Create(cli));
        root.Subcommands.Add(ShowCommand.Create(cli));
        root.Subcommands.Add(UndoCommand.Create(cli));
        root.Subcommands.Add(TenantsCommand.Create(cli));
        root.Subcommands.Add(AuditCommand.Create(cli));
        root.Subcommands.Add(EmulatorCommand.Create(cli));
        root.Subcommands.Add(WatchCommand.Create(io, hostFactory, verbosity));
        root.Subcommands.Add(SchemaCommand.Create(io));
        root.Subcommands.Add(ImportCommand.Create(cli));
        root.Subcommands.Add(CheckCommand.Create(cli));
        RefuseEmptyValues(root);
        return root;
    }

    /// <summary>
    /// No option or argument of the tree takes an empty value (or one with a NUL): <c>-f ""</c> or <c>--out " "</c> is a
    /// parse error that names it, before any file is touched, rather than whatever the file system says about such a path.
    /// </summary>
    private static void RefuseEmptyValues(Command command)
    {
        command.Validators.Add(r =>
        {
            foreach (var child in r.Children)
            {
                var (name, tokens) = child switch
                {
                    System.CommandLine.Parsing.OptionResult option => (option.Option.Name, option.Tokens),
                    System.CommandLine.Parsing.ArgumentResult argument => (argument.Argument.Name, argument.Tokens),
                    _ => (null, null),
                };
                if (name is not null && tokens!.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                {
                    r.AddError($"{name} needs a value, not an empty one.");
                }
                else if (name is not null && tokens!.Any(t => t.Value.Contains('\0', StringComparison.Ordinal)))
                {
                    r.AddError($"{name}: a value cannot contain a NUL character.");
                }
            }
        });

        foreach (var subcommand in command.Subcommands)
        {
            RefuseEmptyValues(subcommand);
        }
    }
}
