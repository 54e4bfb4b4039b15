using static TenantReconciler.Tests.Cli.TerminalTestSupport;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The built CLI under a real pseudo-terminal: util-linux <c>script -qc COMMAND /dev/null</c> (Debian's essential
/// bsdutils) gives it a terminal on stdin, stdout and stderr, and copies what it draws to our stdout.
/// <para>
/// .NET writes the terminal's keypad mode (terminfo <c>smkx</c>, <c>ESC[?1h ESC=</c>) the first time System.Console is
/// used on a terminal; when the output is plain the tool writes its standard streams without System.Console, so plain
/// output under a terminal has no escape sequence at all.
/// </para>
/// </summary>
public sealed class TerminalPtyTests
{
    private const string DotNetKeypadMode = "\u001b[?1h\u001b=";

    [Fact]
    public async Task Plan_UnderAPseudoTerminal_TerraformColoursAndASummaryTable()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var result = await UnderPtyAsync(TerminalEndToEndTests.TerminalEnvironment(), ["plan", "-f", RepoFiles.Path("tenants.yaml"), .. bed.Connection]);

        // Assert
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(ColouredSymbol('+', "add"), result.Stdout);
        Assert.Matches(ColouredSymbol('~', "overwrite"), result.Stdout);
        Assert.Matches(ColouredSymbol('-', "remove"), result.Stdout);
        Assert.Contains("╭", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("│ azurestack-8f3e1b2c ", StripAnsi(result.Stdout), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM", "dumb")]
    [InlineData("CI", "true")]
    public async Task Plan_UnderAPseudoTerminalWithDumbOrCi_ThePlainPlanByteForByteWithNoEscape(string name, string value)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var args = new[] { "plan", "-f", RepoFiles.Path("tenants.yaml") }.Concat(bed.Connection).ToArray();
        var plain = await CliRunner.RunAsync(args);

        // Act
        var result = await UnderPtyAsync(TerminalEndToEndTests.TerminalEnvironment((name, value)), args);

        // Assert: the terminal turns \n into \r\n; nothing else differs, and no escape at all (not even .NET's keypad mode).
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(DotNetKeypadMode, result.Stdout, StringComparison.Ordinal);
        var text = result.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.False(HasEscape(text), text);
        Assert.Equal(plain.Stdout + plain.Stderr, text);
    }

    [Theory]
    [InlineData("plan")]
    [InlineData("apply")]
    public async Task Command_UnderAPseudoTerminalWithNoColor_TableAndProgressWithoutColour(string command)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        string[] args = command == "plan"
            ? ["plan", "-f", RepoFiles.Path("tenants.yaml"), .. bed.Connection]
            : ["apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--journal", bed.Journal, .. bed.Connection];

        // Act
        var result = await UnderPtyAsync(TerminalEndToEndTests.TerminalEnvironment(("NO_COLOR", "1")), args);

        // Assert: no colour (no SGR 30-37, 38, 90-97); the table, and for apply the bar, still drawn.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotMatch(@"\u001b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m", result.Stdout);
        Assert.Contains("╭", result.Stdout, StringComparison.Ordinal);
        if (command == "apply")
        {
            Assert.Contains("━", result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Apply_UnderAPseudoTerminal_ProgressBarThenThePlainReport()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var result = await UnderPtyAsync(
            TerminalEndToEndTests.TerminalEnvironment(),
            ["apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--journal", bed.Journal, .. bed.Connection]);

        // Assert: the cursor is hidden, the bar drawn and left on its last state, the cursor shown, then the report.
        Assert.True(result.ExitCode == 0, result.ToString());
        var output = result.Stdout;
        var hidden = output.IndexOf("\u001b[?25l", StringComparison.Ordinal);
        var shown = output.LastIndexOf("\u001b[?25h", StringComparison.Ordinal);
        var report = output.IndexOf("Apply complete! 2 added, 2 overwritten, 1 removed", StringComparison.Ordinal);
        Assert.True(hidden >= 0 && hidden < shown && shown < report, output);
        Assert.Contains("100% 5 done, 0 failed, 0 left", StripAnsi(output[hidden..shown]), StringComparison.Ordinal);
        Assert.Contains("━", output[hidden..shown], StringComparison.Ordinal);
    }

    /// <summary>Runs the built CLI under <c>script</c>; its stdout is everything the terminal received.</summary>
    internal static Task<CliResult> UnderPtyAsync(IReadOnlyDictionary<string, string?> environment, IReadOnlyList<string> args)
    {
        Assert.True(File.Exists("/usr/bin/script"), "util-linux 'script' (Debian's bsdutils) is needed: apt-get install bsdutils");
        var command = string.Join(' ', new[] { "dotnet", ChildProcess.CliDll }.Concat(args).Select(Quote));
        return ChildProcess.RunAsync("/usr/bin/script", ["-qec", command, "/dev/null"], new ChildOptions { Environment = environment });
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The legend line of <paramref name="symbol"/>, with the symbol alone in a foreground colour.</summary>
    private static Regex ColouredSymbol(char symbol, string word) => new($"  \u001b\\[[0-9;]+m{Regex.Escape(symbol.ToString())}\u001b\\[0m {word}\r\n");
}
