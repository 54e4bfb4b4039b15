using System.Xml.Linq;
using TenantReconciler.Tests.Watch;
using YamlDotNet.RepresentationModel;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The framework-dependent build (the tool package's fallback, <c>-p:PublishAot=false</c>) run from its publish folder,
/// and the container settings. The native build, which the image holds, is published and run end to end by
/// .ci/aot-smoke.sh. (The image itself needs a base image pull, which this machine cannot do.)
/// </summary>
[Collection(ShippingCollection.Name)]
public sealed class PublishTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PublishFrameworkDependent_WatchFromPublishFolder_AnswersHealthzAndExitsZeroOnSigterm()
    {
        // Arrange: the framework-dependent publish, then a working folder with the desired file and the emulator's state.
        var publish = Directory.CreateDirectory(_temp.File("publish")).FullName;
        var published = await ChildProcess.DotnetAsync(
            RepoFiles.Root, "publish", RepoFiles.Path("src/TenantReconciler.Cli"), "-c", "Release", "-p:PublishAot=false", "-o", publish, "--disable-build-servers", "-nologo");
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

    [Fact]
    public void ContainerSettings_DockerfileAndKubernetesDeployment_MatchTheProjectsImage()
    {
        // Arrange: the SDK container settings of the CLI project, the Dockerfile's final stage, the example Deployment.
        var project = XDocument.Load(RepoFiles.Path("src/TenantReconciler.Cli/TenantReconciler.Cli.csproj"));
        string Property(string name) => Assert.Single(project.Descendants(name)).Value;
        var dockerfile = File.ReadAllLines(RepoFiles.Path("Dockerfile")).Select(l => l.Trim()).ToArray();
        var finalStage = dockerfile[Array.FindLastIndex(dockerfile, l => l.StartsWith("FROM ", StringComparison.Ordinal))..];
        var pod = PodSpec(RepoFiles.Path("examples/kubernetes/deployment.yaml"));
        var container = ((YamlSequenceNode)pod.Children[new YamlScalarNode("containers")]).Children.Cast<YamlMappingNode>()
            .Single(c => ((YamlScalarNode)c.Children[new YamlScalarNode("name")]).Value == "tenant-reconciler");

        // Act
        var repository = Property("ContainerRepository");
        var baseImage = Property("ContainerBaseImage");
        var user = Property("ContainerUser");
        var port = Assert.Single(project.Descendants("ContainerPort")).Attribute("Include")!.Value;
        var defaultArgs = Assert.Single(project.Descendants("ContainerDefaultArgs")).Attribute("Include")!.Value.Split(';');
        var image = ((YamlScalarNode)container.Children[new YamlScalarNode("image")]).Value!;
        var args = ((YamlSequenceNode)container.Children[new YamlScalarNode("args")]).Children.Select(a => ((YamlScalarNode)a).Value).ToArray();
        var podSecurity = (YamlMappingNode)pod.Children[new YamlScalarNode("securityContext")];

        // Assert: one image, whichever way it is built, and the Deployment runs that image the way it is built.
        Assert.Equal("tenant-reconciler", repository);
        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime-deps:10.0-", baseImage);
        Assert.EndsWith("-chiseled", baseImage, StringComparison.Ordinal);
        Assert.Equal("FROM " + baseImage, finalStage[0]);
        Assert.Contains("USER " + user, finalStage);
        Assert.Contains("EXPOSE " + port, finalStage);
        Assert.Contains("""ENTRYPOINT ["/app/tenant-reconciler"]""", finalStage);
        Assert.Contains("COPY --from=build /app/tenant-reconciler ./", finalStage);
        Assert.Contains(dockerfile, l => l.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0-", StringComparison.Ordinal) && l.Contains("-aot AS build", StringComparison.Ordinal));
        Assert.Equal("true", Property("PublishAot"));
        Assert.Contains("CMD [" + string.Join(", ", defaultArgs.Select(a => '"' + a + '"')) + "]", finalStage);
        Assert.Equal(["watch", "--listen=0.0.0.0:" + port], defaultArgs);
        Assert.Matches("/" + repository + ":[^/]+$", image);
        Assert.Equal("watch", args[0]);
        Assert.Contains("--listen=0.0.0.0:" + port, args);
        Assert.Equal(user, ((YamlScalarNode)podSecurity.Children[new YamlScalarNode("runAsUser")]).Value);
    }

    [Fact]
    public async Task ContainerConfig_AsTheSdkComputesIt_RunsTheNativeExecutableAsTheAppUser()
    {
        // Arrange: the SDK's own container configuration for a linux-x64 publish (offline: no base image is fetched).
        var result = await ChildProcess.DotnetAsync(
            RepoFiles.Root, "msbuild", RepoFiles.Path("src/TenantReconciler.Cli"), "-t:ComputeContainerConfig", "-p:Configuration=Release", "-p:RuntimeIdentifier=linux-x64",
            "-getProperty:ContainerBaseImage", "-getProperty:ContainerUser", "-getItem:ContainerAppCommand", "-getItem:ContainerAppCommandArgs", "-getItem:ContainerDefaultArgs", "-nologo");
        Assert.True(result.ExitCode == 0, result.ToString());

        // Act
        using var config = System.Text.Json.JsonDocument.Parse(result.Stdout);
        string Property(string name) => config.RootElement.GetProperty("Properties").GetProperty(name).GetString()!;
        string[] Items(string name) => config.RootElement.GetProperty("Items").TryGetProperty(name, out var items)
            ? items.EnumerateArray().Select(i => i.GetProperty("Identity").GetString()!).ToArray()
            : [];

        // Assert: ENTRYPOINT ["/app/tenant-reconciler"] on runtime-deps, CMD the service, as the Dockerfile says.
        Assert.Equal("mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled", Property("ContainerBaseImage"));
        Assert.Equal("1654", Property("ContainerUser"));
        Assert.Equal(["/app/tenant-reconciler"], Items("ContainerAppCommand"));
        Assert.Empty(Items("ContainerAppCommandArgs"));
        Assert.Equal(["watch", "--listen=0.0.0.0:8080"], Items("ContainerDefaultArgs"));
    }

    private static YamlMappingNode PodSpec(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var deployment = stream.Documents.Select(d => (YamlMappingNode)d.RootNode)
            .Single(d => ((YamlScalarNode)d.Children[new YamlScalarNode("kind")]).Value == "Deployment");
        var template = (YamlMappingNode)((YamlMappingNode)deployment.Children[new YamlScalarNode("spec")]).Children[new YamlScalarNode("template")];
        return (YamlMappingNode)template.Children[new YamlScalarNode("spec")];
    }
}
