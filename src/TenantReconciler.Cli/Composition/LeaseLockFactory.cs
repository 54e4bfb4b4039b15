using TenantReconciler.Leasing;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// Which blob lease makes a writer the only one, as given on the command line: a blob URL (authenticated with the
/// <c>--auth</c> credential), or a storage connection string with a container and a blob name (e.g. Azurite's
/// development account). <see cref="ConnectionString"/> is a secret: it is never printed.
/// </summary>
public sealed record LeaseArguments(Uri? BlobUri, string? ConnectionString, string Container, string BlobName, TimeSpan Duration)
{
    public const string DefaultContainer = "tenant-reconciler";
    public const string DefaultBlobName = "leader.lock";
    public const string ConnectionStringVariable = ToolEnvironment.LeaseConnectionString;

    /// <summary>The watch leader's lease (<c>--lease-duration</c>).</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(30);

    /// <summary>The lease <c>apply --lock</c> holds.</summary>
    public static readonly TimeSpan DefaultLockDuration = TimeSpan.FromSeconds(60);

    /// <summary><c>--lock-wait</c>: how long <c>apply --lock</c> waits for the lease.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(120);

    /// <summary>How long to wait for the lease before giving up (apply); the watch never gives up.</summary>
    public TimeSpan Wait { get; init; } = DefaultWait;

    /// <summary>Where the lease is, safe to print (<see cref="SafeUrl"/>): the URL without user-info or secrets, or container/blob of the connection string's account.</summary>
    public string Describe() =>
        BlobUri is not null ? SafeUrl.Address(BlobUri) : $"{OutsideText.Sanitize(Container)}/{OutsideText.Sanitize(BlobName)} (connection string)";

    public override string ToString() => Describe();
}

/// <summary>Builds the <see cref="BlobLeaseLock"/> for <see cref="LeaseArguments"/>: shared by <c>watch</c> (leader election) and <c>apply --lock</c>.</summary>
public static class LeaseLockFactory
{
    /// <exception cref="ReconcilerException">The URL or the connection string cannot be used (the message never quotes the connection string).</exception>
    public static BlobLeaseLock Create(LeaseArguments lease, CredentialFactory credentials, AuthKind auth)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(credentials);
        if (lease.ConnectionString is { } connectionString)
        {
            try
            {
                return BlobLeaseLock.FromConnectionString(connectionString, lease.Container, lease.BlobName);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new ReconcilerException("the lease connection string is not a usable storage connection string (its value is not shown).");
            }
        }

        var blob = lease.BlobUri ?? throw new ReconcilerException("no lease blob was given: pass its URL or a connection string.");
        if (!blob.IsAbsoluteUri || blob.Scheme != Uri.UriSchemeHttps)
        {
            // A bearer token never travels over plain http (Azurite over http: use --lease-connection-string).
            throw new ReconcilerException($"the lease blob must be an absolute https URL, not '{lease.Describe()}'.");
        }

        if (!string.IsNullOrEmpty(blob.UserInfo) || !string.IsNullOrEmpty(blob.Query) || !string.IsNullOrEmpty(blob.Fragment))
        {
            // Secrets do not travel in a URL: the lease is authenticated with --auth (or use a connection string).
            throw new ReconcilerException(
                $"the lease blob {lease.Describe()} must have no user-info, query (SAS) or fragment: it is authenticated with --auth, or use the connection-string option.");
        }

        try
        {
            return BlobLeaseLock.Create(blob, credentials.Create(auth, CloudOf(blob), blob));
        }
        catch (ArgumentException e)
        {
            throw new ReconcilerException($"--lease-blob {lease.Describe()}: {OutsideText.Sanitize(e.Message)}", e);
        }
    }

    /// <summary>The cloud whose authority issues tokens for a blob endpoint, from its host name (the public cloud otherwise).</summary>
    public static AzureCloud CloudOf(Uri blob) =>
        blob.Host.EndsWith(".usgovcloudapi.net", StringComparison.OrdinalIgnoreCase) ? AzureCloud.AzureUSGovernment
        : blob.Host.EndsWith(".chinacloudapi.cn", StringComparison.OrdinalIgnoreCase) ? AzureCloud.AzureChinaCloud
        : AzureCloud.AzureCloud;
}
