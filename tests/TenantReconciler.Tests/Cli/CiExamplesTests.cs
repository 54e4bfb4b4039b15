using System.Text.RegularExpressions;
using TenantReconciler.Cli;
using TenantReconciler.Cli.Commands;
using YamlDotNet.RepresentationModel;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The CI examples cannot drift from the tool: every <c>tenant-reconciler …</c> command line in every workflow file
/// parses against the real command tree with no error, no unknown option and no missing argument.
/// </summary>
public sealed partial class CiExamplesTests
{
    public static TheoryData<string> WorkflowFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepoFiles.Path("examples/ci"), "*.yml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoFiles.Path("."), file).Replace('\\', '/'));
        }

        return data;
    }

    [Fact]
    public void Examples_GitHubAndAzurePipelines_AreAllThere()
    {
        // Assert
        var files = Directory.EnumerateFiles(RepoFiles.Path("examples/ci"), "*.yml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoFiles.Path("."), f).Replace('\\', '/'))
            .ToArray();
        Assert.Contains("examples/ci/github/plan.yml", files);
        Assert.Contains("examples/ci/github/apply.yml", files);
        Assert.Contains("examples/ci/azure-pipelines/azure-pipelines.yml", files);
    }

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    public void Workflow_EveryTenantReconcilerCommand_ParsesAgainstTheRealCommandTree(string file)
    {
        // Arrange
        var stream = new YamlStream();
        using (var reader = new StreamReader(RepoFiles.Path(file)))
        {
            stream.Load(reader);
        }

        var commands = Scalars(stream.Documents[0].RootNode).SelectMany(CommandLines).ToArray();
        var root = CommandLine.Build(new IOContext(TextWriter.Null, TextWriter.Null, TextReader.Null, false), _ => throw new InvalidOperationException("parse only"));

        // Act and assert
        Assert.NotEmpty(commands);
        foreach (var command in commands)
        {
            var result = root.Parse(Arguments(command));
            Assert.True(result.Errors.Count == 0, $"{file}: '{command}': {string.Join("; ", result.Errors.Select(e => e.Message))}");
            Assert.True(result.UnmatchedTokens.Count == 0, $"{file}: '{command}': unmatched {string.Join(" ", result.UnmatchedTokens)}");
        }
    }

    [Fact]
    public void Workflows_UseFederatedCredentialsAndTheBlobJournal()
    {
        // Arrange
        var github = File.ReadAllText(RepoFiles.Path("examples/ci/github/apply.yml"));
        var pipelines = File.ReadAllText(RepoFiles.Path("examples/ci/azure-pipelines/azure-pipelines.yml"));

        // Assert: no stored secret, single-use across runners, never two applies at once.
        Assert.Contains("--auth workload-identity", github);
        Assert.Contains("--journal https://", github);
        Assert.Contains("cancel-in-progress: false", github);
        Assert.Contains("--auth azure-pipelines", pipelines);
        Assert.DoesNotContain("client-secret", github + pipelines, StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<string> Scalars(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value is { } value ? [value] : [],
        YamlSequenceNode sequence => sequence.Children.SelectMany(Scalars),
        YamlMappingNode mapping => mapping.Children.SelectMany(kv => Scalars(kv.Value)),
        _ => [],
    };

    /// <summary>Each shell line (continuations joined) that runs the tool, without its redirections.</summary>
    private static IEnumerable<string> CommandLines(string script)
    {
        var joined = script.Replace("\\\n", " ", StringComparison.Ordinal);
        foreach (var raw in joined.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith("tenant-reconciler ", StringComparison.Ordinal))
            {
                continue;
            }

            yield return Redirection().Replace(line, string.Empty).Trim();
        }
    }

    /// <summary>Shell-like splitting; CI expressions (<c>${{ … }}</c>, <c>$(…)</c>) stand for one value each.</summary>
    private static string[] Arguments(string command)
    {
        var withoutExpressions = Expression().Replace(command, "VALUE");
        return withoutExpressions.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
    }

    [GeneratedRegex(@"\s\d?>\s*\S+")]
    private static partial Regex Redirection();

    [GeneratedRegex(@"\$\{\{[^}]*\}\}|\$\([^)]*\)")]
    private static partial Regex Expression();
}
