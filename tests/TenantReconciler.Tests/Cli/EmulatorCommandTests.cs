namespace TenantReconciler.Tests.Cli;

public sealed class EmulatorCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Emulator_Started_PrintsBaseUrlFirstAndServesPlanUntilCancelled()
    {
        // Arrange
        var state = _temp.File("state.json");
        File.Copy(RepoFiles.Path("examples/emulator-state.json"), state);
        var pem = _temp.File("emulator.pem");
        using var stdout = new FirstLineWriter();
        using var stderr = new StringWriter();
        using var cts = new CancellationTokenSource();
        var io = new IOContext(stdout, stderr, TextReader.Null, IsInteractive: false);

        // Act
        var run = Program.RunAsync(["emulator", "--state", state, "--cert-out", pem, "--page-size", "1"], io, cancellationToken: cts.Token);
        var baseUrl = await stdout.FirstLine.WaitAsync(TimeSpan.FromSeconds(30));
        var plan = await CliRunner.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "--arm-endpoint", baseUrl, "--ca-cert", pem, "--auth", "emulator");
        await cts.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        Assert.StartsWith("https://127.0.0.1:", baseUrl);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(pem));
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("2 to add, 2 to overwrite, 1 to remove", plan.Stdout);
        Assert.Equal(0, exitCode);
    }

    /// <summary>Completes <see cref="FirstLine"/> with the first line written, so the test waits on an event, not a clock.</summary>
    private sealed class FirstLineWriter : StringWriter
    {
        private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> FirstLine => _firstLine.Task;

        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            _firstLine.TrySetResult(value ?? string.Empty);
        }
    }
}
