using static TenantReconciler.Tests.Cli.TerminalTestSupport;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Redirected output has no escape sequence, in process and from the built CLI as a child process; a rich terminal
/// (Spectre's test console) gets the colours and the progress bar through the whole composition root.
/// </summary>
public sealed class TerminalEndToEndTests
{
    [Fact]
    public async Task PlanAndApply_InProcessWithStringWriters_NoEscapeSequence()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        var tenants = RepoFiles.Path("tenants.yaml");

        // Act
        var plan = await bed.RunAsync("plan", "-f", tenants);
        var apply = await bed.RunAsync("apply", "-f", tenants, "--auto-approve");

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("  + customerSubscription ", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("Apply complete!", apply.Stdout, StringComparison.Ordinal);
        Assert.False(HasEscape(plan.Stdout + plan.Stderr), plan.ToString());
        Assert.False(HasEscape(apply.Stdout + apply.Stderr), apply.ToString());
    }

    [Fact]
    public async Task Apply_InProcessOnATerminal_ColouredPlanTableAndAProgressBarOnStderr()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var terminal = Terminal();
        using var errorTerminal = Terminal(width: 100);
        var io = RichIO(stdout, stderr, terminal, errorTerminal);

        // Act
        var exitCode = await Program.RunAsync(
            ["apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--journal", bed.Journal, .. bed.Connection], io);

        // Assert
        Assert.True(exitCode == 0, $"{stdout}\n{stderr}\n{terminal.Output}\n{errorTerminal.Output}");
        Assert.Contains($"  {Green}+\u001b[0m customerSubscription ", terminal.Output, StringComparison.Ordinal);
        Assert.Contains("│ azurestack-8f3e1b2c ", StripAnsi(terminal.Output), StringComparison.Ordinal);
        Assert.Contains("\u001b[?25l", errorTerminal.Output, StringComparison.Ordinal);
        Assert.Contains("100% 5 done, 0 failed, 0 left", StripAnsi(errorTerminal.Output), StringComparison.Ordinal);
        Assert.EndsWith("\u001b[?25h", errorTerminal.Output.TrimEnd('\n'), StringComparison.Ordinal);
        Assert.Contains("Apply complete! 2 added, 2 overwritten, 1 removed", stdout.ToString(), StringComparison.Ordinal);
        Assert.False(HasEscape(stdout.ToString() + stderr), $"{stdout}\n{stderr}");
    }

    [Fact]
    public async Task BuiltCli_OutputRedirectedOnAColourTerminalType_PlainPlanByteForByteAndNoEscapeSequence()
    {
        // Arrange: TERM says colours, CI and NO_COLOR are unset: only the redirection makes it plain.
        await using var bed = await CliTestBed.StartAsync();
        var tenants = RepoFiles.Path("tenants.yaml");
        var inProcess = await CliRunner.RunAsync(["plan", "-f", tenants, .. bed.Connection]);

        // Act
        var plan = await ChildProcess.RunCliAsync(["plan", "-f", tenants, .. bed.Connection], new ChildOptions { Environment = TerminalEnvironment() });
        var apply = await ChildProcess.RunCliAsync(["apply", "-f", tenants, "--auto-approve", "--journal", bed.Journal, .. bed.Connection], new ChildOptions { Environment = TerminalEnvironment() });

        // Assert
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(inProcess.Stdout, plan.Stdout);
        Assert.Contains("Converged", apply.Stdout, StringComparison.Ordinal);
        Assert.False(HasEscape(plan.Stdout + plan.Stderr), plan.ToString());
        Assert.False(HasEscape(apply.Stdout + apply.Stderr), apply.ToString());
    }

    /// <summary>A terminal that takes colours: TERM set, and neither CI nor NO_COLOR.</summary>
    internal static Dictionary<string, string?> TerminalEnvironment(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string?> { ["TERM"] = "xterm-256color", ["CI"] = null, ["NO_COLOR"] = null };
        foreach (var (name, value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }
}
