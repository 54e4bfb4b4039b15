namespace TenantReconciler.Tests.Watch;

public sealed class DesiredStateCacheTests
{
    [Fact]
    public void Load_FilesUnchanged_ReturnsTheStateParsedBeforeAndReparsesOnceTheyChange()
    {
        // Arrange
        using var temp = new Cli.TempDirectory();
        var file = temp.Write("tenants.yaml", WatchHarness.Yaml());
        var cache = new DesiredStateCache();

        // Act
        var first = cache.Load([file]);
        var unchanged = cache.Load([file]);
        File.WriteAllText(file, WatchHarness.Yaml("suspend: true"));
        var changed = cache.Load([file]);

        // Assert
        Assert.Same(first, unchanged);
        Assert.NotSame(first, changed);
        Assert.True(changed.Suspend);
        Assert.Equal(FileHash.Of(File.ReadAllBytes(file)), changed.Sha256);
    }

    [Fact]
    public void Load_FileBecomesInvalid_ThrowsAndForgetsTheOldState()
    {
        // Arrange
        using var temp = new Cli.TempDirectory();
        var file = temp.Write("tenants.yaml", WatchHarness.Yaml());
        var cache = new DesiredStateCache();
        cache.Load([file]);
        File.WriteAllText(file, "registrations: [ {name: }");

        // Act and assert
        Assert.Throws<DesiredStateException>(() => cache.Load([file]));
        File.WriteAllText(file, WatchHarness.Yaml());
        Assert.False(cache.Load([file]).Suspend);
    }
}
