using TenantReconciler.Tests.Watch;

namespace TenantReconciler.Tests.Desired;

/// <summary>
/// Issue 15, item 8: desired-state files stay in their tree. A directory's entries must resolve inside it, a -f file
/// inside its own folder; every desired file is a regular file (a FIFO is refused before it is opened, so nothing
/// blocks); and a refused file's content is never echoed.
/// </summary>
public sealed class DesiredFileTreeTests : IDisposable
{
    private const string Secret = "clientSecret: s3cr3t-from-elsewhere\n";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Validate_ADirectoryEntryLinkedToAFileElsewhere_RefusedWithoutEchoingItsContent()
    {
        // Arrange: on 9aa6160 the link was followed and the target's keys and values were quoted in the diagnostics.
        var dir = Folder("desired");
        File.WriteAllText(Path.Combine(dir, "a.yaml"), File.ReadAllText(RepoFiles.Path("tenants.yaml")));
        var secret = _temp.Write("secrets.yaml", Secret);
        File.CreateSymbolicLink(Path.Combine(dir, "b.yaml"), secret);

        // Act
        var validate = await CliRunner.RunAsync("validate", "-f", dir);

        // Assert
        Assert.Equal(1, validate.ExitCode);
        Assert.Contains($"error {DiagnosticCodes.FileOutsideFolder}: The desired-state file '{Path.Combine(dir, "b.yaml")}' is a symbolic link that leads outside its folder", validate.Stderr);
        Assert.DoesNotContain("s3cr3t", validate.Stdout + validate.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("clientSecret", validate.Stdout + validate.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ADashFFileLinkedOutOfItsFolder_Refused()
    {
        // Arrange: the pull request commits tenants.yaml -> a file elsewhere on the runner.
        var checkout = Folder("checkout");
        File.CreateSymbolicLink(Path.Combine(checkout, "tenants.yaml"), _temp.Write("secrets.yaml", Secret));

        // Act
        var validate = await CliRunner.RunAsync("validate", "-f", Path.Combine(checkout, "tenants.yaml"));

        // Assert
        Assert.Equal(1, validate.ExitCode);
        Assert.Contains(DiagnosticCodes.FileOutsideFolder, validate.Stderr);
        Assert.DoesNotContain("s3cr3t", validate.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TheDashFDirectoryIsALinkAsGitSyncPublishesIt_Read()
    {
        // Arrange: git-sync's /git/desired -> /git/.worktrees/<hash>, and a ConfigMap-style file link inside its folder.
        var worktree = Folder("git/.worktrees/abc");
        File.WriteAllText(Path.Combine(worktree, "stamps.yaml"), File.ReadAllText(RepoFiles.Path("tenants.yaml")));
        File.CreateSymbolicLink(Path.Combine(worktree, "current.yaml"), "stamps.yaml");
        var published = _temp.File("git/desired");
        Directory.CreateSymbolicLink(published, worktree);

        // Act
        var directory = await CliRunner.RunAsync("validate", "-f", Path.Combine(published, "stamps.yaml"));
        var linkedFile = await CliRunner.RunAsync("validate", "-f", Path.Combine(published, "current.yaml"));

        // Assert
        Assert.True(directory.ExitCode == 0, directory.ToString());
        Assert.True(linkedFile.ExitCode == 0, linkedFile.ToString());
    }

    [Fact]
    public async Task Validate_ADirectoryEntryThatIsAFifo_RefusedAtOnceInsteadOfHanging()
    {
        // Arrange: on 9aa6160 the run blocked in open(2), waiting for a writer that never comes.
        var dir = Folder("desired");
        File.WriteAllText(Path.Combine(dir, "a.yaml"), File.ReadAllText(RepoFiles.Path("tenants.yaml")));
        Posix.MakeFifo(Path.Combine(dir, "b.yaml"));

        // Act
        var validate = await CliRunner.RunAsync("validate", "-f", dir).WaitAsync(TimeSpan.FromMinutes(2));

        // Assert
        Assert.Equal(1, validate.ExitCode);
        Assert.Contains($"error {DiagnosticCodes.NotARegularFile}: The desired-state file '{Path.Combine(dir, "b.yaml")}' is a FIFO (named pipe), not a regular file", validate.Stderr);
    }

    [Fact]
    public void Hash_AFifoInTheSet_NullWithoutBlocking()
    {
        // Arrange: the watch hashes the files before it parses them.
        var dir = Folder("desired");
        File.WriteAllText(Path.Combine(dir, "a.yaml"), "registrations: []\n");
        Posix.MakeFifo(Path.Combine(dir, "b.yaml"));

        // Act
        var hash = DesiredSet.TryHash([dir]);

        // Assert
        Assert.Null(hash);
    }

    [Fact]
    public void KindOf_ACharacterDevice_Named()
    {
        // Act, Assert
        Assert.Equal("a character device", DesiredFile.KindOf("/dev/null"));
        Assert.Null(DesiredFile.KindOf(RepoFiles.Path("tenants.yaml")));
    }

    private string Folder(string relative) => Directory.CreateDirectory(_temp.File(relative)).FullName;
}
