using System.Text.RegularExpressions;
using TenantReconciler.Persistence;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// Where the apply journal is, as given on the command line: a local file path, a blob URL (authenticated with the
/// <c>--auth</c> credential), or, with a storage connection string, <c>CONTAINER/PATH</c> in its account (e.g. Azurite's
/// development account). <see cref="ConnectionString"/> is a secret: it is never printed.
/// </summary>
public sealed record JournalArguments(string Location, string? ConnectionString = null)
{
    public const string LocationVariable = ToolEnvironment.Journal;
    public const string ConnectionStringVariable = ToolEnvironment.JournalConnectionString;

    /// <summary>The <c>CONTAINER/PATH</c> of a connection-string journal when <c>--journal</c> is not given.</summary>
    public const string DefaultBlobLocation = "tenant-reconciler/journal.jsonl";

    /// <summary>Where the journal is, safe to print: the path, the URL without query, or container/path of the connection string's account.</summary>
    public string Describe() =>
        JournalFactory.TryGetUrl(Location) is { } url ? SafeUrl.Address(url)
        : ConnectionString is not null ? $"{OutsideText.Sanitize(Location)} (connection string)"
        : Location;

    public override string ToString() => Describe();
}

/// <summary>Builds the <see cref="JournalStore"/> for <see cref="JournalArguments"/>: shared by <c>apply</c>, <c>undo</c> and <c>watch</c>.</summary>
public static partial class JournalFactory
{
    /// <exception cref="ReconcilerException">The URL, the path or the connection string cannot be used (the message never quotes the connection string).</exception>
    /// <summary>The journal's entries, with a warning on <paramref name="error"/> for lines that could not be read.</summary>
    public static async Task<JournalContents> ReadAsync(JournalStore journal, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(error);
        var contents = await journal.ReadAsync(cancellationToken);
        if (contents.SkippedLines > 0)
        {
            error.WriteLine($"Warning: the journal {journal.Describe()} has {contents.SkippedLines} line(s) that could not be read (a killed run or a corrupt write); they were skipped.");
        }

        return contents;
    }

    /// <summary>The option that targets an endpoint a journal recorded: <c>--emulator</c>, or <c>--arm-endpoint URL</c>.</summary>
    /// <summary>What the journal records as the endpoint of a session: the ARM endpoint, or <c>emulator</c>.</summary>
    public static string EndpointOf(ArmSession session) =>
        session.Emulator is not null ? JournalOpenOptions.EmulatorEndpoint : session.Connection.Endpoint.GetLeftPart(UriPartial.Authority);

    public static string EndpointOption(string endpoint) =>
        endpoint == JournalOpenOptions.EmulatorEndpoint ? "--emulator" : "--arm-endpoint " + endpoint;

    public static JournalStore Create(JournalArguments journal, CredentialFactory credentials, AuthKind auth)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(credentials);
        if (TryGetUrl(journal.Location) is { } url)
        {
            return FromUrl(journal, url, credentials, auth);
        }

        if (journal.ConnectionString is { } connectionString)
        {
            var (container, path) = SplitBlobLocation(journal.Location);
            try
            {
                return BlobJournalStore.FromConnectionString(connectionString, container, path);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                throw new ReconcilerException("the journal connection string is not a usable storage connection string (its value is not shown).");
            }
        }

        return new FileJournalStore(journal.Location);
    }

    /// <summary>The location as an http(s) URL, or null for a file path (including a Windows drive path).</summary>
    internal static Uri? TryGetUrl(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) ? uri : null;

    private static BlobJournalStore FromUrl(JournalArguments journal, Uri url, CredentialFactory credentials, AuthKind auth)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            // A bearer token never travels over plain http (Azurite over http: use --journal-connection-string).
            throw new ReconcilerException($"--journal must be an https URL to use a blob, not '{journal.Describe()}'; for plain http use --journal-connection-string.");
        }

        if (!string.IsNullOrEmpty(url.UserInfo) || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            throw new ReconcilerException(
                $"--journal {journal.Describe()}: the URL must have no user-info, query (SAS) or fragment; it is authenticated with --auth, or use --journal-connection-string.");
        }

        try
        {
            return BlobJournalStore.Create(url, credentials.Create(auth, LeaseLockFactory.CloudOf(url), url));
        }
        catch (ArgumentException e)
        {
            throw new ReconcilerException($"--journal {journal.Describe()}: {e.Message}", e);
        }
    }

    private static (string Container, string Path) SplitBlobLocation(string location)
    {
        var slash = location.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && slash < location.Length - 1 && ContainerName().IsMatch(location[..slash]))
        {
            return (location[..slash], location[(slash + 1)..]);
        }

        throw new ReconcilerException(
            $"with a journal connection string, --journal must be CONTAINER/PATH (a container name of 3 to 63 lowercase letters, digits and hyphens), e.g. {JournalArguments.DefaultBlobLocation}, not '{location}'.");
    }

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ContainerName();
}
