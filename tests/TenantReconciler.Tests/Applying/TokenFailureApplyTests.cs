using System.Security.Cryptography.X509Certificates;
using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Applying;

/// <summary>
/// A credential that stops producing tokens in the middle of an apply (an expired federated token, in CI) ends the apply
/// the way a stop does: the request that could not get a token is not sent, nothing new starts, what was not sent is
/// not attempted, the credential's paragraph is said once, the journal records it, and the exit code is 1.
/// </summary>
public sealed class TokenFailureApplyTests
{
    [Fact]
    public async Task ApplyAsync_CredentialFailsAfterTheFirstWrite_ThatRequestIsNotSentAndTheRestAreNotAttempted()
    {
        // Arrange: tokens that expire at once, so every request asks the credential; it fails once ARM got a PUT.
        var adds = Mappings(6);
        var credential = new FailingCredential();
        await using var emulator = await StartEmulatorAsync(
            new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = new Dictionary<Guid, Guid>() },
            credential.FailAfterFirstPut);
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);
        var observer = new RecordingObserver();
        var applier = new PlanApplier(CreateClient(emulator, credential), new ApplyOptions { Parallelism = 1 }, observer);

        // Act
        var result = await applier.ApplyAsync(plan, CancellationToken.None);

        // Assert
        Assert.Single(emulator.Requests, r => r.Method == "PUT");
        Assert.Equal([ChangeOutcome.Done, .. Enumerable.Repeat(ChangeOutcome.NotAttempted, 5)], result.Results.Select(r => r.Outcome));
        var stop = Assert.IsType<TokenUnavailableException>(result.StoppedBy);
        Assert.Equal(FailingCredential.Message, stop.Message);
        Assert.False(stop.EarlierAttemptSent);
        var events = observer.Events.ToArray();
        Assert.Equal(["starting", "completed", "starting", "completed"], events.Select(e => e.Event));
        Assert.Equal(PlanApplier.NotSentErrorCode, events[3].Error!.ErrorCode);
        Assert.Contains("not sent: the credential could not get a token", events[3].Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_RetryCannotGetAToken_TheChangeFailsAsPossiblyWritten()
    {
        // Arrange: the first attempt of the PUT is sent and answered 503; its retry needs a new token, and gets none.
        var credential = new FailingCredential();
        await using var emulator = await StartEmulatorAsync(
            new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = new Dictionary<Guid, Guid>() },
            (context, next) =>
            {
                if (HttpMethods.IsPut(context.Request.Method))
                {
                    credential.Failing = true;
                    return WriteErrorAsync(context, 503, "ServiceUnavailable");
                }

                return next(context);
            });
        var (subscription, tenant) = Mappings(1).Single();
        var plan = new Plan([new RegistrationPlan(RegistrationA, [Add(subscription, tenant), .. Mappings(2).Select(m => Add(m.Key, m.Value))])]);
        var applier = new PlanApplier(CreateClient(emulator, credential), new ApplyOptions { Parallelism = 1 });

        // Act
        var result = await applier.ApplyAsync(plan, CancellationToken.None);

        // Assert
        Assert.Single(emulator.Requests, r => r.Method == "PUT");
        Assert.Equal([ChangeOutcome.Failed, ChangeOutcome.NotAttempted, ChangeOutcome.NotAttempted], result.Results.Select(r => r.Outcome));
        Assert.Contains("an earlier attempt was sent, so the write may or may not have happened", result.Results[0].Error, StringComparison.Ordinal);
        Assert.True(Assert.IsType<TokenUnavailableException>(result.StoppedBy).EarlierAttemptSent);
    }

    [Fact]
    public async Task Apply_CredentialFailsMidApply_NotAttemptedListedTheParagraphOnceJournalledAndExitOne()
    {
        // Arrange: the example plan has 5 changes; the credential fails once the first write reached ARM.
        var credential = new FailingCredential();
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions { Middleware = [credential.FailAfterFirstPut] });
        var tenants = RepoFiles.Path("tenants.yaml");

        // Act
        var result = await CliRunner.RunWithServicesAsync(
            services => services.AddSingleton<CredentialFactory>(new FixedCredentialFactory(credential)),
            null,
            ["apply", "-f", tenants, "--auto-approve", "--parallelism", "1", "--journal", bed.Journal, .. bed.Connection]);

        // Assert
        Assert.True(result.ExitCode == ExitCodes.Error, result.ToString());
        Assert.Equal(1, bed.Writes);
        Assert.Contains("Apply incomplete!", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("0 failed, 4 not attempted.", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(4, result.Stdout.Split('\n').Count(l => l.TrimStart().StartsWith("not attempted", StringComparison.Ordinal)));
        Assert.Equal(1, Occurrences(result.Stdout + result.Stderr, FailingCredential.Message));
        Assert.Contains("The apply stopped: a request could not get a token", result.Stderr, StringComparison.Ordinal);
        var journal = await File.ReadAllTextAsync(bed.Journal);
        Assert.Contains("not sent: the credential could not get a token", journal, StringComparison.Ordinal);
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static ArmCustomerSubscriptionClient CreateClient(ArmEmulator emulator, TokenCredential credential)
    {
        var connection = new ArmConnection(
            emulator.BaseUri,
            ApiVersions.Default,
            ArmConnections.ScopeFor(AzureCloud.AzureCloud),
            X509CertificateLoader.LoadCertificate(emulator.Certificate.RawData));
        return new ArmCustomerSubscriptionClient(ArmPipeline.Create(credential, connection, FastSettings, TimeProvider.System), connection);
    }

    /// <summary>
    /// The emulator's token, already expired (so the pipeline asks again for every request), until <see cref="Failing"/>;
    /// then the CLI's own kind of failure, as an expired federated token gives it.
    /// </summary>
    private sealed class FailingCredential : TokenCredential
    {
        public const string Message = "--auth github-actions could not get a token for https://management.azure.com/.default (AzureCloud): the federated token expired (test).";

        private volatile bool failing;

        public bool Failing
        {
            get => failing;
            set => failing = value;
        }

        /// <summary>Emulator middleware: the first PUT that arrives turns the credential off (that PUT is served).</summary>
        public Task FailAfterFirstPut(HttpContext context, RequestDelegate next)
        {
            if (HttpMethods.IsPut(context.Request.Method))
            {
                Failing = true;
            }

            return next(context);
        }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            Failing
                ? throw new CredentialException(AuthKind.GitHubActions, Message)
                : new AccessToken(EmulatorTokenCredential.Token, DateTimeOffset.UtcNow.AddMinutes(-1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class FixedCredentialFactory(TokenCredential credential) : CredentialFactory
    {
        public override TokenCredential Create(AuthKind auth, AzureCloud cloud, Uri endpoint) => credential;
    }
}
