using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;
using TenantReconciler.Cli;
using TenantReconciler.Emulator;
using TenantReconciler.Tests.Watch;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Ctrl+C as terraform does it, with a real SIGINT to the CLI as a child process. Every step is gated on an event,
/// never on time: the emulator holds a PUT until the test has seen the CLI acknowledge the signal.
/// </summary>
public sealed class InterruptTests
{
    [Fact]
    public async Task Apply_FirstCtrlCWhileAPutIsInFlight_ThePutFinishesAndIsReportedNothingNewStartsExit130()
    {
        // Arrange: three adds, one request at a time; the first PUT is held.
        var hold = new PutHold();
        await using var bed = await CliTestBed.StartAsync(FaultToleranceTests.Empty(), new EmulatorOptions { Middleware = [hold.Middleware] });
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(3));
        using var child = CliChild.Start(["apply", "-f", yaml, "--auto-approve", "--parallelism", "1", "--journal", bed.Journal, .. bed.Connection]);

        // Act: Ctrl+C once the PUT is at the emulator; the PUT is let through once the CLI said it heard it.
        await hold.Arrived.WaitAsync(CliChild.Generous);
        Posix.Signal(child.Pid, Posix.SIGINT);
        await child.SaidAsync("Interrupt received");
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
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(3));
        using var child = CliChild.Start(["apply", "-f", yaml, "--auto-approve", "--parallelism", "1", "--journal", bed.Journal, .. bed.Connection]);

        // Act: Ctrl+C, seen; Ctrl+C again while the PUT is still held.
        await hold.Arrived.WaitAsync(CliChild.Generous);
        Posix.Signal(child.Pid, Posix.SIGINT);
        await child.SaidAsync("Interrupt received");
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
        string[] args = ["dotnet", CliProcess.Dll, "apply", "-f", RepoFiles.Path("tenants.yaml"), "--journal", bed.Journal, .. bed.Connection];
        using var child = CliChild.Start("/usr/bin/script", ["-qec", string.Join(' ', args.Select(Quote)), "/dev/null"]);

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

/// <summary>The built CLI (or a wrapper of it) as a child process, its output read as it comes, to wait for a line.</summary>
internal sealed class CliChild : IDisposable
{
    public static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(string Text, bool Stderr, TaskCompletionSource Seen)> _waits = [];
    private readonly Task _reading;

    private CliChild(Process process)
    {
        _process = process;
        _reading = Task.WhenAll(ReadAsync(process.StandardOutput, _stdout, stderr: false), ReadAsync(process.StandardError, _stderr, stderr: true));
    }

    public int Pid => _process.Id;

    public static CliChild Start(IReadOnlyList<string> cliArgs) => Start("dotnet", [CliProcess.Dll, .. cliArgs]);

    public static CliChild Start(string file, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["CI"] = "true";
        return new CliChild(Process.Start(info)!);
    }

    /// <summary>Waits until stderr has shown <paramref name="text"/>.</summary>
    public Task SaidAsync(string text) => WaitForAsync(text, stderr: true);

    /// <summary>Waits until stdout has shown <paramref name="text"/>.</summary>
    public Task PrintedAsync(string text) => WaitForAsync(text, stderr: false);

    public async Task TypeAsync(string keys)
    {
        await _process.StandardInput.WriteAsync(keys);
        await _process.StandardInput.FlushAsync();
    }

    public async Task<CliResult> ExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Generous);
        await _reading.WaitAsync(Generous);
        lock (_waits)
        {
            return new CliResult(_process.ExitCode, _stdout.ToString(), _stderr.ToString());
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private async Task WaitForAsync(string text, bool stderr)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waits)
        {
            if ((stderr ? _stderr : _stdout).ToString().Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            _waits.Add((text, stderr, seen));
        }

        var done = await Task.WhenAny(seen.Task, _process.WaitForExitAsync()).WaitAsync(Generous);
        if (done != seen.Task)
        {
            await _reading;
            throw new InvalidOperationException($"the CLI exited before it wrote '{text}':\n{_stdout}\n---\n{_stderr}");
        }
    }

    private async Task ReadAsync(StreamReader reader, StringBuilder into, bool stderr)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (_waits)
            {
                into.Append(buffer, 0, read);
                var text = into.ToString();
                foreach (var wait in _waits.Where(w => w.Stderr == stderr && text.Contains(w.Text, StringComparison.Ordinal)).ToArray())
                {
                    wait.Seen.TrySetResult();
                    _waits.Remove(wait);
                }
            }
        }
    }
}
