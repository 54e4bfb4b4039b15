using System.CommandLine;
using TenantReconciler.Cli.Composition;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>How hard apply may push ARM, where it journals, and which lock it holds. None of these come from tenants.yaml.</summary>
public sealed record WriteLimits(int Parallelism, TimeSpan MaxRetryWait, string Journal, LeaseArguments? Lock, TimeSpan LockWait);

/// <summary>The write options of apply: <c>--parallelism</c>, <c>--max-retry-wait</c>, <c>--journal</c> and the lock.</summary>
public sealed class WriteOptions
{
    private readonly Option<int> _parallelism = new("--parallelism")
    {
        Description = "Requests in flight at once.",
        DefaultValueFactory = _ => 4,
    };

    private readonly Option<double> _maxRetryWait = new("--max-retry-wait")
    {
        Description = "Seconds: a Retry-After longer than this fails the change at once instead of waiting.",
        DefaultValueFactory = _ => 60,
    };

    private readonly Option<string> _journal = Journal();

    private readonly Option<Uri?> _lock = CommonOptions.Uri(
        "--lock",
        "Hold this blob's lease (https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB, with the --auth credential) while applying: the same lease as 'watch --lease-blob', so a CI apply and the service never write at once.",
        uri => uri.Scheme == Uri.UriSchemeHttps,
        "an absolute https URL of a blob");

    private readonly Option<string?> _lockConnectionString = new("--lock-connection-string")
    {
        Description = $"Or: hold the lease of {LeaseArguments.DefaultContainer}/{LeaseArguments.DefaultBlobName} in the storage account of this connection string (e.g. Azurite's), as 'watch --lease-connection-string' does.",
    };

    private readonly Option<string> _lockContainer = new("--lock-container")
    {
        Description = "With --lock-connection-string: the container (as 'watch --lease-container').",
        DefaultValueFactory = _ => LeaseArguments.DefaultContainer,
    };

    private readonly Option<string> _lockBlobName = new("--lock-blob-name")
    {
        Description = "With --lock-connection-string: the blob (as 'watch --lease-blob-name').",
        DefaultValueFactory = _ => LeaseArguments.DefaultBlobName,
    };

    private readonly Option<double> _lockWait = new("--lock-wait")
    {
        Description = "Seconds to wait for the lock before giving up.",
        DefaultValueFactory = _ => 120,
    };

    public WriteOptions()
    {
        CommonOptions.Range(_parallelism, 1, 64);
        _maxRetryWait.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() < 0)
            {
                r.AddError("--max-retry-wait must not be negative.");
            }
        });
    }

    /// <summary>The apply journal option, shared by apply and undo.</summary>
    public static Option<string> Journal() => new("--journal")
    {
        Description = "The apply journal (JSON lines).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TENANT_RECONCILER_JOURNAL") is { Length: > 0 } path ? path : ToolInfo.DefaultJournal,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_parallelism);
        command.Options.Add(_maxRetryWait);
        command.Options.Add(_journal);
        command.Options.Add(_lock);
        command.Options.Add(_lockConnectionString);
        command.Options.Add(_lockContainer);
        command.Options.Add(_lockBlobName);
        command.Options.Add(_lockWait);
        command.Validators.Add(r =>
        {
            if (r.GetValue(_lock) is not null && r.GetValue(_lockConnectionString) is not null)
            {
                r.AddError("Give the lock either as --lock URL or with --lock-connection-string, not both.");
            }
        });
    }

    public WriteLimits Parse(ParseResult parseResult)
    {
        var blob = parseResult.GetValue(_lock);
        var connectionString = parseResult.GetValue(_lockConnectionString);
        var lease = blob is null && connectionString is null
            ? null
            : new LeaseArguments(blob, connectionString, parseResult.GetRequiredValue(_lockContainer), parseResult.GetRequiredValue(_lockBlobName), LeaseArguments.DefaultDuration);
        return new(
            parseResult.GetValue(_parallelism),
            TimeSpan.FromSeconds(parseResult.GetValue(_maxRetryWait)),
            parseResult.GetRequiredValue(_journal),
            lease,
            TimeSpan.FromSeconds(parseResult.GetValue(_lockWait)));
    }
}
