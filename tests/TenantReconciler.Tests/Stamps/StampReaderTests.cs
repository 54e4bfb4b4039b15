using TenantReconciler.Stamps;
using static TenantReconciler.Tests.Stamps.StampFixtures;

namespace TenantReconciler.Tests.Stamps;

/// <summary>
/// <see cref="StampReader"/> through the real pipeline (<see cref="StampConnector"/>: Azure.Core, retries, trust of the
/// emulator's certificate for its endpoint only) against the emulator over HTTPS.
/// </summary>
public sealed class StampReaderTests
{
    private static readonly RegistrationRef Registration = new(Guid.Parse(RegistrationSubscription), "azurestack", RegistrationName);

    /// <summary>No waiting between retries: a test never sleeps on a back-off.</summary>
    private static readonly ArmPipelineSettings Fast = ArmPipelineSettings.Default with { RetryDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, MaxRetries = 2 };

    [Fact]
    public async Task ReadAsync_ExampleStamp_JoinsTheUsageInTheWindowToTheTenants()
    {
        // Arrange
        await using var emulator = await StartAsync(State());

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Complete, report.Status);
        Assert.Null(report.Problem);
        Assert.Equal(RegistrationIdAsTheStampSpellsIt, report.ActivatedRegistrationId);
        Assert.Empty(report.Warnings);
        Assert.Equal(4, report.SubscriptionCount);
        Assert.Equal(3, report.UsageRecords); // the eight-days-ago record and the reseller's are not in the answer
        Assert.Equal(new TenantUsage(UsageKind.Used, 36.5m, 2, null), report.UsageOf(Guid.Parse(Contoso)));
        Assert.Equal(new TenantUsage(UsageKind.Used, 30m, 1, null), report.UsageOf(Guid.Parse(Fabrikam)));
        Assert.Equal(TenantUsage.NoUsage, report.UsageOf(Guid.NewGuid()));
        var contoso = report.Tenants[Guid.Parse(Contoso)];
        Assert.Equal(["gold", "silver"], contoso.Subscriptions.Select(s => s.Offer));
        Assert.Equal("admin@contoso.example", contoso.Subscriptions[0].Owner);
        Assert.Equal(24m, contoso.BySubscription[Guid.Parse(ContosoSub1)]);
    }

    [Fact]
    public async Task ReadAsync_DelegatedProviderTenant_ReportedAsNotVisibleNeverAsNoUsage()
    {
        // Arrange
        await using var emulator = await StartAsync(State());

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        var northwind = report.Tenants[Guid.Parse(Northwind)];
        Assert.Equal(Guid.Parse(NorthwindSub), Assert.Single(northwind.NotVisible).SubscriptionId);
        var usage = report.UsageOf(Guid.Parse(Northwind));
        Assert.Equal(UsageKind.Unknown, usage.Kind);
        Assert.Contains($"under the delegated provider {Reseller}", usage.Reason, StringComparison.Ordinal);
        Assert.Contains("cannot see", usage.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_StampReportsToAnotherRegistration_MismatchNamingBothIds()
    {
        // Arrange
        const string other = "/subscriptions/d23f0824-128b-4f33-8c5c-7fd0a6a3a450/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-2d4c6e8a";
        await using var emulator = await StartAsync(State(Stamp(registrationId: other)));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Mismatch, report.Status);
        Assert.Contains(other, report.Problem, StringComparison.Ordinal);
        Assert.Contains(RegistrationId, report.Problem, StringComparison.Ordinal);
        Assert.Equal(UsageKind.Unknown, report.UsageOf(Guid.Parse(Contoso)).Kind);
        Assert.Empty(report.Tenants);
    }

    [Fact]
    public async Task ReadAsync_UsageReportingDisabled_AWarningAndTheUsageStillRead()
    {
        // Arrange
        await using var emulator = await StartAsync(State(Stamp() with { Activation = new EmulatorActivation { RegistrationId = RegistrationId, UsageReportingEnabled = false } }));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Complete, report.Status);
        Assert.False(report.UsageReportingEnabled);
        Assert.Contains("does not report usage (usageReportingEnabled: false)", Assert.Single(report.Warnings), StringComparison.Ordinal);
        Assert.Equal(UsageKind.Used, report.UsageOf(Guid.Parse(Contoso)).Kind);
    }

    [Fact]
    public async Task ReadAsync_NoActivation_UsageUnknownWithTheServicesCode()
    {
        // Arrange
        await using var emulator = await StartAsync(State(Stamp(registrationId: null)));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Unknown, report.Status);
        Assert.Contains("404 ResourceNotFound", report.Problem, StringComparison.Ordinal);
        Assert.Contains("it is not registered", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_UsagePageTwoAlways503_UsageUnknownForEveryTenantNeverNoUsage()
    {
        // Arrange: 1,500 records (two pages); page 2 answers 503 to every attempt.
        var stamp = Stamp() with
        {
            Usage = ManyRecords(ContosoSub1, 1500),
            Faults = [new EmulatorStampFault { Read = EmulatorStampFault.Usage, Page = 2 }],
        };
        await using var emulator = await StartAsync(State(stamp));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Unknown, report.Status);
        Assert.Contains("503 ServiceUnavailable", report.Problem, StringComparison.Ordinal);
        Assert.Contains("page 2 of the usage records", report.Problem, StringComparison.Ordinal);
        Assert.Equal(UsageKind.Unknown, report.UsageOf(Guid.Parse(Contoso)).Kind);
        Assert.Equal(UsageKind.Unknown, report.UsageOf(Guid.NewGuid()).Kind);
        Assert.Equal(1 + Fast.MaxRetries, emulator.Requests.Count(r => r.Status == 503)); // the pipeline's retries, none of our own
    }

    [Fact]
    public async Task ReadAsync_503Once_RetriedByThePipelineAndComplete()
    {
        // Arrange
        var stamp = Stamp() with
        {
            Usage = ManyRecords(ContosoSub1, 1500),
            Faults = [new EmulatorStampFault { Read = EmulatorStampFault.Usage, Page = 2, Times = 1 }],
        };
        await using var emulator = await StartAsync(State(stamp));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Complete, report.Status);
        Assert.Equal(1500, report.UsageRecords);
        Assert.Equal(1500m, report.UsageOf(Guid.Parse(Contoso)).Quantity);
    }

    [Fact]
    public async Task ReadAsync_2500RecordsOnThreePages_EveryPageReadOnceAndNothingElseAsked()
    {
        // Arrange
        await using var emulator = await StartAsync(State(Stamp() with { Usage = ManyRecords(ContosoSub1, 2500) }));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Complete, report.Status);
        Assert.Equal(2500, report.UsageRecords);
        Assert.Equal(2500m, report.UsageOf(Guid.Parse(Contoso)).Quantity);
        var gets = emulator.Requests.Select(r => r.PathAndQuery).ToArray();
        Assert.Equal(1, gets.Count(p => p.Contains("/activations/default?", StringComparison.Ordinal)));
        Assert.Equal(1, gets.Count(p => p.Contains("/Microsoft.Subscriptions.Admin/subscriptions?", StringComparison.Ordinal)));
        Assert.Equal(3, gets.Count(p => p.Contains("/subscriberUsageAggregates?", StringComparison.Ordinal)));
        Assert.Equal(5, gets.Length); // no metadata document: the emulator's token needs no audience
        Assert.Contains(gets, p => p.Contains("reportedStartTime=2026-11-24T00%3A00%3A00Z&reportedEndTime=2026-12-01T00%3A00%3A00Z&aggregationGranularity=Daily&api-version=2015-06-01-preview", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_2500UserSubscriptionsOnThreePages_EveryPageFollowedByNextLinkAndJoined()
    {
        // Arrange: Fabrikam's one subscription is the last of 2,500 (page three).
        var stamp = Stamp();
        var many = Enumerable.Range(0, 2496)
            .Select(i => new EmulatorUserSubscription { SubscriptionId = $"{i:x8}-3333-4333-8333-333333333333", TenantId = Contoso })
            .Concat(stamp.Subscriptions!.Where(s => s.TenantId != Fabrikam))
            .Append(stamp.Subscriptions!.Single(s => s.TenantId == Fabrikam))
            .ToList();
        await using var emulator = await StartAsync(State(stamp with { Subscriptions = many }));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Complete, report.Status);
        Assert.Equal(2500, report.SubscriptionCount);
        Assert.Equal(3, emulator.Requests.Count(r => r.PathAndQuery.Contains("/Microsoft.Subscriptions.Admin/subscriptions?", StringComparison.Ordinal)));
        Assert.Equal(new TenantUsage(UsageKind.Used, 30m, 1, null), report.UsageOf(Guid.Parse(Fabrikam)));
        Assert.Equal(2498, report.Tenants[Guid.Parse(Contoso)].Subscriptions.Count);
    }

    [Fact]
    public async Task ReadAsync_ReaderClockADayAhead_TheServiceSaysTheEndIsInTheFutureAndUsageIsUnknown()
    {
        // Arrange: the window is computed from our clock, which is a day ahead of the stamp's.
        await using var emulator = await StartAsync(State());
        var window = UsageWindow.LastCompleteDays(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now.AddDays(1)), 7);

        // Act
        var report = await ReadAsync(emulator, window: window);

        // Assert
        Assert.Equal(StampReadStatus.Unknown, report.Status);
        Assert.Contains("400 RequestEndTimeIsInFuture", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void LastCompleteDays_FromTheClock_EndsAtTodaysMidnightUtc()
    {
        // Act
        var window = UsageWindow.LastCompleteDays(Clock(), 7);

        // Assert
        Assert.Equal((Today.AddDays(-7), Today, 7), (window.Start, window.End, window.Days));
        Assert.Equal("between 2026-11-24 and 2026-12-01 (UTC)", window.Between);
        Assert.Equal("in the last 7 days", window.InTheLast);
    }

    [Theory]
    [InlineData("24.5", 24.5)]
    [InlineData("1e2", 100)]
    [InlineData("-0.5", -0.5)]
    public async Task ReadAsync_QuantityAsAString_ReadAsANumber(string text, double expected)
    {
        // Arrange
        await using var emulator = await StartAsync(State(Stamp() with { Usage = [Usage(FabrikamSub, DaysAgo(2), 0, text: text), Usage(FabrikamSub, DaysAgo(3), 1)] }));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Complete, report.Status);
        Assert.Equal((decimal)expected + 1, report.Tenants[Guid.Parse(Fabrikam)].Quantity);
    }

    [Fact]
    public async Task ReadAsync_QuantityNotANumber_ThePageCannotBeUsedAndUsageIsUnknown()
    {
        // Arrange
        await using var emulator = await StartAsync(State(Stamp() with { Usage = [Usage(FabrikamSub, DaysAgo(2), 0, text: "lots")] }));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Unknown, report.Status);
        Assert.Contains("page 1 of the usage records cannot be used: usage record 1 of the page has no usable quantity ('lots')", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_UsageOfASubscriptionTheStampDoesNotList_NoTenantCanBeRuledOut()
    {
        // Arrange
        var unlisted = "9588a78b-bc8b-487f-a748-b6bc88664c0a";
        await using var emulator = await StartAsync(State(Stamp() with { Usage = [Usage(unlisted, DaysAgo(2), 5)] }));

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Complete, report.Status);
        Assert.Equal(5m, report.Unattributed[Guid.Parse(unlisted)]);
        var usage = report.UsageOf(Guid.Parse(Contoso));
        Assert.Equal(UsageKind.Unknown, usage.Kind);
        Assert.Contains("5 units of usage are on 1 subscription(s) the stamp does not list", usage.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NextLinkToAnotherHost_NotFollowedAndUsageIsUnknown()
    {
        // Arrange: the first usage page points at another origin; no token may go there.
        var options = new EmulatorOptions
        {
            InitialState = State(),
            TimeProvider = Clock(),
            Middleware =
            [
                (context, next) => context.Request.Path.Value!.EndsWith("/subscriberUsageAggregates", StringComparison.Ordinal)
                    ? WriteAsync(context, """{"value":[],"nextLink":"https://attacker.example/stamps/x/subscriberUsageAggregates?continuationToken=1"}""")
                    : next(context),
            ],
        };
        await using var emulator = await ArmEmulator.StartAsync(options);

        // Act
        var report = await ReadAsync(emulator);

        // Assert
        Assert.Equal(StampReadStatus.Unknown, report.Status);
        Assert.Contains("is not an absolute URL on", report.Problem, StringComparison.Ordinal);
        Assert.Contains("no token is sent elsewhere", report.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_StampCertificateNotTrusted_UsageUnknownNamingStampCaCert()
    {
        // Arrange: the emulator's certificate is not given as trusted.
        await using var emulator = await StartAsync(State());

        // Act
        var report = await ReadAsync(emulator, trust: false);

        // Assert
        Assert.Equal(StampReadStatus.Unknown, report.Status);
        Assert.Contains("TLS handshake failed", report.Problem, StringComparison.Ordinal);
        Assert.Contains("{StampCaCert} FILE", report.Problem, StringComparison.Ordinal);
        Assert.Empty(emulator.Requests);
    }

    [Fact]
    public async Task ConnectAsync_CredentialNeedsTheAudience_MetadataReadWithoutATokenThenTheTokenAskedForTheStampsAudience()
    {
        // Arrange
        await using var emulator = await StartAsync(State(Stamp() with { Audience = "https://adminmanagement.contoso.example/5c7e6e8a-0d3f-4a3b-9c2d-1e2f3a4b5c6d" }));
        var credentials = new RecordingCredentials(needsMetadata: true);

        // Act
        var report = await ReadAsync(emulator, credentials: credentials);

        // Assert
        Assert.Equal(StampReadStatus.Complete, report.Status);
        Assert.Equal("https://login.microsoftonline.com/", credentials.Metadata!.LoginEndpoint.ToString());
        Assert.False(credentials.Metadata.IsAdfs);
        Assert.Equal(["https://adminmanagement.contoso.example/5c7e6e8a-0d3f-4a3b-9c2d-1e2f3a4b5c6d/.default"], credentials.Scopes.Distinct());
        Assert.Equal(4, emulator.Requests.Count); // metadata, activation, subscriptions, one usage page
        Assert.EndsWith("/metadata/endpoints?api-version=2015-01-01", emulator.Requests[0].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_AdfsLoginEndpoint_TenantAdfsAtTheAdfsHost()
    {
        // Act
        var metadata = new StampMetadata(new Uri("https://adfs.east.contoso.example/adfs/"), "https://adminmanagement.adfs.east.contoso.example/1f9b");

        // Assert
        Assert.True(metadata.IsAdfs);
        Assert.Equal("adfs", metadata.Tenant);
        Assert.Equal(new Uri("https://adfs.east.contoso.example/"), metadata.AuthorityHost);
        Assert.Equal("https://adminmanagement.adfs.east.contoso.example/1f9b/.default", metadata.Scope);
    }

    private static Task WriteAsync(HttpContext context, string body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    private static Task<ArmEmulator> StartAsync(EmulatorState state) =>
        ArmEmulator.StartAsync(new EmulatorOptions { InitialState = state, TimeProvider = Clock() });

    private static Task<StampReport> ReadAsync(ArmEmulator emulator, UsageWindow? window = null, bool trust = true, IStampCredentials? credentials = null)
    {
        var endpoint = AdminEndpoint(emulator);
        var stamp = new DesiredStamp(endpoint, Guid.Parse(Provider), [], new SourceLocation("tenants.yaml", 5, 5));
        var target = new StampTarget(endpoint, stamp.ProviderSubscriptionId, trust ? emulator.Certificate : null);
        return StampReader.ReadAsync(
            Registration,
            stamp,
            token => StampConnector.ConnectAsync(target, credentials ?? new RecordingCredentials(needsMetadata: false), Fast, TimeProvider.System, token),
            window ?? UsageWindow.LastCompleteDays(Clock(), 7),
            CancellationToken.None);
    }

    /// <summary>The emulator's fixed token; records the metadata it was given and the scopes asked for.</summary>
    private sealed class RecordingCredentials(bool needsMetadata) : IStampCredentials
    {
        private readonly List<string> _scopes = [];

        public bool NeedsMetadata => needsMetadata;

        public StampMetadata? Metadata { get; private set; }

        public IReadOnlyList<string> Scopes
        {
            get
            {
                lock (_scopes)
                {
                    return [.. _scopes];
                }
            }
        }

        public TokenCredential Create(Uri adminEndpoint, StampMetadata? metadata)
        {
            Metadata = metadata;
            return new Recording(this);
        }

        private sealed class Recording(RecordingCredentials owner) : TokenCredential
        {
            public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
            {
                lock (owner._scopes)
                {
                    owner._scopes.AddRange(requestContext.Scopes);
                }

                return new AccessToken(EmulatorTokenCredential.Token, DateTimeOffset.MaxValue);
            }

            public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
                new(GetToken(requestContext, cancellationToken));
        }
    }
}
