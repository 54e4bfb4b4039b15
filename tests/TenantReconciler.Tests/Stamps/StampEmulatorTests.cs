using Azure;
using Azure.Core.Pipeline;
using TenantReconciler.Tests.Emulator;
using static TenantReconciler.Tests.Stamps.StampFixtures;

namespace TenantReconciler.Tests.Stamps;

/// <summary>The emulator's stamp admin API over HTTPS, through an Azure.Core pipeline: shapes, paging and errors.</summary>
public sealed class StampEmulatorTests
{
    private const string Window = "reportedStartTime=2026-11-24T00:00:00Z&reportedEndTime=2026-12-01T00:00:00Z&aggregationGranularity=Daily&api-version=2015-06-01-preview";

    [Fact]
    public async Task Metadata_AzureAdStamp_ServedWithoutATokenWithLoginEndpointAndAudience()
    {
        // Arrange
        await using var emulator = await StartAsync(State());
        var anonymous = EmulatorPipeline.Create(emulator, authenticate: false);

        // Act
        var response = await ArmCalls.GetAsync(anonymous, Url(emulator, "/metadata/endpoints?api-version=2015-01-01"));

        // Assert
        Assert.Equal(200, response.Status);
        using var body = JsonDocument.Parse(response.Content);
        var authentication = body.RootElement.GetProperty("authentication");
        Assert.Equal("https://login.microsoftonline.com/", authentication.GetProperty("loginEndpoint").GetString());
        Assert.StartsWith("https://adminmanagement.contoso.onmicrosoft.com/", authentication.GetProperty("audiences")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("https://graph.windows.net/", body.RootElement.GetProperty("graphEndpoint").GetString());
    }

    [Fact]
    public async Task Metadata_AdfsStamp_LoginEndpointIsTheStampsAdfs()
    {
        // Arrange
        await using var emulator = await StartAsync(State(Stamp() with { IdentitySystem = EmulatorStamp.Adfs }));

        // Act
        var response = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator, authenticate: false), Url(emulator, "/metadata/endpoints?api-version=2015-01-01"));

