namespace TenantReconciler.Tests.Cli;

/// <summary>
/// No <c>--auth</c> against an endpoint on loopback (the emulator, or a tunnel): the credential paragraph starts with the
/// fix that fits, <c>--auth emulator</c>, before the default chain's own reasons.
/// </summary>
[Collection(CredentialEnvironmentCollection.Name)]
public sealed class DefaultCredentialTests
{
    [Fact]
    public async Task Plan_LoopbackEndpointWithoutAuth_SuggestsAuthEmulatorFirst()
    {
        // Arrange: the emulator, its certificate trusted, but no --auth.
        using var environment = new CredentialEnvironment();
        await using var bed = await CliTestBed.StartAsync();
        var transport = new LoopbackOnlyTransport(answerNoIdentity: true);

        // Act
        var result = await CliRunner.RunWithServicesAsync(
            services => services.AddSingleton(transport.Factory()),
            null,
            ["plan", "-f", RepoFiles.Path("tenants.yaml"), "--arm-endpoint", bed.Connection[1], "--ca-cert", bed.Connection[3]]);

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.StartsWith($"Error: {bed.Emulator.BaseUri.GetLeftPart(UriPartial.Authority)} is on loopback: for the emulator, pass --auth emulator. ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--auth default could not get a token", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(bed.Emulator.Requests);
    }
}
