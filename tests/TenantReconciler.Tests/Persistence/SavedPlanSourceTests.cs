namespace TenantReconciler.Tests.Persistence;

/// <summary>
/// Issue 15, item 2: a saved plan never chooses its own desired files. Without <c>-f</c>, only recorded paths that are
/// relative and resolve inside the working directory (every link followed) are loaded.
/// </summary>
public sealed class SavedPlanSourceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Work => Directory.CreateDirectory(_temp.File("work")).FullName;

    [Fact]
    public void LoadDesired_RelativePathInsideTheWorkingDirectory_Loaded()
    {
        // Arrange
        var yaml = Write("work/tenants.yaml");
        var saved = Plan(new SourceFile("tenants.yaml", Hash(yaml)));

        // Act
        var desired = SavedPlanSource.LoadDesired(saved, "plan.json", null, Work);

        // Assert
        Assert.Equal(Hash(yaml), desired.Sha256);
    }

    [Fact]
    public void LoadDesired_RootedPathWithoutDashF_RefusedAndNotRead()
    {
        // Arrange: on 9aa6160 a plan made from any valid file on the host, by absolute path, was loaded from there.
        var elsewhere = Write("elsewhere/tenants.yaml");
        var saved = Plan(new SourceFile(elsewhere, Hash(elsewhere)));

        // Act
        var refused = Assert.Throws<ReconcilerException>(() => SavedPlanSource.LoadDesired(saved, "plan.json", null, Work));

        // Assert
        Assert.Contains("is not relative to the working directory", refused.Message, StringComparison.Ordinal);
        Assert.Contains("give them with -f", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../elsewhere/tenants.yaml")]
    [InlineData("sub/../../elsewhere/tenants.yaml")]
    public void LoadDesired_RelativePathThatClimbsOut_Refused(string recorded)
    {
        // Arrange
        var elsewhere = Write("elsewhere/tenants.yaml");
        Directory.CreateDirectory(Path.Combine(Work, "sub"));
        var saved = Plan(new SourceFile(recorded, Hash(elsewhere)));

        // Act
        var refused = Assert.Throws<ReconcilerException>(() => SavedPlanSource.LoadDesired(saved, "plan.json", null, Work));

        // Assert
        Assert.Contains("leads outside the working directory", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDesired_CommittedSymlinkLeadingOut_Refused()
    {
        // Arrange: the pull request commits tenants.yaml -> a file elsewhere on the runner.
        var elsewhere = Write("elsewhere/tenants.yaml");
        File.CreateSymbolicLink(Path.Combine(Work, "tenants.yaml"), elsewhere);
        var saved = Plan(new SourceFile("tenants.yaml", Hash(elsewhere)));

        // Act
        var refused = Assert.Throws<ReconcilerException>(() => SavedPlanSource.LoadDesired(saved, "plan.json", null, Work));

        // Assert
        Assert.Contains("leads outside the working directory", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDesired_DirectorySymlinkThenDotDot_FollowedAsTheFileSystemDoes()
    {
        // Arrange: "link/../tenants.yaml" is, for the file system, the file beside the link's target, outside.
        var elsewhere = Write("elsewhere/tenants.yaml");
        Directory.CreateDirectory(_temp.File("elsewhere/inner"));
        Directory.CreateSymbolicLink(Path.Combine(Work, "link"), _temp.File("elsewhere/inner"));
        var saved = Plan(new SourceFile("link/../tenants.yaml", Hash(elsewhere)));

        // Act
        var refused = Assert.Throws<ReconcilerException>(() => SavedPlanSource.LoadDesired(saved, "plan.json", null, Work));

        // Assert
        Assert.Contains("leads outside the working directory", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadDesired_SymlinkThatStaysInside_Loaded()
    {
        // Arrange
        var yaml = Write("work/stamps/east.yaml");
        File.CreateSymbolicLink(Path.Combine(Work, "tenants.yaml"), Path.Combine("stamps", "east.yaml"));
        var saved = Plan(new SourceFile("tenants.yaml", Hash(yaml)));

        // Act
        var desired = SavedPlanSource.LoadDesired(saved, "plan.json", null, Work);

        // Assert
        Assert.Equal(Hash(yaml), desired.Sha256);
    }

    [Fact]
    public void LoadDesired_RecordedPathOutsideButDashFGiven_TheDashFFileIsLoaded()
    {
        // Arrange
        var yaml = Write("checkout/tenants.yaml");
        var saved = Plan(new SourceFile("/somewhere/else/tenants.yaml", Hash(yaml)));

        // Act
        var desired = SavedPlanSource.LoadDesired(saved, "plan.json", [yaml], Work);

        // Assert
        Assert.Equal(Hash(yaml), desired.Sha256);
    }

    [Fact]
    public void Record_PathInsideTheWorkingDirectory_RecordedRelativeToIt()
    {
        // Arrange
        var inside = Write("work/tenants.yaml");
        var desired = DesiredStateLoader.Load(inside);

        // Act
        var source = SavedPlanSource.Record(desired, [inside], Work);

        // Assert
        Assert.Equal("tenants.yaml", Assert.Single(source.Files).Path);
    }

    [Fact]
    public void RealPath_LinkLoop_IOException()
    {
        // Arrange
        var a = Path.Combine(Work, "a");
        var b = Path.Combine(Work, "b");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);

        // Act, Assert
        Assert.Throws<IOException>(() => RealPath.Of(a));
    }

    private string Write(string relative)
    {
        var path = _temp.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, File.ReadAllText(RepoFiles.Path("tenants.yaml")));
        return path;
    }

    private static string Hash(string path) => FileHash.OfFile(path);

    private static SavedPlan Plan(params SourceFile[] files) => new()
    {
        FormatVersion = SavedPlan.CurrentFormatVersion,
        ToolVersion = "test",
        PlanId = Guid.NewGuid(),
        CreatedAt = DateTimeOffset.UnixEpoch,
        Source = new PlanSource(files),
        Target = new PlanTarget(AzureCloud.AzureCloud, "https://management.azure.com", "2017-06-01"),
        Registrations = [],
    };
}
