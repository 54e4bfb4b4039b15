namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Issue 15, item 3: no file is written through a link a pull request committed. Every file the tool writes goes
/// through <see cref="AtomicFile"/>: an exclusive temporary file with a random name, then a rename; a link at the
/// target is refused unless --force replaces the link itself; the local journal is never opened through a link.
/// </summary>
public sealed class SymlinkWriteTests
{
    private const string Precious = "export PATH=/usr/bin # the victim's own file\n";

    [Fact]
    public async Task PlanOut_ALinkCommittedAtTheOldTemporaryName_TheFileItPointsToIsUntouched()
    {
        // Arrange: on 9aa6160 'plan --out plan.json' wrote plan.json.tmp with File.WriteAllText, through this link.
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var victim = LinkToPrecious(bed, planFile + ".tmp");

        // Act
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile);

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Equal(Precious, File.ReadAllText(victim));
        Assert.StartsWith("{", File.ReadAllText(planFile), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(bed.Temp.Path, ".plan.json.*.tmp"));
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("undo")]
    public async Task Out_IsALink_RefusedBeforeAnyRequestAndTheTargetIsUntouched(string command)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var victim = LinkToPrecious(bed, planFile);

        // Act
        var run = await bed.RunAsync(command, "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile);

        // Assert
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"cannot write {planFile}: it is a symbolic link (to {victim})", run.Stderr);
        Assert.Contains("Give --force to replace the link itself", run.Stderr);
        Assert.Equal(Precious, File.ReadAllText(victim));
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public async Task PlanOut_IsALinkAndForceIsGiven_TheLinkItselfIsReplacedNotItsTarget()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var planFile = bed.Temp.File("plan.json");
        var victim = LinkToPrecious(bed, planFile);

        // Act
        var plan = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--out", planFile, "--force");

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Null(new FileInfo(planFile).LinkTarget);
        Assert.Equal(Precious, File.ReadAllText(victim));
        Assert.StartsWith("{", File.ReadAllText(planFile), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("undo")]
    public async Task Out_FolderDoesNotExist_Exit1WithASentenceAndNoRequest(string command)
    {
        // Arrange: issue 15, item 13 (owned here): on 9aa6160 this was an internal error, exit 70.
        await using var bed = await CliTestBed.StartAsync();
        var missing = bed.Temp.File("missing/dir/plan.json");

        // Act
        var run = await bed.RunAsync(command, "-f", RepoFiles.Path("tenants.yaml"), "--out", missing);

        // Assert
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"the folder {bed.Temp.File("missing/dir")} does not exist", run.Stderr);
        Assert.DoesNotContain("internal error", run.Stderr);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public async Task Apply_TheJournalFileIsALink_RefusedWithNoWriteAndTheTargetIsUntouched()
    {
        // Arrange: on 9aa6160 an apply appended its 14 lines to the file the link points to.
        await using var bed = await CliTestBed.StartAsync();
        var journal = bed.Temp.File("journal.jsonl");
        var victim = LinkToPrecious(bed, journal);

        // Act
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--journal", journal);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains($"the apply journal {journal} is a symbolic link (to {victim})", apply.Stderr);
        Assert.Equal(Precious, File.ReadAllText(victim));
        Assert.Equal(0, bed.Writes);
    }

    [Fact]
    public async Task Apply_TheDefaultJournalFolderIsALinkCommittedInTheCheckout_RefusedWithNoWrite()
    {
        // Arrange: the pull request commits .tenant-reconciler -> a folder outside the checkout.
        await using var bed = await CliTestBed.StartAsync();
        using var checkout = TempDirectory.InWorkingDirectory();
        var outside = Directory.CreateDirectory(bed.Temp.File("outside")).FullName;
        var link = checkout.File(".tenant-reconciler");
        Directory.CreateSymbolicLink(link, outside);
        var journal = Path.Combine(Path.GetRelativePath(Directory.GetCurrentDirectory(), link), "journal.jsonl");

        // Act
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--journal", journal);

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains($"lies in {link}, which is a symbolic link (to {outside})", apply.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.Equal(0, bed.Writes);
    }

    [Fact]
    public async Task Undo_TheJournalIsALink_RefusedAndNothingIsRead()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var real = bed.Temp.Write("real.jsonl", string.Empty);
        var journal = bed.Temp.File("journal-link.jsonl");
        File.CreateSymbolicLink(journal, real);

        // Act
        var undo = await bed.RunAsync("undo", "-f", RepoFiles.Path("tenants.yaml"), "--journal", journal, "--out", bed.Temp.File("undo.json"));

        // Assert
        Assert.Equal(1, undo.ExitCode);
        Assert.Contains("is a symbolic link", undo.Stderr);
    }

    [Fact]
    public async Task ImportOutput_IsALink_RefusedWithoutForceAndReplacedItselfWithForce()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var output = bed.Temp.File("tenants.yaml");
        var victim = LinkToPrecious(bed, output);
        string[] import = ["import", "--subscription", "6513270e-269e-4d37-b2a7-4de452e6b438", "--resource-group", "azurestack", "--registration", "azurestack-8f3e1b2c", "-o", output];

        // Act
        var refused = await bed.RunAsync(import);
        var forced = await bed.RunAsync([.. import, "--force"]);

        // Assert
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("symbolic link", refused.Stderr);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Null(new FileInfo(output).LinkTarget);
        Assert.Equal(Precious, File.ReadAllText(victim));
    }

    [Fact]
    public async Task EmulatorStateFile_IsALink_RefusedAndTheTargetIsUntouched()
    {
        // Arrange: the README's 'plan --emulator STATEFILE' in a checkout that commits the state file as a link.
        using var temp = new TempDirectory();
        var victim = temp.CopyOfExampleState("victim.json");
        var state = temp.File("state.json");
        File.CreateSymbolicLink(state, victim);
        var before = File.ReadAllText(victim);

        // Act
        var apply = await CliRunner.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--emulator", state, "--auto-approve", "--journal", temp.File("journal.jsonl"));

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Contains($"the emulator state file {state} is a symbolic link", apply.Stderr);
        Assert.Equal(before, File.ReadAllText(victim));
    }

    [Fact]
    public void Write_ExistingFileWithoutOverwrite_RefusedAndLeftAsItWas()
    {
        // Arrange
        using var temp = new TempDirectory();
        var path = temp.Write("out.txt", "first");

        // Act
        var refused = Assert.Throws<ReconcilerException>(() => AtomicFile.WriteAllText(path, "second", overwrite: false));

        // Assert
        Assert.Contains("already exists", refused.Message, StringComparison.Ordinal);
        Assert.Equal("first", File.ReadAllText(path));
        Assert.Single(Directory.GetFileSystemEntries(temp.Path));
    }

    /// <summary>Makes <paramref name="link"/> a symbolic link to a file in the test bed's folder holding <see cref="Precious"/>; returns that file.</summary>
    private static string LinkToPrecious(CliTestBed bed, string link)
    {
        var victim = bed.Temp.Write("victim.bashrc", Precious);
        File.CreateSymbolicLink(link, victim);
        return victim;
    }
}
