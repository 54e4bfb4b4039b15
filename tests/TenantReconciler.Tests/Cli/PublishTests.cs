using System.Net;
using System.Xml.Linq;
using TenantReconciler.Tests.Watch;
using YamlDotNet.RepresentationModel;

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
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0-", baseImage);
        Assert.Equal("FROM " + baseImage, finalStage[0]);
        Assert.Contains("USER " + user, finalStage);
        Assert.Contains("EXPOSE " + port, finalStage);
        Assert.Contains("""ENTRYPOINT ["dotnet", "/app/tenant-reconciler.dll"]""", finalStage);
        Assert.Contains("CMD [" + string.Join(", ", defaultArgs.Select(a => '"' + a + '"')) + "]", finalStage);
        Assert.Equal(["watch", "--listen=0.0.0.0:" + port], defaultArgs);
        Assert.Matches("/" + repository + ":[^/]+$", image);
        Assert.Equal("watch", args[0]);
        Assert.Contains("--listen=0.0.0.0:" + port, args);
        Assert.Equal(user, ((YamlScalarNode)podSecurity.Children[new YamlScalarNode("runAsUser")]).Value);
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
