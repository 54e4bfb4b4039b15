namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The tool as a user gets it: its version, then packed, installed from a local folder feed into a tool path, and run
/// from there. Slow (Release packs), so one class in the non-parallel shipping collection.
/// </summary>
[Collection(ShippingCollection.Name)]
public sealed class InstallTests : IDisposable
{
    private const string PackageId = "TenantReconciler.Cli";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Version_BuiltTool_PrintsToolInfoVersionWhichIsSemVer()
    {
        // Arrange: the CLI built beside the tests (the entry assembly decides what --version prints, so a real process).
        var dll = Path.Combine(AppContext.BaseDirectory, "tenant-reconciler.dll");

        // Act
        var result = await ChildProcess.DotnetAsync(_temp.Path, dll, "--version");

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ToolInfo.Version, result.Stdout.Trim());
        Assert.Matches(Shipping.SemVer(), ToolInfo.Version);
    }

    [Fact]
    public async Task Install_PlatformWithoutANativePackage_GetsTheFrameworkDependentBuildAndRunsVersionAndPlan()
    {
        // Arrange: the tool package as a platform with no native build sees it: a pointer package that lists only the
        // framework-dependent fallback ('any'), and that fallback. (The native linux-x64 package is packed, installed
        // and run end to end by .ci/aot-smoke.sh: a Native AOT publish takes minutes.) A folder feed, and a NuGet
        // config that knows only that feed (no mirror, no nuget.org).
        var feed = Directory.CreateDirectory(_temp.File("feed")).FullName;
        var pointer = await ChildProcess.DotnetAsync(
            RepoFiles.Root, "pack", RepoFiles.Path("src/TenantReconciler.Cli"), "-c", "Release", "-o", feed, "-p:ToolPackageRuntimeIdentifiers=any", "--disable-build-servers", "-nologo");
        Assert.True(pointer.ExitCode == 0, pointer.ToString());
        var fallback = await ChildProcess.DotnetAsync(
            RepoFiles.Root, "pack", RepoFiles.Path("src/TenantReconciler.Cli"), "-c", "Release", "-r", "any", "-p:PublishAot=false", "-o", feed, "--disable-build-servers", "-nologo");
        Assert.True(fallback.ExitCode == 0, fallback.ToString());
        var package = Assert.Single(Directory.GetFiles(feed, PackageId + ".*.nupkg"), p => !Path.GetFileName(p).StartsWith(PackageId + ".any.", StringComparison.Ordinal));
        var version = Path.GetFileNameWithoutExtension(package)[(PackageId.Length + 1)..];
        Assert.True(File.Exists(Path.Combine(feed, $"{PackageId}.any.{version}.nupkg")));
        var config = _temp.Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        var tools = _temp.File("tools");
        // A package folder of its own: a cached package of the same version from an earlier run cannot stand in for this one.
        var install = await ChildProcess.RunAsync(
            ChildProcess.Dotnet,
            ["tool", "install", PackageId, "--tool-path", tools, "--version", version, "--configfile", config, "--add-source", feed, "--ignore-failed-sources"],
            new ChildOptions { WorkingDirectory = _temp.Path, Environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = _temp.File("packages") }, NestedDotnet = true });
        Assert.True(install.ExitCode == 0, install.ToString());

        var work = Directory.CreateDirectory(_temp.File("work")).FullName;
        File.Copy(RepoFiles.Path("tenants.yaml"), Path.Combine(work, "tenants.yaml"));
        File.Copy(RepoFiles.Path("examples/emulator-state.json"), Path.Combine(work, "emulator-state.json"));
        var tool = Path.Combine(tools, "tenant-reconciler");
        var runtime = new ChildOptions { WorkingDirectory = work, Environment = ChildProcess.DotnetRoot, NestedDotnet = true };

        // Act
        var printed = await ChildProcess.RunAsync(tool, ["--version"], runtime);
        var plan = await ChildProcess.RunAsync(tool, ["plan", "--emulator", "emulator-state.json", "-f", "tenants.yaml", "--out", "plan.json"], runtime);

        // Assert: the framework-dependent build was installed (its assembly, run by the dotnet host)...
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(tools, ".store"), "tenant-reconciler.dll", SearchOption.AllDirectories));

        // ...the package's version is the one the installed tool prints, and the one its saved plan records.
        Assert.True(printed.ExitCode == 0, printed.ToString());
        Assert.Equal(version, printed.Stdout.Trim());
        Assert.Matches(Shipping.SemVer(), version);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("Plan: 2 to add, 2 to overwrite, 1 to remove, 2 unchanged.", plan.Stdout);
        using var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(work, "plan.json")));
        Assert.Equal(version, saved.RootElement.GetProperty("toolVersion").GetString());
    }
}
