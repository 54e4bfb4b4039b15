using System.CommandLine;
using TenantReconciler.Cli.Composition;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>
/// <c>--journal</c> and <c>--journal-connection-string</c>: where the apply journal is, defined once for every command
/// that writes or reads it.
/// </summary>
public sealed class JournalOptions
{
    private readonly Option<string> _journal = new("--journal")
    {
        Description =
            "The apply journal: a local file (JSON lines), or an append blob https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH (with --auth), " +
            $"so that a saved plan is single-use across machines. With --journal-connection-string: CONTAINER/PATH (default {JournalArguments.DefaultBlobLocation}). " +
            $"Default: ${JournalArguments.LocationVariable}, else {ToolInfo.DefaultJournal}.",
        HelpName = "PATH|URL",
        DefaultValueFactory = _ => LocationFromEnvironment() ?? ToolInfo.DefaultJournal,
    };

    private readonly Option<string?> _connectionString = new("--journal-connection-string")
    {
        Description = $"A storage connection string for a blob journal (never printed). Default: ${JournalArguments.ConnectionStringVariable}.",
        HelpName = "CONNECTION-STRING",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_journal);
        command.Options.Add(_connectionString);
        command.Validators.Add(r =>
        {
            // On the tokens: a value that did not parse (an option given without one) is reported by the parser, not thrown here.
            if (r.GetResult(_connectionString) is { Tokens.Count: > 0 } && r.GetResult(_journal) is { Tokens.Count: > 0 } journal && JournalFactory.TryGetUrl(journal.Tokens[^1].Value) is not null)
            {
                r.AddError("Give the journal either as --journal URL or with --journal-connection-string and --journal CONTAINER/PATH, not both.");
            }
        });
    }

    public JournalArguments Parse(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var location = parseResult.GetRequiredValue(_journal);
        var connectionString = parseResult.GetValue(_connectionString)
            ?? ToolEnvironment.Read(JournalArguments.ConnectionStringVariable);

        // A blob URL is authenticated with --auth: a connection string from the environment does not apply to it.
        if (JournalFactory.TryGetUrl(location) is not null)
        {
            return new JournalArguments(location);
        }

        var given = parseResult.GetResult(_journal) is { Implicit: false } || LocationFromEnvironment() is not null;
        return connectionString is null
            ? new JournalArguments(location)
            : new JournalArguments(given ? location : JournalArguments.DefaultBlobLocation, connectionString);
    }

    private static string? LocationFromEnvironment() =>
        ToolEnvironment.Read(JournalArguments.LocationVariable);
}
