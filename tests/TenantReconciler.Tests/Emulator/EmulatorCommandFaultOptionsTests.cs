using Azure.Core.Pipeline;
using Azure.ResourceManager;
using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

/// <summary>The <c>emulator</c> command's throttling and fault options, end to end over HTTPS.</summary>
public sealed class EmulatorCommandFaultOptionsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Emulator_FaultsThrottleAndSeedOptions_AreAppliedToTheServedRequests()
    {
        // Arrange
        var state = temp.Write("state.json", System.Text.Json.JsonSerializer.Serialize(
            new { registrations = new[] { new { subscriptionId = Subscription, resourceGroup = ResourceGroup, name = Registration, customerSubscriptions = Array.Empty<object>() } } }));
        var faults = temp.Write("faults.json", """{ "seed": 1, "delete": { "serverErrorRate": 1 } }""");
        var pem = temp.File("emulator.pem");
        using var stdout = new FirstLineWriter();
        using var stderr = new StringWriter();
        using var cts = new CancellationTokenSource();
        var io = new IOContext(stdout, stderr, TextReader.Null, IsInteractive: false);
        var run = Program.RunAsync(
            ["emulator", "--state", state, "--cert-out", pem, "--faults", faults, "--seed", "99", "--throttle-reads", "2:0.001", "--throttle-writes", "5:1"],
            io,
            cancellationToken: cts.Token);
        var started = await Task.WhenAny(stdout.FirstLine, run).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(started == stdout.FirstLine, stderr.ToString());
        var baseUrl = new Uri(await stdout.FirstLine + "/");
        var pipeline = CreatePipeline(pem);
        var item = new Uri(baseUrl, $"{ItemPath("e09a4e93-29a7-4eba-a6d4-76202383f07f")}?api-version={ApiVersion}");
        var collection = new Uri(baseUrl, $"{CollectionPath()}?api-version={ApiVersion}");

        // Act
        using var put = await PutAsync(pipeline, item, PutBody(Tenant1));
        using var delete = await DeleteAsync(pipeline, item);
        var reads = new[] { await GetAsync(pipeline, collection), await GetAsync(pipeline, collection), await GetAsync(pipeline, collection) };
        await cts.CancelAsync();
        var exitCode = await run.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        Assert.Equal((200, "4"), (put.Status, Header(put, "x-ms-ratelimit-remaining-subscription-writes")));
        Assert.Equal((500, "4"), (delete.Status, Header(delete, "x-ms-ratelimit-remaining-subscription-deletes")));
        Assert.Equal([200, 200, 429], reads.Select(r => r.Status));
        Assert.Contains("Throttling per subscription: reads 2 burst, 0.001/s; writes 5 burst, 1/s; deletes 5 burst, 1/s.", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("(seed 99)", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
    }

    [Theory]
    [InlineData("--throttle-writes", "0:10", "--throttle-writes must be BURST:RATE")]
    [InlineData("--throttle-reads", "25", "--throttle-reads must be BURST:RATE")]
    [InlineData("--latency-ms", "-5", "--latency-ms must be a whole number from 0 to 2147483647, not '-5'.")]
    public async Task Emulator_InvalidOptionValue_FailsWithTheReason(string option, string value, string expected)
    {
        // Act
        var result = await CliRunner.RunAsync("emulator", option, value);

        // Assert
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_InvalidFaultsFile_FailsWithExitCode1NamingTheField()
    {
        // Arrange
        var faults = temp.Write("faults.json", """{ "put": { "throttleRate": 3 } }""");

        // Act
        var result = await CliRunner.RunAsync("emulator", "--faults", faults);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--faults:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("put.throttleRate", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Emulator_MissingFaultsFile_FailsWithExitCode1()
    {
        // Act
        var result = await CliRunner.RunAsync("emulator", "--faults", temp.File("missing.json"));

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--faults:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("missing.json", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The real pipeline, trusting only the PEM the command wrote.</summary>
    private static HttpPipeline CreatePipeline(string pem)
    {
        var anchor = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(pem));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, errors) => EmulatorPipeline.IsTrusted(anchor, presented, errors),
        };
        var options = new ArmClientOptions { Transport = new HttpClientTransport(handler) };
        options.Retry.MaxRetries = 0;
        return HttpPipelineBuilder.Build(options, new BearerTokenAuthenticationPolicy(new EmulatorTokenCredential(), EmulatorPipeline.Scope));
    }

    /// <summary>Completes <see cref="FirstLine"/> with the first line written, so the test waits on an event, not a clock.</summary>
    private sealed class FirstLineWriter : StringWriter
    {
        private readonly TaskCompletionSource<string> firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> FirstLine => firstLine.Task;

        public override Encoding Encoding => Encoding.UTF8;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            firstLine.TrySetResult(value ?? string.Empty);
        }
    }
}
