using YamlDotNet.RepresentationModel;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Issue 15, /status exposure: the container listens on 0.0.0.0:8080 for the kubelet's probes, so the Kubernetes
/// example admits only the scraper and the nodes to that port, on the Deployment's own pods.
/// </summary>
public sealed class KubernetesNetworkPolicyTests
{
    [Fact]
    public void NetworkPolicy_SelectsTheDeploymentsPodsAndAdmitsOnlyThePrometheusPodsAndTheNodesToPort8080()
    {
        // Arrange
        var policy = Document("examples/kubernetes/networkpolicy.yaml", "NetworkPolicy");
        var deployment = Document("examples/kubernetes/deployment.yaml", "Deployment");

        // Act
        var spec = Map(policy, "spec");
        var podLabels = Map(Map(Map(Map(deployment, "spec"), "template"), "metadata"), "labels");
        var rules = Seq(spec, "ingress").Cast<YamlMappingNode>().ToArray();

        // Assert
        Assert.Equal(Scalar(Map(policy, "metadata"), "namespace"), Scalar(Map(deployment, "metadata"), "namespace"));
        Assert.All(Map(Map(spec, "podSelector"), "matchLabels").Children, l => Assert.Equal(l.Value, podLabels.Children[l.Key]));
        Assert.Equal(["Ingress"], Seq(spec, "policyTypes").Select(t => ((YamlScalarNode)t).Value));
        var rule = Assert.Single(rules);
        Assert.Equal("8080", Scalar((YamlMappingNode)Assert.Single(Seq(rule, "ports")), "port"));
        var from = Seq(rule, "from").Cast<YamlMappingNode>().ToArray();
        Assert.Equal(2, from.Length);
        Assert.Contains(from, f => f.Children.ContainsKey(new YamlScalarNode("namespaceSelector")) && f.Children.ContainsKey(new YamlScalarNode("podSelector")));
        Assert.Contains(from, f => f.Children.ContainsKey(new YamlScalarNode("ipBlock")));
    }

    private static YamlMappingNode Document(string path, string kind)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(RepoFiles.Path(path)))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).Single(d => Scalar(d, "kind") == kind);
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static IEnumerable<YamlNode> Seq(YamlMappingNode node, string key) => ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children;

    private static string? Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value;
}
