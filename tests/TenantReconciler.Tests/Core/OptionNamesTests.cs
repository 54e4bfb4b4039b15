using System.CommandLine;
using TenantReconciler.Cli.Commands;
using TenantReconciler.Cli.Commands.Options;

namespace TenantReconciler.Tests.Core;

/// <summary>
/// Core messages name a setting as data (<see cref="UserOption"/>); the CLI spells it (<see cref="OptionNames"/>).
/// </summary>
public sealed partial class OptionNamesTests
{
    [Fact]
    public void CoreSource_StringLiterals_NameNoCommandLineFlag()
    {
        // Arrange
        var core = RepoFiles.Path(Path.Combine("src", "TenantReconciler"));
        var files = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToArray();

        // Act: every string literal (plain, verbatim or interpolated) on a line that is not a comment.
        var found = (
            from file in files
            from line in File.ReadLines(file).Select((text, index) => (Text: text, Number: index + 1))
            where !line.Text.TrimStart().StartsWith("//", StringComparison.Ordinal)
            from Match literal in StringLiteral().Matches(line.Text)
            where Flag().IsMatch(literal.Value)
            select $"{Path.GetRelativePath(core, file)}:{line.Number}: {literal.Value}").ToArray();

        // Assert
        Assert.NotEmpty(files);
        Assert.True(found.Length == 0, "core names command-line flags (use UserOption and let the CLI spell it):\n" + string.Join('\n', found));
    }

    [Fact]
    public void NameOf_EveryUserOption_IsAnOptionOfTheCommandLine()
    {
        // Arrange
        var root = CommandLine.Build(new IOContext(TextWriter.Null, TextWriter.Null, TextReader.Null, false), _ => throw new InvalidOperationException("parse only"));
        var offered = Commands(root).SelectMany(c => c.Options).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);

        foreach (var option in Enum.GetValues<UserOption>())
        {
            // Act: "--force", or "plan --out": the flag is the first word that starts with a dash.
            var spelled = OptionNames.Instance.NameOf(option);
            var flag = spelled.Split(' ').First(w => w.StartsWith('-'));

            // Assert
            Assert.True(offered.Contains(flag), $"{option} is spelled '{spelled}', and no command offers {flag}.");
        }
    }

    [Fact]
    public void Spell_SentenceWithSettings_ReadsAsTheCommandLineGivesThem()
    {
        // Arrange
        var count = 7;
        var text = OptionText.Of($"pass {UserOption.ConfirmRemovals} {count}, or {UserOption.AllowEmpty}");

        // Act
        var spelled = OptionNames.Spell(text);
        var neutral = text.ToString();

        // Assert
        Assert.Equal("pass --confirm-removals 7, or --allow-empty", spelled);
        Assert.Equal("pass {ConfirmRemovals} 7, or {AllowEmpty}", neutral);
        Assert.Equal([UserOption.ConfirmRemovals, UserOption.AllowEmpty], text.Options);
    }

    [Fact]
    public void WriteError_ExceptionNamingASetting_PrintsTheFlag()
    {
        // Arrange
        var error = new StringWriter();
        var e = new ReconcilerException(OptionText.Of($"x already exists. Give {UserOption.Force} to replace it."));

        // Act
        CommandBoundary.WriteError(error, e);

        // Assert
        Assert.Equal("Error: x already exists. Give --force to replace it." + Environment.NewLine, error.ToString());
        Assert.Equal("x already exists. Give {Force} to replace it.", e.Message);
    }

    private static IEnumerable<Command> Commands(Command command) => command.Subcommands.SelectMany(Commands).Prepend(command);

    [GeneratedRegex(@"\$?@?""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("(?<![-a-z])--[a-z][a-z-]*")]
    private static partial Regex Flag();
}
