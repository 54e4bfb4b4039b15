using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

/// <summary>What every request meets before the resource handlers: token, api-version, routing, ids and quota headers.</summary>
public sealed class ArmEmulatorProtocolTests
{
    private const string Customer = "e09a4e93-29a7-4eba-a6d4-76202383f07f";

    [Fact]
    public async Task Request_MissingApiVersion_Returns400MissingApiVersionParameter()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath(), apiVersion: null));

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Equal("MissingApiVersionParameter", ErrorCode(response));
        Assert.Equal("The api-version query parameter (?api-version=) is required for all requests.", ErrorMessage(response));
    }

    [Theory]
    [InlineData("2019-01-01")]
    [InlineData("latest")]
    public async Task Request_UnsupportedApiVersion_Returns400InvalidApiVersionParameterListingTheSupportedOnes(string apiVersion)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(Customer), apiVersion), PutBody(Tenant1));

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidApiVersionParameter", ErrorCode(response));
        Assert.Contains("2017-06-01", ErrorMessage(response), StringComparison.Ordinal);
        Assert.Contains("2022-06-01", ErrorMessage(response), StringComparison.Ordinal);
        Assert.Contains(apiVersion, ErrorMessage(response), StringComparison.Ordinal);
        Assert.Empty(emulator.Snapshot().Registrations[0].CustomerSubscriptions);
    }

    [Fact]
    public async Task Request_NoAuthorizationHeader_Returns401WithBearerChallenge()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator, authenticate: false);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(401, response.Status);
        Assert.Equal("AuthenticationFailed", ErrorCode(response));
        Assert.Equal(
            "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", error_description=\"The authentication failed because of missing 'Authorization' header.\"",
            Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task Request_NonBearerAuthorization_Returns401AuthenticationFailed()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator, authenticate: false);

        // Act
        using var response = await SendAsync(
            pipeline,
            RequestMethod.Get,
            Url(emulator, CollectionPath()),
            headers: new Dictionary<string, string> { ["Authorization"] = "Basic dXNlcjpwYXNz" });

        // Assert
        Assert.Equal(401, response.Status);
        Assert.Equal("AuthenticationFailed", ErrorCode(response));
        Assert.NotNull(Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task Request_TokenOtherThanRequiredToken_Returns401InvalidAuthenticationToken()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State(), RequiredToken = "another-token" });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(401, response.Status);
        Assert.Equal("InvalidAuthenticationToken", ErrorCode(response));
    }

    [Fact]
    public async Task Request_RequiredTokenSent_Returns200()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State(), RequiredToken = EmulatorTokenCredential.Token });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(200, response.Status);
    }

    [Theory]
    [InlineData("GET", "x-ms-ratelimit-remaining-subscription-reads")]
    [InlineData("PUT", "x-ms-ratelimit-remaining-subscription-writes")]
    [InlineData("DELETE", "x-ms-ratelimit-remaining-subscription-deletes")]
    public async Task Response_AnyMethod_CarriesRequestIdsAndItsQuotaHeader(string method, string quotaHeader)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((Customer, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator);
        var uri = Url(emulator, ItemPath(Customer));
        var body = method == "PUT" ? PutBody(Tenant2) : null;

        // Act
        using var first = await SendAsync(pipeline, RequestMethod.Parse(method), uri, body);
        using var second = await SendAsync(pipeline, RequestMethod.Parse(method), uri, body);

        // Assert
        Assert.True(first.Status is 200 or 204, $"status {first.Status}");
        Assert.True(Guid.TryParse(Header(first, "x-ms-request-id"), out var firstId));
        Assert.True(Guid.TryParse(Header(second, "x-ms-request-id"), out var secondId));
        Assert.NotEqual(firstId, secondId);
        Assert.NotNull(Header(first, "x-ms-correlation-request-id"));
        Assert.True(int.Parse(Header(first, quotaHeader)!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var otherQuotaHeaders = new[]
        {
            "x-ms-ratelimit-remaining-subscription-reads",
            "x-ms-ratelimit-remaining-subscription-writes",
            "x-ms-ratelimit-remaining-subscription-deletes",
        }.Where(h => h != quotaHeader);
        Assert.All(otherQuotaHeaders, h => Assert.Null(Header(first, h)));
    }

    [Fact]
    public async Task Response_ErrorResponse_AlsoCarriesRequestIdsAndJsonContentType()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator, authenticate: false);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(401, response.Status);
        Assert.True(Guid.TryParse(Header(response, "x-ms-request-id"), out _));
        Assert.NotNull(Header(response, "x-ms-correlation-request-id"));
        Assert.Equal("application/json; charset=utf-8", Header(response, "Content-Type"));
    }

    [Fact]
    public async Task Response_ClientSentCorrelationId_EchoesIt()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);
        var correlation = Guid.NewGuid().ToString();

        // Act
        using var response = await SendAsync(
            pipeline,
            RequestMethod.Get,
            Url(emulator, CollectionPath()),
            headers: new Dictionary<string, string> { ["x-ms-correlation-request-id"] = correlation });

        // Assert
        Assert.Equal(correlation, Header(response, "x-ms-correlation-request-id"));
    }

    [Fact]
    public async Task Response_NoCorrelationIdSent_EchoesTheClientRequestId()
    {
        // Arrange: Azure.Core's RequestIdPolicy sends x-ms-client-request-id on every request.
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.False(string.IsNullOrEmpty(response.ClientRequestId));
        Assert.Equal(response.ClientRequestId, Header(response, "x-ms-correlation-request-id"));
        Assert.Equal(response.ClientRequestId, Header(response, "x-ms-client-request-id"));
    }

    [Fact]
    public async Task Route_OtherCasingOfSegmentsAndNames_MatchesAndKeepsTheStoredCasing()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((Customer, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator);
        var shouted = $"/SUBSCRIPTIONS/{Subscription.ToUpperInvariant()}/RESOURCEGROUPS/AZURESTACK/PROVIDERS/microsoft.azurestack/REGISTRATIONS/TestRegistration/CUSTOMERSUBSCRIPTIONS";

        // Act
        using var list = await GetAsync(pipeline, Url(emulator, shouted));
        using var put = await PutAsync(pipeline, Url(emulator, $"{shouted}/{Customer.ToUpperInvariant()}"), PutBody(Tenant2));

        // Assert
        Assert.Equal(200, list.Status);
        var item = Assert.Single(Json(list).GetProperty("value").EnumerateArray());
        Assert.Equal($"{CollectionPath()}/{Customer.ToUpperInvariant()}", item.GetProperty("id").GetString());
        Assert.Equal(200, put.Status);
        Assert.Equal($"{Registration}/{Customer.ToUpperInvariant()}", Json(put).GetProperty("name").GetString());
        var stored = Assert.Single(emulator.Snapshot().Registrations[0].CustomerSubscriptions);
        Assert.Equal(Customer, stored.SubscriptionId);
        Assert.Equal(Tenant2, stored.TenantId);
    }

    [Fact]
    public async Task Route_SubscriptionNotAGuid_Returns400InvalidSubscriptionId()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath(subscription: "my-subscription")));

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidSubscriptionId", ErrorCode(response));
    }

    [Theory]
    [InlineData("/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/products", "InvalidResourceType")]
    [InlineData("/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions/e09a4e93-29a7-4eba-a6d4-76202383f07f/extra", "InvalidResourceType")]
    [InlineData("/something/else", "NotFound")]
    public async Task Route_Unknown_Returns404WithArmError(string path, string code)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, path));

        // Assert
        Assert.Equal(404, response.Status);
        Assert.Equal(code, ErrorCode(response));
    }

    [Theory]
    [InlineData("POST", true, "GET, PUT, DELETE")]
    [InlineData("PATCH", true, "GET, PUT, DELETE")]
    [InlineData("PUT", false, "GET")]
    [InlineData("DELETE", false, "GET")]
    public async Task Route_WrongMethod_Returns405WithArmErrorAndAllow(string method, bool item, string allow)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);
        var path = item ? ItemPath(Customer) : CollectionPath();

        // Act
        using var response = await SendAsync(pipeline, RequestMethod.Parse(method), Url(emulator, path), PutBody(Tenant1));

        // Assert
        Assert.Equal(405, response.Status);
        Assert.Equal("MethodNotAllowed", ErrorCode(response));
        Assert.Equal(allow, Header(response, "Allow"));
    }

    [Fact]
    public async Task Requests_AfterCalls_RecordsMethodPathAndStatusInOrder()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var put = await PutAsync(pipeline, Url(emulator, ItemPath(Customer)), PutBody(Tenant1));
        using var get = await GetAsync(pipeline, Url(emulator, ItemPath(Customer), apiVersion: null));
        using var delete = await DeleteAsync(pipeline, Url(emulator, ItemPath(Customer)));

        // Assert
        Assert.Equal(
            [
                ("PUT", $"{ItemPath(Customer)}?api-version=2017-06-01", 200),
                ("GET", ItemPath(Customer), 400),
                ("DELETE", $"{ItemPath(Customer)}?api-version=2017-06-01", 200),
            ],
            emulator.Requests.Select(r => (r.Method, r.PathAndQuery, r.Status)));
    }

    [Fact]
    public async Task Middleware_Configured_RunsBeforeTheHandlers()
    {
        // Arrange: the fault-injection hook answers on its own.
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = State(),
            Middleware =
            [
                (context, next) =>
                {
                    if (!Microsoft.AspNetCore.Http.HttpMethods.IsPut(context.Request.Method))
                    {
                        return next(context);
                    }

                    context.Response.StatusCode = 409;
                    return Task.CompletedTask;
                },
            ],
        });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var put = await PutAsync(pipeline, Url(emulator, ItemPath(Customer)), PutBody(Tenant1));
        using var get = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(409, put.Status);
        Assert.True(Guid.TryParse(Header(put, "x-ms-request-id"), out _));
        Assert.Equal(200, get.Status);
        Assert.Empty(emulator.Snapshot().Registrations[0].CustomerSubscriptions);
    }
}
