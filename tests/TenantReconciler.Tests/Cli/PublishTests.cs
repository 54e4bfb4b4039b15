using System.Net;
using TenantReconciler.Tests.Watch;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// What the container image holds: the <c>dotnet publish -c Release</c> output of the CLI, run from its own folder as
/// the image's entrypoint runs it. (The image itself needs a base image pull, which this machine cannot do.)
/// </summary>
[Collection(ShippingCollection.Name)]
public sealed class PublishTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Publish_WatchFromPublishFolder_AnswersHealthzAndExitsZeroOnSigterm()
    {
        // Arrange: publish as the image build does, then a working folder with the desired file and the emulator's state.
        var publish = Directory.CreateDirectory(_temp.File("publish")).FullName;
        var published = await ChildProcess.DotnetAsync(
            RepoFiles.Root, "publish", RepoFiles.Path("src/TenantReconciler.Cli"), "-c", "Release", "-o", publish, "--no-restore", "--disable-build-servers", "-nologo");
        Assert.True(published.ExitCode == 0, published.ToString());
        var work = Directory.CreateDirectory(_temp.File("work")).FullName;
        File.Copy(RepoFiles.Path("tenants.yaml"), Path.Combine(work, "tenants.yaml"));
        File.Copy(RepoFiles.Path("examples/emulator-state.json"), Path.Combine(work, "emulator-state.json"));

        using var watch = WatchProcess.StartExecutable(
            Path.Combine(publish, "tenant-reconciler"), work, ChildProcess.DotnetRoot,
            "--emulator", "emulator-state.json", "-f", "tenants.yaml", "--listen", "127.0.0.1:0", "--mode", "observe", "--interval", "1h");
        var address = await watch.ListeningAsync();

        // Act
        using var http = new HttpClient { BaseAddress = address };
        using var healthz = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        watch.Terminate();
        var exitCode = await watch.WaitForExitAsync(TimeSpan.FromMinutes(2));

        // Assert
        Assert.True(healthz.StatusCode == HttpStatusCode.OK, watch.Stderr);
        Assert.True(exitCode == 0, watch.Stderr);
    }
}
