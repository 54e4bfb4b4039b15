using System.CommandLine;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Tests.Leasing;

namespace TenantReconciler.Tests.Persistence;

/// <summary>
/// <c>--journal</c> and <c>--journal-connection-string</c> to a store. These assume the journal's environment variables
/// are unset, as in CI; no test here sets them.
/// </summary>
public sealed class JournalFactoryTests
{
    private const string ConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteFixture.DevelopmentAccountKey + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    private static readonly CredentialFactory Credentials = new();

    [Fact]
    public void Create_LocalPath_FileStoreAtThatPath()
    {
        // Arrange
        var arguments = new JournalArguments("state/journal.jsonl");

        // Act
        var store = JournalFactory.Create(arguments, Credentials, AuthKind.Cli);

        // Assert
        Assert.Equal("state/journal.jsonl", Assert.IsType<FileJournalStore>(store).Path);
    }

    [Fact]
    public void Create_HttpsBlobUrl_BlobStoreDescribedByItsUrl()
    {
        // Arrange
        var arguments = new JournalArguments("https://ciaccount.blob.core.windows.net/journals/prod/journal.jsonl");

        // Act
        var store = JournalFactory.Create(arguments, Credentials, AuthKind.Cli);

        // Assert
        Assert.IsType<BlobJournalStore>(store);
        Assert.Equal("https://ciaccount.blob.core.windows.net/journals/prod/journal.jsonl", store.Describe());
    }

    [Theory]
    [InlineData("http://ciaccount.blob.core.windows.net/journals/journal.jsonl", "must be an https URL")]
    [InlineData("https://ciaccount.blob.core.windows.net/journals/journal.jsonl?sv=2024&sig=SECRET", "no user-info, query (SAS) or fragment")]
    [InlineData("https://user:SECRET@ciaccount.blob.core.windows.net/journals/journal.jsonl", "no user-info, query (SAS) or fragment")]
    [InlineData("https://ciaccount.blob.core.windows.net/journals", "does not name a container and a blob")]
    public void Create_UnusableUrl_RefusedWithoutQuotingSecrets(string url, string expected)
    {
        // Arrange
        var arguments = new JournalArguments(url);

        // Act
        var refused = Assert.Throws<ReconcilerException>(() => JournalFactory.Create(arguments, Credentials, AuthKind.Cli));

        // Assert
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ConnectionStringWithContainerPath_BlobStoreInThatAccount()
    {
        // Arrange
        var arguments = new JournalArguments("tenant-reconciler/ci/journal.jsonl", ConnectionString);

        // Act
        var store = JournalFactory.Create(arguments, Credentials, AuthKind.Cli);

        // Assert
        Assert.Equal("http://127.0.0.1:10000/devstoreaccount1/tenant-reconciler/ci/journal.jsonl", store.Describe());
    }

    [Theory]
    [InlineData(".tenant-reconciler/journal.jsonl")]
    [InlineData("Journals/journal.jsonl")]
    [InlineData("journal.jsonl")]
    [InlineData("container/")]
    public void Create_ConnectionStringWithoutContainerPath_Refused(string location)
    {
        // Arrange
        var arguments = new JournalArguments(location, ConnectionString);

        // Act
        var refused = Assert.Throws<ReconcilerException>(() => JournalFactory.Create(arguments, Credentials, AuthKind.Cli));

        // Assert
        Assert.Contains("--journal must be CONTAINER/PATH", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UnusableConnectionString_RefusedWithoutQuotingIt()
    {
        // Arrange
        var arguments = new JournalArguments("journals/journal.jsonl", "AccountKey=SECRET;nonsense");

        // Act
        var refused = Assert.Throws<ReconcilerException>(() => JournalFactory.Create(arguments, Credentials, AuthKind.Cli));

        // Assert
        Assert.Contains("not a usable storage connection string", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_WithConnectionString_NeverShowsIt()
    {
        // Arrange
        var arguments = new JournalArguments("journals/journal.jsonl", ConnectionString);

        // Act
        var text = $"{arguments} {arguments.Describe()}";

        // Assert
        Assert.Equal("journals/journal.jsonl (connection string) journals/journal.jsonl (connection string)", text);
    }

    [Fact]
    public void Parse_NoOptions_TheDefaultLocalJournal()
    {
        // Arrange + Act
        var (arguments, errors) = Parse();

        // Assert
        Assert.Empty(errors);
        Assert.Equal(new JournalArguments(ToolInfo.DefaultJournal), arguments);
    }

    [Fact]
    public void Parse_ConnectionStringAlone_TheDefaultBlobLocation()
    {
        // Arrange + Act
        var (arguments, errors) = Parse("--journal-connection-string", ConnectionString);

        // Assert
        Assert.Empty(errors);
        Assert.Equal(new JournalArguments(JournalArguments.DefaultBlobLocation, ConnectionString), arguments);
    }

    [Fact]
    public void Parse_ConnectionStringAndContainerPath_Both()
    {
        // Arrange + Act
        var (arguments, errors) = Parse("--journal", "journals/ci.jsonl", "--journal-connection-string", ConnectionString);

        // Assert
        Assert.Empty(errors);
        Assert.Equal(new JournalArguments("journals/ci.jsonl", ConnectionString), arguments);
    }

    [Fact]
    public void Parse_UrlAndConnectionString_Error()
    {
        // Arrange + Act
        var (_, errors) = Parse("--journal", "https://ciaccount.blob.core.windows.net/journals/ci.jsonl", "--journal-connection-string", ConnectionString);

        // Assert
        Assert.Contains(errors, e => e.Contains("not both", StringComparison.Ordinal));
    }

    private static (JournalArguments Arguments, IReadOnlyList<string> Errors) Parse(params string[] args)
    {
        var options = new JournalOptions();
        var command = new RootCommand();
        options.AddTo(command);
        var result = command.Parse(args);
        return (options.Parse(result), result.Errors.Select(e => e.Message).ToArray());
    }
}
