using TenantReconciler.Tests.Watch;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Ctrl+C as terraform does it, with a real SIGINT to the CLI as a child process. Every step is gated on an event,
/// never on time: the emulator holds a PUT until the test has seen the CLI acknowledge the signal.
/// </summary>
public sealed class InterruptTests
{
    /// <summary>Its stdin kept open (for a key on the terminal), as on CI.</summary>
    private static readonly ChildOptions Interactive = new() { KeepInput = true, Environment = new Dictionary<string, string?> { ["CI"] = "true" } };

    /// <summary>A test process that ignores SIGINT passes that on to the CLI, which then never sees Ctrl+C: said at once, not after a hang.</summary>
    public InterruptTests() => Assert.False(
        Posix.IsIgnored(Posix.SIGINT),
        "SIGINT is ignored in the test process (started as a background job of a non-interactive shell?): the CLI child inherits that and cannot be interrupted. Run the tests in the foreground, or from a shell with job control (set -m).");

    [Fact]
    public async Task Apply_FirstCtrlCWhileAPutIsInFlight_ThePutFinishesAndIsReportedNothingNewStartsExit130()
    {
        // Arrange: three adds, one request at a time; the first PUT is held.
        var hold = new PutHold();
        await using var bed = await CliTestBed.StartAsync(FaultToleranceTests.Empty(), new EmulatorOptions { Middleware = [hold.Middleware] });
        using var child = StartApplyOfThree(bed);

        // Act: Ctrl+C once the PUT is at the emulator; the PUT is let through once the CLI said it heard it.
        await CtrlCWhileThePutIsHeldAsync(hold, child);
        hold.Release();
        var result = await child.ExitAsync();

        // Assert
        Assert.True(result.ExitCode == ExitCodes.Interrupted, result.ToString());
        Assert.Contains("Interrupt received: finishing the 1 request in flight; starting nothing new. Press Ctrl+C again to abort.", result.Stderr, StringComparison.Ordinal);
        Assert.Single(bed.Emulator.CommittedWrites);
        var rows = result.Stdout.Split('\n');
        Assert.Single(rows, l => l.StartsWith("  done ", StringComparison.Ordinal));
        Assert.Equal(2, rows.Count(l => l.StartsWith("  not attempted ", StringComparison.Ordinal)));
        Assert.DoesNotContain(ApplyReport(), result.Stdout, StringComparison.Ordinal);
        Assert.Contains("apply was interrupted: the requests in flight finished", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_SecondCtrlC_AbortsTheRequestInFlightAsOutcomeUnknownExit130()
    {
        // Arrange
        var hold = new PutHold();
        await using var bed = await CliTestBed.StartAsync(FaultToleranceTests.Empty(), new EmulatorOptions { Middleware = [hold.Middleware] });
        using var child = StartApplyOfThree(bed);

        // Act: Ctrl+C, seen; Ctrl+C again while the PUT is still held.
        await CtrlCWhileThePutIsHeldAsync(hold, child);
        Posix.Signal(child.Pid, Posix.SIGINT);
        var result = await child.ExitAsync();
        hold.Release();

        // Assert: only now is the request in flight "outcome unknown".
        Assert.True(result.ExitCode == ExitCodes.Interrupted, result.ToString());
        var rows = result.Stdout.Split('\n');
        Assert.Single(rows, l => l.StartsWith($"  {ApplyReport()} ", StringComparison.Ordinal));
        Assert.Equal(2, rows.Count(l => l.StartsWith("  not attempted ", StringComparison.Ordinal)));
        Assert.Contains("apply was aborted", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_CtrlCAtTheConfirmationPrompt_NewlineApplyCancelledExit130AndNothingWritten()
    {
        // Arrange: a real terminal (script's pseudo-terminal), so apply asks.
        await using var bed = await CliTestBed.StartAsync();
        Assert.True(File.Exists("/usr/bin/script"), "util-linux 'script' (Debian's bsdutils) is needed: apt-get install bsdutils");
        string[] args = ["dotnet", ChildProcess.CliDll, "apply", "-f", RepoFiles.Path("tenants.yaml"), "--journal", bed.Journal, .. bed.Connection];
        using var child = ChildProcess.Start("/usr/bin/script", ["-qec", string.Join(' ', args.Select(Quote)), "/dev/null"], Interactive);

        // Act: once the prompt is up, Ctrl+C on the terminal (the line discipline sends SIGINT to the CLI).
        await child.PrintedAsync("Enter a value:");
        await child.TypeAsync("\u0003");
        var result = await child.ExitAsync();

        // Assert
        Assert.True(result.ExitCode == ExitCodes.Interrupted, result.ToString());
        var text = result.Stdout.Replace("\r\n", "\n", StringComparison.Ordinal);
        var prompt = text.IndexOf("Enter a value:", StringComparison.Ordinal);
        Assert.Matches(@"Enter a value: (\^C)?\n", text[prompt..]);
        Assert.Contains("Apply cancelled.", text[prompt..], StringComparison.Ordinal);
        Assert.DoesNotContain(bed.Emulator.Requests, r => r.Method is "PUT" or "DELETE");
    }

    /// <summary>The built CLI applying three adds, one request at a time.</summary>
    private static ChildProcess StartApplyOfThree(CliTestBed bed)
    {
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(3));
        return ChildProcess.StartCli(["apply", "-f", yaml, "--auto-approve", "--parallelism", "1", "--journal", bed.Journal, .. bed.Connection], Interactive);
    }

    /// <summary>SIGINT once the first PUT is held at the emulator; returns once the CLI said it heard it.</summary>
    private static async Task CtrlCWhileThePutIsHeldAsync(PutHold hold, ChildProcess child)
    {
        await hold.Arrived.WaitAsync(ChildProcess.HangGuard);
        Posix.Signal(child.Pid, Posix.SIGINT);
        await child.SaidAsync("Interrupt received");
    }

    private static string ApplyReport() => TenantReconciler.Cli.Output.ApplyReport.UnknownLabel;

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Holds the first PUT at the emulator until released, and says when it arrived.</summary>
    private sealed class PutHold
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _puts;

        public Task Arrived => _arrived.Task;

        public async Task Middleware(HttpContext context, RequestDelegate next)
        {
            if (context.Request.Method == "PUT" && Interlocked.Increment(ref _puts) == 1)
            {
                _arrived.TrySetResult();
                await _release.Task;
            }

            await next(context);
        }

        public void Release() => _release.TrySetResult();
    }
}
