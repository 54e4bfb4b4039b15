namespace TenantReconciler.Tests.Cli;

public sealed class CancelledApplyTests
{
    [Fact]
    public async Task Apply_AbortedMidway_StartsNoNewWriteReportsEveryChangeAndExits130()
    {
        // Arrange: 30 adds; the apply is cancelled (as Ctrl+C or SIGTERM would) when the 5th write arrives.
        using var cancel = new CancellationTokenSource();
        var writes = 0;
        var writesAtCancel = -1;
        await using var bed = await CliTestBed.StartAsync(FaultToleranceTests.Empty(), new EmulatorOptions
        {
            Middleware =
            [
                async (HttpContext context, RequestDelegate next) =>
                {
                    if (context.Request.Method is "PUT" or "DELETE" && Interlocked.Increment(ref writes) == 5)
                    {
                        writesAtCancel = 5;
                        await cancel.CancelAsync();
                    }

                    await next(context);
                },
            ],
        });
        var yaml = bed.Temp.Write("tenants.yaml", FaultToleranceTests.Yaml(30));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Act
        var exitCode = await Program.RunAsync(
            ["apply", "-f", yaml, "--auto-approve", "--parallelism", "2", "--journal", bed.Journal, .. bed.Connection],
            new IOContext(stdout, stderr, TextReader.Null, IsInteractive: false),
            cancellationToken: cancel.Token);

        // Assert: at most the writes already in flight (parallelism 2) arrived after the cancellation (counted on
        // arrival: the emulator's request log records a request only once its response is done).
        Assert.Equal(TenantReconciler.Cli.ExitCodes.Interrupted, exitCode);
        Assert.Equal(5, writesAtCancel);
        Assert.InRange(Volatile.Read(ref writes), 5, 5 + 2);
        var output = stdout.ToString();
        Assert.Contains("not attempted", output);
        var lines = output.Split('\n').Count(l => l.StartsWith("  done ", StringComparison.Ordinal)
            || l.StartsWith("  failed ", StringComparison.Ordinal) || l.StartsWith("  not attempted ", StringComparison.Ordinal)
            || l.StartsWith("  outcome unknown ", StringComparison.Ordinal));
        Assert.Equal(30, lines);
        Assert.Matches("apply was (aborted|interrupted)", stderr.ToString());
    }
}
