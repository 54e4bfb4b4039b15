namespace TenantReconciler.Tests.Cli;

/// <summary><c>-v diagnostic</c> adds an HTTP trace, as <c>az --debug</c> does, with no secret in it.</summary>
public sealed class DiagnosticTraceTests
{
    [Fact]
    public async Task Plan_VerbosityDiagnostic_OneTraceLinePerRequestWithStatusIdsAndTimeNoToken()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var result = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"), "-v", "diagnostic");
        var requests = bed.Emulator.Requests.Count;
        var normal = await bed.RunAsync("plan", "-f", RepoFiles.Path("tenants.yaml"));

        // Assert: each listing GET traced; nothing of the kind without -v diagnostic; no token, no header value.
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var traces = result.Stderr.Split('\n').Where(l => l.Contains(": HTTP ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(requests, traces.Length);
        Assert.Contains(traces, l => System.Text.RegularExpressions.Regex.IsMatch(
            l, @": HTTP GET https://127\.0\.0\.1:\d+/subscriptions/[0-9a-f-]+/resourceGroups/azurestack/providers/Microsoft\.AzureStack/registrations/azurestack-8f3e1b2c/customerSubscriptions\?api-version=2017-06-01 -> 200 OK in \d+ ms \(x-ms-request-id: [0-9a-f-]{36}, x-ms-correlation-request-id: [0-9a-f-]{36}\)$"));
        Assert.DoesNotContain("Bearer", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TenantReconciler.Live.EmulatorTokenCredential.Token, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization:", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(": HTTP ", normal.Stderr, StringComparison.Ordinal);
    }
}
