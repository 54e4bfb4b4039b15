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
        Assert.Contains("examples/ci/github/drift.yml", files);
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

    [Theory]
    [InlineData("examples/ci/github/plan.yml")]
    [InlineData("examples/ci/github/apply.yml")]
    [InlineData("examples/ci/github/drift.yml")]
    public void GitHubWorkflow_SignsInWithGitHubActionsOidc_NoAzureLoginNoTokenFileNoSecret(string file)
    {
        // Arrange
        var text = File.ReadAllText(RepoFiles.Path(file));
        var commands = ToolCommands(file).Where(c => c.StartsWith("tenant-reconciler plan", StringComparison.Ordinal) || c.StartsWith("tenant-reconciler apply", StringComparison.Ordinal)).ToArray();

        // Assert: GitHub hands out its OIDC token by request; neither it nor azure/login writes a token file.
        Assert.NotEmpty(commands);
        Assert.All(commands, c => Assert.Contains("--auth github-actions", c, StringComparison.Ordinal));
        Assert.Contains("id-token: write", text, StringComparison.Ordinal);
        Assert.DoesNotContain("uses: azure/login", text, StringComparison.Ordinal);
        Assert.DoesNotContain("workload-identity", text, StringComparison.Ordinal);
        Assert.DoesNotContain("client-secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}", text, StringComparison.Ordinal);
        Assert.Contains("AZURE_TENANT_ID: ${{ vars.AZURE_TENANT_ID }}", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    public void Workflow_InstallsAPinnedVersionFromTheUsersFeed_PrereleaseOnlyForAPrereleaseVersion(string file)
    {
        // Arrange: TenantReconciler.Cli is on no public feed, and every untagged build is a prerelease.
        var text = File.ReadAllText(RepoFiles.Path(file));
        var installs = text.Split('\n').Where(l => l.Contains("dotnet tool install", StringComparison.Ordinal)).ToArray();

        // Assert
        Assert.NotEmpty(installs);
        Assert.All(installs, line => Assert.Contains("TenantReconciler.Cli --version \"$VERSION\"", line, StringComparison.Ordinal));
        Assert.All(installs, line => Assert.DoesNotContain(" --prerelease", line.Replace("\"${prerelease[@]}\"", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal));
        Assert.Contains("case \"$VERSION\" in *-*) prerelease=(--prerelease)", text, StringComparison.Ordinal);
        Assert.Matches(file.Contains("github", StringComparison.Ordinal) ? "VERSION: \\$\\{\\{ vars.TENANT_RECONCILER_VERSION \\}\\}" : "VERSION: \\$\\(tenantReconcilerVersion\\)", text);
        Assert.Matches(file.Contains("github", StringComparison.Ordinal) ? "dotnet nuget add source \"\\$FEED\"" : "--add-source \"\\$FEED\"", text);
    }

    [Fact]
    public void PlanWorkflow_StickyComment_FoundByAuthorAndMarkerOnEveryPage()
    {
        // Arrange
        var step = Step("examples/ci/github/plan.yml", "Post or update the sticky comment");

        // Assert: anyone can paste the marker; a busy pull request has more than one page of comments.
        Assert.Contains("gh api --paginate \"repos/$REPO/issues/$PR/comments?per_page=100\"", step, StringComparison.Ordinal);
        Assert.Contains("select(.user.login == env.AUTHOR and (.body | startswith(env.MARKER)))", step, StringComparison.Ordinal);
        Assert.Contains("AUTHOR: github-actions[bot]", step, StringComparison.Ordinal);
        Assert.Contains("MARKER: \"<!-- tenant-reconciler:plan -->\"", step, StringComparison.Ordinal);
        Assert.Contains("gh api -X PATCH \"repos/$REPO/issues/comments/$id\" -F body=@plan.md", step, StringComparison.Ordinal);
        Assert.DoesNotContain("[0].id", step, StringComparison.Ordinal);
    }

    [Fact]
    public void DriftWorkflow_ScheduledDetailedExitCode_OneIssueFoundByAuthorAndMarkerOpenedUpdatedOrClosed()
    {
        // Arrange
        var text = File.ReadAllText(RepoFiles.Path("examples/ci/github/drift.yml"));
        var step = Step("examples/ci/github/drift.yml", "Open, update or close the drift issue");

        // Assert
        Assert.Contains("schedule:\n    - cron: ", text, StringComparison.Ordinal);
        Assert.Contains(ToolCommands("examples/ci/github/drift.yml"), c => c.StartsWith("tenant-reconciler plan", StringComparison.Ordinal) && c.Contains("--detailed-exitcode", StringComparison.Ordinal));
        Assert.Contains("gh api --paginate \"repos/$REPO/issues?state=open&per_page=100\"", step, StringComparison.Ordinal);
        Assert.Contains(".user.login == env.AUTHOR and ((.body // \"\") | startswith(env.MARKER))", step, StringComparison.Ordinal);
        Assert.Contains("if [ \"$CODE\" = \"2\" ]", step, StringComparison.Ordinal);
        Assert.Contains("-f state=closed", step, StringComparison.Ordinal);
        Assert.Contains("gh api -X PATCH \"repos/$REPO/issues/$number\" -F body=@issue.md", step, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanAndApplyWorkflows_OneBlobJournal_ThePlanIssuedWhereApplyClaimsIt()
    {
        // Arrange
        string JournalOf(string file) => ToolCommands(file)
            .Select(c => Arguments(c))
            .Where(a => a.Contains("--journal"))
            .Select(a => a[Array.IndexOf(a, "--journal") + 1].Trim('"'))
            .Single();

        // Act
        var planned = JournalOf("examples/ci/github/plan.yml");
        var applied = JournalOf("examples/ci/github/apply.yml");

        // Assert: single-use across runners, and never two applies at once.
        Assert.StartsWith("https://", planned, StringComparison.Ordinal);
        Assert.Equal(planned, applied);
        Assert.Contains("cancel-in-progress: false", File.ReadAllText(RepoFiles.Path("examples/ci/github/apply.yml")), StringComparison.Ordinal);
    }

    [Fact]
    public void AzurePipelines_SignsInWithAzurePipelinesAndPostsOneStickyThreadByAuthorAndMarker()
    {
        // Arrange
        var text = File.ReadAllText(RepoFiles.Path("examples/ci/azure-pipelines/azure-pipelines.yml"));
        var step = Step("examples/ci/azure-pipelines/azure-pipelines.yml", "Post or update the sticky pull-request thread");

        // Assert
        Assert.All(ToolCommands("examples/ci/azure-pipelines/azure-pipelines.yml").Where(c => !c.Contains(" validate ", StringComparison.Ordinal)),
            c => Assert.Contains("--auth azure-pipelines", c, StringComparison.Ordinal));
        Assert.DoesNotContain("client-secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("/pullRequests/${PR}/threads", step, StringComparison.Ordinal);
        Assert.Contains("_apis/connectionData", step, StringComparison.Ordinal);
        Assert.Contains("(.comments[0].author.id // \"\") == $me and ((.comments[0].content // \"\") | startswith($marker))", step, StringComparison.Ordinal);
        Assert.Contains("-X PATCH --data-binary @- \"$api/$thread/comments/1?api-version=7.1\"", step, StringComparison.Ordinal);
        Assert.Contains("Why this stage re-plans", text, StringComparison.Ordinal);
    }

    /// <summary>Every <c>tenant-reconciler …</c> command line of a workflow file.</summary>
    private static string[] ToolCommands(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(RepoFiles.Path(file)))
        {
            stream.Load(reader);
        }

        return Scalars(stream.Documents[0].RootNode).SelectMany(CommandLines).ToArray();
    }

    /// <summary>
    /// The text of the step named <paramref name="name"/> (GitHub's <c>name</c>, Azure Pipelines' <c>displayName</c>),
    /// from its <c>- </c> line to the next line as little indented: what a user copies.
    /// </summary>
    private static string Step(string file, string name)
    {
        var lines = File.ReadAllLines(RepoFiles.Path(file));
        var at = Array.FindIndex(lines, l => l.Trim().TrimStart('-').Trim() is var t && (t == $"name: {name}" || t == $"displayName: {name}"));
        Assert.True(at >= 0, $"{file} has no step '{name}'");
        static int Indent(string line) => line.Length - line.TrimStart().Length;
        var start = at;
        while (!(lines[start].TrimStart().StartsWith("- ", StringComparison.Ordinal) && (start == at || Indent(lines[start]) < Indent(lines[at]))))
        {
            start--;
        }

        var end = start + 1;
        while (end < lines.Length && (lines[end].Trim().Length == 0 || Indent(lines[end]) > Indent(lines[start])))
        {
            end++;
        }

        return string.Join("\n", lines[start..end]);
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
