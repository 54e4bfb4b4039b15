namespace TenantReconciler.Tests.Cli;

/// <summary>
/// A planted canary secret, as the bearer token and in the credential environment variables, must never appear in the
/// plan file, stdout, stderr or the logs, at any verbosity (Atlantis #163).
/// </summary>
public sealed class SecretCanaryTests
{
    private const string Canary = "CANARY-7f3c1e9a-do-not-print-me";

    [Theory]
    [InlineData("quiet")]
    [InlineData("normal")]
    [InlineData("detailed")]
    [InlineData("diagnostic")]
    public async Task PlanApplyUndo_CanaryInTokenAndEnvironment_NeverAppearsInAnyOutput(string verbosity)
    {
        // Arrange: the emulator accepts only the canary token, so the token really is sent on every request.
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions { RequiredToken = Canary });
        Environment.SetEnvironmentVariable("AZURE_CLIENT_SECRET", Canary);
        Environment.SetEnvironmentVariable("TENANT_RECONCILER_CANARY", Canary);
        var planFile = bed.Temp.File("plan.json");
        var undoFile = bed.Temp.File("undo.json");
        var tenants = RepoFiles.Path("tenants.yaml");

        // Act
        var outputs = new List<CliResult>
        {
            await Run(bed, "plan", "-f", tenants, "--out", planFile, "-v", verbosity, "--journal", bed.Journal),
            await Run(bed, "plan", "-f", tenants, "--output", "json", "-v", verbosity),
            await Run(bed, "plan", "-f", tenants, "--output", "markdown", "-v", verbosity),
            await Run(bed, "apply", planFile, "-f", tenants, "-v", verbosity, "--journal", bed.Journal),
            await Run(bed, "undo", "-f", tenants, "--out", undoFile, "-v", verbosity, "--journal", bed.Journal),
        };

        // Assert
        Assert.All(outputs.Take(4), r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.All(outputs, r => Assert.DoesNotContain(Canary, r.Stdout + r.Stderr, StringComparison.Ordinal));
        Assert.DoesNotContain(Canary, File.ReadAllText(planFile), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, File.ReadAllText(undoFile), StringComparison.Ordinal);
        Assert.DoesNotContain(Canary, File.ReadAllText(bed.Journal), StringComparison.Ordinal);
        Assert.True(bed.Writes > 0);
    }

    private static Task<CliResult> Run(CliTestBed bed, params string[] args) =>
        CliRunner.RunWithServicesAsync(
            services => services.AddSingleton<CredentialFactory>(new CanaryCredentialFactory()),
            null,
            [.. args, .. bed.Connection.Where(a => a != "emulator" && a != "--auth")]);

    private sealed class CanaryCredentialFactory : CredentialFactory
    {
        public override TokenCredential Create(AuthKind auth, AzureCloud cloud, Uri endpoint) => new CanaryCredential();
    }

    private sealed class CanaryCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(Canary, DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
