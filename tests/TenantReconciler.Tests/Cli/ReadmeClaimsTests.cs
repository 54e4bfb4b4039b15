using System.CommandLine;
using TenantReconciler.Cli.Commands;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The README's command list and exit-code table, held to the command tree and <see cref="ExitCodes"/>: every command
/// is listed, every option a row names exists on that command, and every exit code is explained.
/// </summary>
public sealed partial class ReadmeClaimsTests
{
    private static readonly RootCommand Root =
        CommandLine.Build(new IOContext(TextWriter.Null, TextWriter.Null, TextReader.Null, false), _ => throw new InvalidOperationException("parse only"));

    [Fact]
    public void ReadmeCommandTable_EveryCommandListedAndEveryOptionItNamesExists()
    {
        // Arrange
        var rows = Section("## Commands").Split('\n').Where(l => l.StartsWith("| `tenant-reconciler ", StringComparison.Ordinal)).ToArray();

        // Act
        var listed = rows.Select(r => r.Split(' ')[2].TrimEnd('`')).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var row in rows)
        {
            var usage = row.Split(" | ")[0];
            var command = Root.Subcommands.Single(c => c.Name == row.Split(' ')[2].TrimEnd('`'));
            foreach (Match option in OptionName().Matches(usage))
            {
                if (!command.Options.Any(o => o.Name == option.Value || o.Aliases.Contains(option.Value)))
                {
                    problems.Add($"{command.Name} has no {option.Value}");
                }
            }
        }

        // Assert
        Assert.Equal(Root.Subcommands.Select(c => c.Name).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Empty(problems);
    }

    [Fact]
    public void ReadmeExitCodeTable_ExplainsEveryExitCode()
    {
        // Arrange
        var codes = typeof(ExitCodes).GetFields().Select(f => (int)f.GetValue(null)!).Order().ToArray();

        // Act
        var rows = Section("### Exit codes").Split('\n')
            .Select(l => ExitCodeRow().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();

        // Assert
        Assert.Equal(codes, rows);
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("apply")]
    [InlineData("tenants")]
    [InlineData("watch")]
    public void RegistrationOption_OnEveryCommandTheReadmeSays(string name)
    {
        // Act
        var command = Root.Subcommands.Single(c => c.Name == name);

        // Assert
        Assert.Contains(command.Options, o => o.Name == "--registration");
    }

    private static string Section(string heading)
    {
        var readme = File.ReadAllText(RepoFiles.Path("README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = readme.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '{heading}'");
        var level = heading.TakeWhile(c => c == '#').Count();
        var end = Regex.Match(readme[(start + heading.Length + 2)..], $"\n#{{1,{level}}} ").Index;
        return readme.Substring(start, end == 0 ? readme.Length - start : end + heading.Length + 2);
    }

    [GeneratedRegex(@"(?<![\w-])--[a-z][a-z-]*")]
    private static partial Regex OptionName();

    [GeneratedRegex(@"^\| (\d+) \|")]
    private static partial Regex ExitCodeRow();
}
