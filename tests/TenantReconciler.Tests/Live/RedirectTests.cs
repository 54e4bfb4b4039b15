namespace TenantReconciler.Tests.Live;

/// <summary>
/// Issue 15, item 12: no handler the tool builds follows a redirect to another host. On 9aa6160, with --ca-cert, a 302
/// from "ARM" was followed to wherever it pointed (the token was stripped, but the answer came from elsewhere).
/// </summary>
public sealed class RedirectTests
{
    [Theory]
    [InlineData(302)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Plan_ArmAnswersARedirectToAnotherHost_NotFollowedAndAnErrorWithNoWrite(int status)
    {
        // Arrange: the other host would answer with an empty listing, so a followed redirect would plan "all adds".
        await using var elsewhere = await FaultyArmServer.StartAsync(_ => new FaultyResponse(200, "{\"value\":[]}"));
        await using var arm = await FaultyArmServer.StartAsync(request => new FaultyResponse(
            status,
            Headers: new Dictionary<string, string> { ["Location"] = new Uri(elsewhere.BaseUri, request.PathAndQuery.TrimStart('/')).ToString() }));
        using var temp = new TempDirectory();

        // Act
        var plan = await CliRunner.RunAsync(
            "plan", "-f", RepoFiles.Path("tenants.yaml"),
            "--arm-endpoint", arm.BaseUri.ToString(), "--ca-cert", temp.Write("arm.pem", arm.Certificate.ExportCertificatePem()), "--auth", "emulator");

        // Assert
        Assert.Equal(1, plan.ExitCode);
        Assert.Empty(elsewhere.Requests);
        Assert.Contains($"failed: {status}", plan.Stderr);
        Assert.DoesNotContain("Plan:", plan.Stdout);
    }
}