        // Assert
        using var body = JsonDocument.Parse(response.Content);
        var authentication = body.RootElement.GetProperty("authentication");
        Assert.Equal("https://adfs.local.azurestack.external/adfs/", authentication.GetProperty("loginEndpoint").GetString());
        Assert.StartsWith("https://adminmanagement.adfs.local.azurestack.external/", authentication.GetProperty("audiences")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activation_WithoutAToken_Is401AndWithOne_TheRegistrationIdAsTheStampSpellsIt()
    {
        // Arrange
        await using var emulator = await StartAsync(State(Stamp() with { Activation = new EmulatorActivation { RegistrationId = RegistrationIdAsTheStampSpellsIt, UsageReportingEnabled = false } }));
        var url = Url(emulator, $"/subscriptions/{Provider}/resourceGroups/azurestack-activation/providers/Microsoft.AzureBridge.Admin/activations/default?api-version=2016-01-01");

        // Act
        var anonymous = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator, authenticate: false), url);
        var response = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator), url);
        var configuration = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator), Url(emulator, $"/subscriptions/{Provider}/resourceGroups/azurestack-activation/providers/Microsoft.AzureBridge.Admin/activations/default/configuration?api-version=2016-01-01"));

        // Assert
        Assert.Equal(401, anonymous.Status);
        Assert.Equal(200, response.Status);
        using var body = JsonDocument.Parse(response.Content);
        var properties = body.RootElement.GetProperty("properties");
        Assert.Equal(RegistrationIdAsTheStampSpellsIt, properties.GetProperty("azureRegistrationResourceIdentifier").GetString());
        Assert.False(properties.GetProperty("usageReportingEnabled").GetBoolean());
        Assert.Equal("Microsoft.AzureBridge.Admin/activations", body.RootElement.GetProperty("type").GetString());
        Assert.Contains("\"identitySystem\":\"AzureAD\"", configuration.Content.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activation_NoneInTheState_Is404ResourceNotFound()
    {
        // Arrange
        await using var emulator = await StartAsync(State(Stamp(registrationId: null)));

        // Act
        var response = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator), Url(emulator, $"/subscriptions/{Provider}/resourceGroups/azurestack-activation/providers/Microsoft.AzureBridge.Admin/activations/default?api-version=2016-01-01"));

        // Assert
        Assert.Equal(404, response.Status);
        Assert.Equal("ResourceNotFound", ErrorCode(response));
    }

    [Fact]
    public async Task Subscriptions_2500_ThreePagesByNextLinkWithTheTenantAtTheTopLevel()
    {
        // Arrange
        var many = Enumerable.Range(0, 2500)
            .Select(i => new EmulatorUserSubscription { SubscriptionId = Guid.CreateVersion7().ToString(), TenantId = Contoso, DelegatedProviderSubscriptionId = i == 2499 ? Reseller : null })
            .ToList();
        await using var emulator = await StartAsync(State(Stamp() with { Subscriptions = many }));
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        var pages = await ReadAllAsync(pipeline, Url(emulator, $"/subscriptions/{Provider}/providers/Microsoft.Subscriptions.Admin/subscriptions?api-version=2015-11-01"));

        // Assert
        Assert.Equal([1000, 1000, 500], pages.Select(p => p.GetProperty("value").GetArrayLength()));
        var items = pages.SelectMany(p => p.GetProperty("value").EnumerateArray()).ToList();
        Assert.Equal(many.Select(s => s.SubscriptionId), items.Select(i => i.GetProperty("subscriptionId").GetString()));
        Assert.All(items, i => Assert.Equal(Contoso, i.GetProperty("tenantId").GetString()));
        Assert.Equal(Provider, items[0].GetProperty("delegatedProviderSubscriptionId").GetString());
        Assert.Equal(Reseller, items[^1].GetProperty("delegatedProviderSubscriptionId").GetString());
        Assert.Equal("Enabled", items[0].GetProperty("state").GetString());
        Assert.Contains("$skipToken=1000", pages[0].GetProperty("nextLink").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_2500RecordsInTheWindow_PagesOf1000ByContinuationToken_OutsideTheWindowAndResellersLeftOut()
    {
        // Arrange
        var records = ManyRecords(ContosoSub1, 2500);
        records.Add(Usage(ContosoSub1, DaysAgo(9), 5));
        records.Add(Usage(NorthwindSub, DaysAgo(1), 5));
        await using var emulator = await StartAsync(State(Stamp() with { Usage = records }));

        // Act
        var pages = await ReadAllAsync(EmulatorPipeline.Create(emulator), Url(emulator, $"/subscriptions/{Provider}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?{Window}"));

        // Assert
        Assert.Equal([1000, 1000, 500], pages.Select(p => p.GetProperty("value").GetArrayLength()));
        var next = pages[0].GetProperty("nextLink").GetString()!;
        Assert.StartsWith(emulator.BaseUri + "stamps/", next, StringComparison.Ordinal);
        Assert.Contains("continuationToken=", next, StringComparison.Ordinal);
        Assert.Contains("reportedEndTime=2026-12-01T00%3A00%3A00Z", next, StringComparison.Ordinal);
        var first = pages[0].GetProperty("value")[0].GetProperty("properties");
        Assert.Equal(ContosoSub1, first.GetProperty("subscriptionId").GetString());
        Assert.Equal(JsonValueKind.Number, first.GetProperty("quantity").ValueKind);
        Assert.Equal("2026-11-30T00:00:00+00:00", first.GetProperty("usageStartTime").GetString());
        Assert.All(pages.SelectMany(p => p.GetProperty("value").EnumerateArray()), r => Assert.Equal(ContosoSub1, r.GetProperty("properties").GetProperty("subscriptionId").GetString()));
    }

    [Fact]
    public async Task Usage_QuantityText_ServedAsAString()
    {
        // Arrange
        await using var emulator = await StartAsync(State());

        // Act
        var response = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator), Url(emulator, $"/subscriptions/{Provider}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?{Window}&subscriberId={FabrikamSub}"));

        // Assert
        Assert.Equal(200, response.Status);
        using var body = JsonDocument.Parse(response.Content);
        var quantity = Assert.Single(body.RootElement.GetProperty("value").EnumerateArray()).GetProperty("properties").GetProperty("quantity");
        Assert.Equal(JsonValueKind.String, quantity.ValueKind);
        Assert.Equal("30.0", quantity.GetString());
    }

    [Theory]
    [InlineData("reportedStartTime=2026-11-24T00:00:00Z&reportedEndTime=2026-12-02T00:00:00Z&aggregationGranularity=Daily", "RequestEndTimeIsInFuture")]
    [InlineData("reportedStartTime=2026-11-30T00:00:00Z&reportedEndTime=2026-12-01T10:00:00Z&aggregationGranularity=Hourly", "RequestEndTimeIsInFuture")]
    [InlineData("reportedStartTime=2026-11-24T00:00:00Z&reportedEndTime=2026-12-01T00:00:00Z&aggregationGranularity=Weekly", "InvalidAggregationGranularity")]
    [InlineData("reportedStartTime=2026-11-24T06:00:00Z&reportedEndTime=2026-12-01T00:00:00Z&aggregationGranularity=Daily", "InvalidReportedTime")]
    [InlineData("reportedStartTime=2026-11-24T00:30:00Z&reportedEndTime=2026-12-01T00:00:00Z&aggregationGranularity=Hourly", "InvalidReportedTime")]
    [InlineData("reportedEndTime=2026-12-01T00:00:00Z", "MissingRequiredParameter")]
    [InlineData($"reportedStartTime=2026-11-24T00:00:00Z&reportedEndTime=2026-12-01T00:00:00Z&subscriberId={NorthwindSub}", "SubscriberIdIsNotDirectTenant")]
    [InlineData("reportedStartTime=2026-11-24T00:00:00Z&reportedEndTime=2026-12-01T00:00:00Z&continuationToken=bm90LW91cnM=", "InvalidContinuationToken")]
    public async Task Usage_BadQuery_400WithTheServicesCode(string query, string code)
    {
        // Arrange
        await using var emulator = await StartAsync(State());

        // Act
        var response = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator), Url(emulator, $"/subscriptions/{Provider}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?{query}&api-version=2015-06-01-preview"));

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Equal(code, ErrorCode(response));
    }

    [Fact]
    public async Task Usage_EndAtTodaysMidnight_IsAccepted()
    {
        // Arrange: the last complete day ends at today's midnight, which is not "in the future".
        await using var emulator = await StartAsync(State());

        // Act
        var response = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator), Url(emulator, $"/subscriptions/{Provider}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?reportedStartTime=2026-11-30T00:00:00Z&reportedEndTime=2026-12-01T00:00:00Z&api-version=2015-06-01-preview"));

        // Assert
        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("/metadata/endpoints?api-version=2016-01-01")]
    [InlineData($"/subscriptions/{Provider}/providers/Microsoft.Subscriptions.Admin/subscriptions?api-version=2017-06-01")]
    [InlineData($"/subscriptions/{Provider}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?{Window}&api-version=2015-06-01")]
    public async Task AnyRead_WrongApiVersion_400InvalidApiVersionParameter(string path)
    {
        // Arrange
        await using var emulator = await StartAsync(State());

        // Act
        var response = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator), Url(emulator, path.Replace("&api-version=2015-06-01-preview&", "&", StringComparison.Ordinal)));

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Contains(ErrorCode(response), new[] { "InvalidApiVersionParameter" });
    }

    [Fact]
    public async Task AnyRead_UnknownStamp_404SubscriptionNotFound()
    {
        // Arrange
        await using var emulator = await StartAsync(State());
        var unknown = "0b0b0b0b-1111-4222-8333-444444444444";

        // Act
        var response = await ArmCalls.GetAsync(EmulatorPipeline.Create(emulator), new Uri(emulator.BaseUri, $"stamps/{unknown}/subscriptions/{unknown}/providers/Microsoft.Subscriptions.Admin/subscriptions?api-version=2015-11-01"));

        // Assert
        Assert.Equal(404, response.Status);
        Assert.Equal("SubscriptionNotFound", ErrorCode(response));
    }

    [Fact]
    public async Task Usage_503OnPageTwoOnce_ServiceUnavailableThenThePage()
    {
        // Arrange
        var stamp = Stamp() with
        {
            Usage = ManyRecords(ContosoSub1, 1500),
            Faults = [new EmulatorStampFault { Read = EmulatorStampFault.Usage, Page = 2, Times = 1, RetryAfterSeconds = 0 }],
        };
        await using var emulator = await StartAsync(State(stamp));
        var noRetries = EmulatorPipeline.Create(emulator, maxRetries: 0);
        var first = await ArmCalls.GetAsync(noRetries, Url(emulator, $"/subscriptions/{Provider}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?{Window}"));
        using var body = JsonDocument.Parse(first.Content);
        var next = new Uri(body.RootElement.GetProperty("nextLink").GetString()!);

        // Act
        var refused = await ArmCalls.GetAsync(noRetries, next);
        var again = await ArmCalls.GetAsync(noRetries, next);

        // Assert
        Assert.Equal(503, refused.Status);
        Assert.Equal("ServiceUnavailable", ErrorCode(refused));
        Assert.True(refused.Headers.TryGetValue("Retry-After", out var retryAfter) && retryAfter == "0");
        Assert.Equal(200, again.Status);
        using var page = JsonDocument.Parse(again.Content);
        Assert.Equal(500, page.RootElement.GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task StateFile_AWriteToARegistration_KeepsTheStamps()
    {
        // Arrange
        using var temp = new TempDirectory();
        var path = temp.File("state.json");
        await using (var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { StatePath = path, InitialState = State(), TimeProvider = Clock() }))
        {
            // Act
            var put = await ArmCalls.PutAsync(
                EmulatorPipeline.Create(emulator),
                new Uri(emulator.BaseUri, $"{RegistrationId}/customerSubscriptions/{Guid.NewGuid()}?api-version=2017-06-01"),
                ArmCalls.PutBody(Fabrikam));
            Assert.Equal(200, put.Status);
            Assert.Single(emulator.Snapshot().Stamps!);
        }

        // Assert
        var stamp = Assert.Single(EmulatorState.Load(path).Stamps!);
        Assert.Equal(Provider, stamp.ProviderSubscriptionId);
        Assert.Equal("30.0", stamp.Usage!.Single(u => u.SubscriptionId == FabrikamSub).QuantityText);
        Assert.Equal(RegistrationIdAsTheStampSpellsIt, stamp.Activation!.RegistrationId);
    }

    [Fact]
    public async Task StateFile_WithoutStamps_WrittenWithoutAStampsKey()
    {
        // Arrange
        using var temp = new TempDirectory();
        var path = temp.File("state.json");

        // Act
        await using (var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { StatePath = path, InitialState = State() with { Stamps = null } }))
        {
        }

        // Assert
        Assert.DoesNotContain("stamps", File.ReadAllText(path), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task StateFile_HandWrittenWithoutDefaults_ReportingOnAnd503AndEmptyLists()
    {
        // Arrange: the JSON omits usageReportingEnabled, a fault's status, and the lists.
        using var temp = new TempDirectory();
        var path = temp.Write("state.json", $$"""
            { "registrations": [], "stamps": [ {
              "providerSubscriptionId": "{{Provider}}",
              "activation": { "registrationId": "{{RegistrationId}}" },
              "faults": [ { "read": "usage" } ] } ] }
            """);
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { StatePath = path, TimeProvider = Clock() });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        var activation = await ArmCalls.GetAsync(pipeline, Url(emulator, $"/subscriptions/{Provider}/resourceGroups/azurestack-activation/providers/Microsoft.AzureBridge.Admin/activations/default?api-version=2016-01-01"));
        var subscriptions = await ArmCalls.GetAsync(pipeline, Url(emulator, $"/subscriptions/{Provider}/providers/Microsoft.Subscriptions.Admin/subscriptions?api-version=2015-11-01"));
        var usage = await ArmCalls.GetAsync(pipeline, Url(emulator, $"/subscriptions/{Provider}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?{Window}"));

        // Assert
        Assert.Contains("\"usageReportingEnabled\":true", activation.Content.ToString(), StringComparison.Ordinal);
        Assert.Equal("""{"value":[]}""", subscriptions.Content.ToString());
        Assert.Equal(503, usage.Status);
        Assert.Equal("ServiceUnavailable", ErrorCode(usage));
    }

    private static Task<ArmEmulator> StartAsync(EmulatorState state) =>
        ArmEmulator.StartAsync(new EmulatorOptions { InitialState = state, TimeProvider = Clock() });

    private static Uri Url(ArmEmulator emulator, string pathAndQuery) => new($"{AdminEndpoint(emulator)}{pathAndQuery}");

    private static string? ErrorCode(Response response)
    {
        using var body = JsonDocument.Parse(response.Content);
        return body.RootElement.GetProperty("error").GetProperty("code").GetString();
    }

    /// <summary>Every page, following nextLink; each page's root element (cloned).</summary>
    private static async Task<List<JsonElement>> ReadAllAsync(HttpPipeline pipeline, Uri first)
    {
        var pages = new List<JsonElement>();
        Uri? next = first;
        while (next is not null)
        {
            var response = await ArmCalls.GetAsync(pipeline, next);
            Assert.Equal(200, response.Status);
            using var body = JsonDocument.Parse(response.Content);
            pages.Add(body.RootElement.Clone());
            next = body.RootElement.TryGetProperty("nextLink", out var link) ? new Uri(link.GetString()!) : null;
        }

        return pages;
    }
}
