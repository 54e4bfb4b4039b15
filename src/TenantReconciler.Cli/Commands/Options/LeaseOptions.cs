using System.CommandLine;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Leasing;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>What each option of a <see cref="LeaseOptions"/> group says in the help, for one use (apply's lock, watch's lease).</summary>
/// <param name="Wait">With a text: the group has <c>--PREFIX-wait</c> (seconds to wait for the lease).</param>
/// <param name="Duration">With a text: the group has <c>--PREFIX-duration</c> (how long a lease lasts).</param>
public sealed record LeaseOptionDescriptions(string Url, string ConnectionString, string Container, string BlobName, string? Wait = null, string? Duration = null);

/// <summary>
/// The one definition of the options that name a blob lease: <c>apply --lock-*</c> and <c>watch --lease-*</c> are this
/// group with another prefix. A blob URL (https only: the <c>--auth</c> token never travels over plain http), or a
/// connection string (also read from <see cref="LeaseArguments.ConnectionStringVariable"/>) with a container and a blob
/// name; and, per use, the wait or the duration.
/// </summary>
public sealed class LeaseOptions
{
    private readonly string _prefix;
    private readonly Option<Uri?> _url;
    private readonly Option<string?> _connectionString;
    private readonly Option<string> _container;
    private readonly Option<string> _blobName;
    private readonly Option<TimeSpan>? _wait;
    private readonly Option<TimeSpan>? _duration;
    private readonly TimeSpan _defaultDuration;

    /// <param name="prefix"><c>lock</c> or <c>lease</c>: the options are <c>--PREFIX-connection-string</c>, <c>--PREFIX-container</c>, …</param>
    /// <param name="urlOption">The name of the URL option: <c>--lock</c> for apply, <c>--lease-blob</c> for watch.</param>
    /// <param name="defaultDuration">The lease's duration when the group has no duration option.</param>
    public LeaseOptions(string prefix, string urlOption, LeaseOptionDescriptions descriptions, TimeSpan defaultDuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(urlOption);
        ArgumentNullException.ThrowIfNull(descriptions);
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultDuration, BlobLeaseLock.MinLeaseDuration);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(defaultDuration, BlobLeaseLock.MaxLeaseDuration);
        _prefix = prefix;
        _defaultDuration = defaultDuration;
        _url = CommonOptions.Uri(urlOption, descriptions.Url, uri => uri.Scheme == Uri.UriSchemeHttps, "an absolute https URL of a blob");
        _connectionString = new($"--{prefix}-connection-string")
        {
            Description = descriptions.ConnectionString,
            DefaultValueFactory = _ => ToolEnvironment.Read(LeaseArguments.ConnectionStringVariable),
        };
        _container = new($"--{prefix}-container") { Description = descriptions.Container, DefaultValueFactory = _ => LeaseArguments.DefaultContainer };
        _blobName = new($"--{prefix}-blob-name") { Description = descriptions.BlobName, DefaultValueFactory = _ => LeaseArguments.DefaultBlobName };
        if (descriptions.Wait is { } wait)
        {
            _wait = CommonOptions.Seconds($"--{prefix}-wait", wait, LeaseArguments.DefaultWait, TimeSpan.FromHours(24));
        }

        if (descriptions.Duration is { } duration)
        {
            _duration = CommonOptions.Duration($"--{prefix}-duration", duration, defaultDuration, BlobLeaseLock.MinLeaseDuration, BlobLeaseLock.MaxLeaseDuration);
        }
    }

    /// <summary><c>apply --lock</c>, <c>--lock-connection-string</c>, <c>--lock-container</c>, <c>--lock-blob-name</c>, <c>--lock-wait</c>.</summary>
    public static LeaseOptions ForApply() => new("lock", "--lock", new LeaseOptionDescriptions(
        "Hold this blob's lease (https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB, with the --auth credential) while applying: the same lease as 'watch --lease-blob', so a CI apply and the service never write at once.",
        $"Or: hold the lease of {LeaseArguments.DefaultContainer}/{LeaseArguments.DefaultBlobName} in the storage account of this connection string (e.g. Azurite's), as 'watch --lease-connection-string' does; also read from {LeaseArguments.ConnectionStringVariable}.",
        "With --lock-connection-string: the container (as 'watch --lease-container').",
        "With --lock-connection-string: the blob (as 'watch --lease-blob-name').",
        Wait: "Seconds to wait for the lock before giving up."), LeaseArguments.DefaultLockDuration);

    /// <summary><c>watch --lease-blob</c>, <c>--lease-connection-string</c>, <c>--lease-container</c>, <c>--lease-blob-name</c>, <c>--lease-duration</c>.</summary>
    public static LeaseOptions ForWatch() => new("lease", "--lease-blob", new LeaseOptionDescriptions(
        "Elect one writer among replicas through a lease on this blob (https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB), with the --auth credential.",
        $"Or: a storage connection string (e.g. Azurite's) for the lease blob; also read from {LeaseArguments.ConnectionStringVariable}.",
        "With --lease-connection-string: the container.",
        "With --lease-connection-string: the blob.",
        Duration: "How long a lease lasts: a crashed leader is replaced within about this."), LeaseArguments.DefaultDuration);

    public void AddTo(Command command)
    {
        CommonOptions.Add(command, _url, _connectionString, _container, _blobName, _wait, _duration);

        command.Validators.Add(r =>
        {
            // Implicit: the connection string came from the environment, and the URL given on the command line wins.
            // GetResult, not GetValue: a URL that did not parse has its own error, and its value would throw.
            if (r.GetResult(_url) is { Implicit: false } && r.GetResult(_connectionString) is { Implicit: false })
            {
                r.AddError($"Give the {_prefix} either as {_url.Name} URL or with {_connectionString.Name}, not both.");
            }
        });
    }

    /// <summary>The lease named on the command line (or by the environment variable), or null when none is.</summary>
    public LeaseArguments? Parse(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var blob = parseResult.GetValue(_url);
        var connectionString = blob is null ? parseResult.GetValue(_connectionString) : null;
        if (blob is null && connectionString is null)
        {
            return null;
        }

        return new LeaseArguments(
            blob,
            connectionString,
            parseResult.GetRequiredValue(_container),
            parseResult.GetRequiredValue(_blobName),
            _duration is null ? _defaultDuration : parseResult.GetValue(_duration))
        {
            Wait = _wait is null ? LeaseArguments.DefaultWait : parseResult.GetValue(_wait),
        };
    }
}
