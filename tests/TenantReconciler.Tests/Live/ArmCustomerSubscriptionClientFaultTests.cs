using System.Net.Sockets;
using static TenantReconciler.Tests.Live.LiveTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// The client against <see cref="FaultyArmServer"/>: the misbehaviours the emulator does not produce (a later page
/// failing, foreign or looping nextLinks, malformed items, unexpected PUT bodies), through the real pipeline over HTTPS.
/// </summary>
public sealed class ArmCustomerSubscriptionClientFaultTests
{
    private const string SubscriptionA = "E09A4E93-29A7-4EBA-A6D4-76202383F07F";
    private const string SubscriptionB = "0B6A7A43-5E2C-4C58-9D7E-6D3A9C1B2F11";
    private const string TenantA = "dbab3982-796f-4d03-9908-044c08aef8a2";
    private const string TenantB = "5f0e4a8b-9c1d-4e2f-8a3b-7c6d5e4f3a2b";

    [Fact]
    public async Task ListAsync_Page2Returns503Always_RetriesThenThrowsWithoutPartialResult()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], NextLink(request.BaseUri, "page2")))
            : new FaultyResponse(503, """{"error":{"code":"ServiceUnavailable","message":"Try again later."}}"""));
        var client = CreateClient(server.BaseUri, server.Certificate, maxRetries: 2);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal(503, exception.Status);
        Assert.Equal("ServiceUnavailable", exception.ErrorCode);
        Assert.True(exception.IsTransient);
        Assert.Equal("faulty-3", exception.RequestId);
        Assert.Equal(4, server.Requests.Count); // page 1, then page 2 once plus two retries
        Assert.Contains("503 ServiceUnavailable: Try again later.", exception.Message, StringComparison.Ordinal);
        Assert.Contains("$skipToken=page2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_Page2Returns503Once_RetryPolicyRecoversAndListingIsComplete()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => request.Index switch
        {
            0 => new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], NextLink(request.BaseUri, "page2"))),
            1 => new FaultyResponse(503),
            _ => new FaultyResponse(200, Page([Item(Registration, SubscriptionB, TenantB)])),
        });
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Equal([SubscriptionA, SubscriptionB], live.Mappings.Select(m => m.CustomerSubscriptionName));
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(server.Requests[1].PathAndQuery, server.Requests[2].PathAndQuery);
    }

    [Fact]
    public async Task ListAsync_429WithRetryAfter_IsRetried()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(429, """{"error":{"code":"TooManyRequests","message":"Throttled."}}""", new Dictionary<string, string> { ["Retry-After"] = "0" })
            : new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)])));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Single(live.Mappings);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_Page2Returns404_ThrowsNotFoundAndSaysNothingWillBeWritten()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], NextLink(request.BaseUri, "page2")))
            : new FaultyResponse(404, """{"error":{"code":"ResourceNotFound","message":"The Resource was not found."}}"""));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal(404, exception.Status);
        Assert.Equal("ResourceNotFound", exception.ErrorCode);
        Assert.False(exception.IsTransient);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("was not found; nothing will be written.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_ErrorBodyIsNotJson_ThrowsWithStatusAndReason()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(403, "<html>Forbidden</html>"));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal(403, exception.Status);
        Assert.Null(exception.ErrorCode);
        Assert.Equal("faulty-0", exception.RequestId);
        Assert.Contains("failed: 403 Forbidden.", exception.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("https://evil.example/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions?$skipToken=x")]
    [InlineData("http://127.0.0.1:{port}/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions?$skipToken=x")]
    [InlineData("https://127.0.0.1:1/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions?$skipToken=x")]
    [InlineData("https://user@127.0.0.1:{port}/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions?$skipToken=x")]
    [InlineData("/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions?$skipToken=x")]
    [InlineData("customerSubscriptions?$skipToken=x")]
    [InlineData("https://127.0.0.1:{port}/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/otherregistration/customerSubscriptions?$skipToken=x")]
    [InlineData("https://127.0.0.1:{port}/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions/../../otherregistration/customerSubscriptions?$skipToken=x")]
    [InlineData("https://127.0.0.1:{port}/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration%2FcustomerSubscriptions?$skipToken=x")]
    [InlineData("https://127.0.0.1:{port}/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf?$skipToken=x")]
    public async Task ListAsync_NextLinkNotOnEndpointOrNotThisCollection_ThrowsForeignNextLinkAfterOneRequest(string nextLink)
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request =>
            new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], nextLink.Replace("{port}", request.BaseUri.Port.ToString(), StringComparison.Ordinal))));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal("ForeignNextLink", exception.ErrorCode);
        Assert.Equal(0, exception.Status);
        Assert.Single(server.Requests);
        Assert.Contains("nothing will be written", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_ForeignNextLink_RefusedBeforeSendingAndNotTransient()
    {
        // Arrange: a nextLink to another host is refused on our side, before anything is sent there. No retry changes
        // that, so it is not "no response" (status 0 said both once, and a foreign nextLink was retried as transient).
        await using var server = await FaultyArmServer.StartAsync(_ =>
            new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], "https://evil.example/customerSubscriptions?$skipToken=x")));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal("ForeignNextLink", exception.ErrorCode);
        Assert.False(exception.IsTransient);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ListAsync_NextLinkDiffersOnlyInCase_IsFollowed()
    {
        // Arrange: ARM paths are case-insensitive, and the host is the same.
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], NextLink(request.BaseUri, "p2").Replace("/resourceGroups/azurestack/", "/RESOURCEGROUPS/AzureStack/", StringComparison.Ordinal)))
            : new FaultyResponse(200, Page([Item(Registration, SubscriptionB, TenantB)])));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Equal(2, live.Mappings.Count);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_NextLinkWithoutApiVersion_FollowedWithApiVersionAdded()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], new Uri(request.BaseUri, CollectionPath(Registration) + "?$skipToken=p2").AbsoluteUri))
            : new FaultyResponse(200, Page([])));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("$skipToken=p2", server.Requests[1].PathAndQuery, StringComparison.Ordinal);
        Assert.Contains($"api-version={ApiVersions.Default}", server.Requests[1].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_NextLinkPointsBackToAnEarlierPage_ThrowsNextLinkLoop()
    {
        // Arrange: page 1 -> page 2 -> page 1 again.
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], NextLink(request.BaseUri, "page2")))
            : new FaultyResponse(200, Page([Item(Registration, SubscriptionB, TenantB)], NextLink(request.BaseUri, "page2"))));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal("NextLinkLoop", exception.ErrorCode);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_NextLinkIsTheFirstRequest_ThrowsNextLinkLoopAfterOneRequest()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request =>
            new FaultyResponse(200, Page([], new Uri(request.BaseUri, request.PathAndQuery).AbsoluteUri)));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal("NextLinkLoop", exception.ErrorCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ListAsync_EndlessDistinctPages_ThrowsTooManyPagesAtTheCap()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request =>
            new FaultyResponse(200, Page([], NextLink(request.BaseUri, $"page{request.Index + 2}"))));
        var client = CreateClient(server.BaseUri, server.Certificate, maxPages: 5);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal("TooManyPages", exception.ErrorCode);
        Assert.Equal(5, server.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_NullOrEmptyNextLink_EndsTheListing()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(200, $$"""{"value":[],"nextLink":"{{NextLink(request.BaseUri, "p2")}}"}""")
            : request.Index == 1
                ? new FaultyResponse(200, """{"value":[],"nextLink":null}""")
                : new FaultyResponse(500));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Empty(live.Mappings);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_WhitespaceBody_IsAPageWithoutItems()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(200, " \r\n "));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Empty(live.Mappings);
        Assert.Equal(Registration, live.Registration);
    }

    [Theory]
    [InlineData("""{"name":"testregistration/E09A4E93-29A7-4EBA-A6D4-76202383F07F","properties":{"tenantId":"dbab3982-796f-4d03-9908-044c08aef8a2"}}""")]
    [InlineData("""{"id":" subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions/E09A4E93-29A7-4EBA-A6D4-76202383F07F","properties":{"tenantId":"dbab3982-796f-4d03-9908-044c08aef8a2"}}""")]
    [InlineData("""{"id":"/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions/cspSubscriptionId 1","properties":{"tenantId":"dbab3982-796f-4d03-9908-044c08aef8a2"}}""")]
    [InlineData("""{"id":"/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/other/customerSubscriptions/E09A4E93-29A7-4EBA-A6D4-76202383F07F","properties":{"tenantId":"dbab3982-796f-4d03-9908-044c08aef8a2"}}""")]
    [InlineData("""{"id":"/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/products/E09A4E93-29A7-4EBA-A6D4-76202383F07F","properties":{"tenantId":"dbab3982-796f-4d03-9908-044c08aef8a2"}}""")]
    [InlineData("""{"id":"/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions/E09A4E93-29A7-4EBA-A6D4-76202383F07F"}""")]
    [InlineData("""{"id":"/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions/E09A4E93-29A7-4EBA-A6D4-76202383F07F","properties":{"tenantId":"tId1"}}""")]
    [InlineData("""{"id":"/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions/E09A4E93-29A7-4EBA-A6D4-76202383F07F","properties":{"tenantId":null}}""")]
    [InlineData("42")]
    public async Task ListAsync_InvalidItemOnPage2_ThrowsInvalidListItemInsteadOfDroppingIt(string badItem)
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], NextLink(request.BaseUri, "page2")))
            : new FaultyResponse(200, $$"""{"value":[{{badItem}}]}"""));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal("InvalidListItem", exception.ErrorCode);
        Assert.Equal("faulty-1", exception.RequestId);
        Assert.Contains("page 2", exception.Message, StringComparison.Ordinal);
        Assert.Contains("nothing will be written", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"items":[]}""")]
    [InlineData("""{"value":[],"nextLink":42}""")]
    public async Task ListAsync_UnreadablePage_ThrowsInvalidResponse(string body)
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(200, body));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal("InvalidResponse", exception.ErrorCode);
    }

    [Fact]
    public async Task ListAsync_SameSubscriptionOnTwoPages_ThrowsDuplicateListItem()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(200, Page([Item(Registration, SubscriptionA, TenantA)], NextLink(request.BaseUri, "page2")))
            : new FaultyResponse(200, Page([Item(Registration, SubscriptionA.ToLowerInvariant(), TenantB)])));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal("DuplicateListItem", exception.ErrorCode);
    }

    [Fact]
    public async Task ListAsync_EveryPage_SendsBearerTokenApiVersionAndOneCorrelationId()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => request.Index == 0
            ? new FaultyResponse(200, Page([], NextLink(request.BaseUri, "page2")))
            : new FaultyResponse(200, Page([])));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal($"Bearer {EmulatorTokenCredential.Token}", r.Authorization));
        Assert.All(server.Requests, r => Assert.Equal("GET", r.Method));
        Assert.Equal(
            $"{CollectionPath(Registration)}?api-version={ApiVersions.Default}",
            server.Requests[0].PathAndQuery);
        Assert.True(Guid.TryParse(server.Requests[0].CorrelationId, out _));
        Assert.Equal(server.Requests[0].CorrelationId, server.Requests[1].CorrelationId);
    }

    [Fact]
    public async Task PutAsync_Request_SendsExactlyTheTenantBodyAsJson()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(201));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var result = await client.PutAsync(Registration, SubscriptionA, Guid.Parse(TenantA.ToUpperInvariant()), CancellationToken.None);

        // Assert
        var request = Assert.Single(server.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal($"{IdOf(Registration, SubscriptionA)}?api-version={ApiVersions.Default}", request.PathAndQuery);
        Assert.Equal($$$"""{"properties":{"tenantId":"{{{TenantA}}}"}}""", request.Body);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal(new ArmWriteResult(201, "faulty-0", request.CorrelationId), result);
    }

    [Fact]
    public async Task PutAsync_ResponseNamesAnotherTenant_ThrowsUnexpectedTenant()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ =>
            new FaultyResponse(200, $$$"""{"properties":{"tenantId":"{{{TenantB}}}"}}"""));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() =>
            client.PutAsync(Registration, SubscriptionA, Guid.Parse(TenantA), CancellationToken.None));

        // Assert
        Assert.Equal("UnexpectedTenant", exception.ErrorCode);
        Assert.Equal(200, exception.Status);
        Assert.Contains(TenantB, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutAsync_ResponseLikeTheOfficialExample_Succeeds()
    {
        // Arrange: the Put.json example answers 200 with empty id/name/type and the tenant.
        await using var server = await FaultyArmServer.StartAsync(_ =>
            new FaultyResponse(200, $$$"""{"id":"","name":"","type":"","properties":{"tenantId":"{{{TenantA.ToUpperInvariant()}}}"}}"""));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var result = await client.PutAsync(Registration, SubscriptionA, Guid.Parse(TenantA), CancellationToken.None);

        // Assert
        Assert.Equal(200, result.Status);
    }

    [Theory]
    [InlineData(202)]
    [InlineData(204)]
    [InlineData(409)]
    public async Task PutAsync_OtherStatus_Throws(int status)
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(status));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() =>
            client.PutAsync(Registration, SubscriptionA, Guid.Parse(TenantA), CancellationToken.None));

        // Assert
        Assert.Equal(status, exception.Status);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    public async Task DeleteAsync_200Or204_Succeeds(int status)
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(status));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var result = await client.DeleteAsync(Registration, SubscriptionA, CancellationToken.None);

        // Assert
        Assert.Equal(status, result.Status);
        Assert.Equal("DELETE", Assert.Single(server.Requests).Method);
    }

    [Fact]
    public async Task DeleteAsync_500AfterRetries_ThrowsTransient()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ =>
            new FaultyResponse(500, """{"error":{"code":"InternalServerError","message":"Boom"}}"""));
        var client = CreateClient(server.BaseUri, server.Certificate, maxRetries: 1);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() =>
            client.DeleteAsync(Registration, SubscriptionA, CancellationToken.None));

        // Assert
        Assert.Equal(500, exception.Status);
        Assert.True(exception.IsTransient);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains("500 InternalServerError: Boom.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_NoServerListening_ThrowsStatus0WithInnerException()
    {
        // Arrange: a port that was just free.
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = CreateClient(new Uri($"https://127.0.0.1:{port}/"), null, maxRetries: 1);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal(0, exception.Status);
        Assert.True(exception.IsTransient);
        Assert.NotNull(exception.InnerException);
        Assert.NotNull(exception.CorrelationId);
    }

    [Fact]
    public async Task ListAsync_CertificateNameMismatchEvenIfTrusted_IsRejected()
    {
        // Arrange: the trusted certificate names only "arm.test", and the endpoint is 127.0.0.1.
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(200, Page([])), dnsName: "arm.test");
        var client = CreateClient(server.BaseUri, server.Certificate, maxRetries: 0);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal(0, exception.Status);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ListAsync_SelfSignedServerWithoutTrustedCertificate_IsRejected()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(200, Page([])));
        var client = CreateClient(server.BaseUri, trusted: null, maxRetries: 0);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal(0, exception.Status);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ListAsync_TrustedCertificateOfAnotherServer_IsRejected()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(200, Page([])));
        await using var other = await FaultyArmServer.StartAsync(_ => new FaultyResponse(200, Page([])));
        var client = CreateClient(server.BaseUri, other.Certificate, maxRetries: 0);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal(0, exception.Status);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ListAsync_CancelledToken_ThrowsOperationCanceled()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(_ => new FaultyResponse(200, Page([])));
        var client = CreateClient(server.BaseUri, server.Certificate);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        // Act
        var exception = await Record.ExceptionAsync(() => client.ListAsync(Registration, cancellation.Token));

        // Assert
        Assert.IsAssignableFrom<OperationCanceledException>(exception);
    }
}
