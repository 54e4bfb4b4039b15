using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

public sealed class ArmEmulatorListTests
{
    private static string CustomerSubscription(int i) => $"{i:D8}-abcd-4ef0-8abc-0123456789ab";

    private static string TenantOf(int i) => $"{i:D8}-1111-4222-8333-444444444444";

    [Fact]
    public async Task List_SevenMappingsWithPageSizeThree_ReturnsThreePagesLinkedByNextLink()
    {
        // Arrange: seeded out of order and in lower case.
        int[] order = [5, 2, 7, 1, 4, 6, 3];
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            PageSize = 3,
            InitialState = State(order.Select(i => (CustomerSubscription(i), TenantOf(i))).ToArray()),
        });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        var pages = new List<(string[] Names, string? NextLink)>();
        var url = Url(emulator, CollectionPath());
        while (url is not null)
        {
            using var response = await GetAsync(pipeline, url);
            Assert.Equal(200, response.Status);
            var body = Json(response);
            var nextLink = body.TryGetProperty("nextLink", out var link) ? link.GetString() : null;
            pages.Add((body.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("name").GetString()!).ToArray(), nextLink));
            url = nextLink is null ? null : new Uri(nextLink);
        }

        // Assert
        Assert.Equal([3, 3, 1], pages.Select(p => p.Names.Length));
        Assert.Equal(
            Enumerable.Range(1, 7).Select(i => $"{Registration}/{CustomerSubscription(i).ToUpperInvariant()}"),
            pages.SelectMany(p => p.Names));
        Assert.Null(pages[^1].NextLink);
        foreach (var nextLink in pages.Take(2).Select(p => p.NextLink!))
        {
            Assert.StartsWith($"{emulator.BaseUri.GetLeftPart(UriPartial.Authority)}{CollectionPath()}?", nextLink, StringComparison.Ordinal);
            Assert.Contains("api-version=2017-06-01", nextLink, StringComparison.Ordinal);
            Assert.Single(new Uri(nextLink).Query.TrimStart('?').Split('&'), p => p.StartsWith("$skipToken=", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task List_Mapping_ReturnsUpperCaseIdAndNameAndLowerCaseTenant()
    {
        // Arrange
        const string customer = "e09a4e93-29a7-4eba-a6d4-76202383f07f";
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = State((customer, Tenant1.ToUpperInvariant())),
        });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert: the official List example, item for item.
        Assert.Equal(200, response.Status);
        var item = Assert.Single(Json(response).GetProperty("value").EnumerateArray());
        Assert.Equal(
            "/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration/customerSubscriptions/E09A4E93-29A7-4EBA-A6D4-76202383F07F",
            item.GetProperty("id").GetString());
        Assert.Equal("testregistration/E09A4E93-29A7-4EBA-A6D4-76202383F07F", item.GetProperty("name").GetString());
        Assert.Equal("Microsoft.AzureStack/registrations/customerSubscriptions", item.GetProperty("type").GetString());
        Assert.Equal(Tenant1, item.GetProperty("properties").GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task List_NextLinkOfLaterPage_ReplacesSkipTokenAndKeepsOtherQueryParameters()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            PageSize = 1,
            InitialState = State((CustomerSubscription(1), TenantOf(1)), (CustomerSubscription(2), TenantOf(2)), (CustomerSubscription(3), TenantOf(3))),
        });
        var pipeline = EmulatorPipeline.Create(emulator);
        using var first = await GetAsync(pipeline, new Uri(emulator.BaseUri, $"{CollectionPath()}?api-version=2017-06-01&extra=kept%20value"));
        var secondLink = Json(first).GetProperty("nextLink").GetString()!;

        // Act
        using var second = await GetAsync(pipeline, new Uri(secondLink));

        // Assert
        var thirdLink = Json(second).GetProperty("nextLink").GetString()!;
        var parameters = new Uri(thirdLink).Query.TrimStart('?').Split('&');
        Assert.Contains("api-version=2017-06-01", parameters);
        Assert.Contains("extra=kept%20value", parameters);
        Assert.Single(parameters, p => p.StartsWith("$skipToken=", StringComparison.Ordinal));
        Assert.NotEqual(secondLink, thirdLink);
    }

    [Fact]
    public async Task List_WriteBetweenPages_DoesNotShiftTheNextPage()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            PageSize = 2,
            InitialState = State((CustomerSubscription(2), TenantOf(2)), (CustomerSubscription(4), TenantOf(4)), (CustomerSubscription(6), TenantOf(6)), (CustomerSubscription(8), TenantOf(8))),
        });
        var pipeline = EmulatorPipeline.Create(emulator);
        using var first = await GetAsync(pipeline, Url(emulator, CollectionPath()));
        var nextLink = Json(first).GetProperty("nextLink").GetString()!;
        using var put = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerSubscription(1))), PutBody(TenantOf(1)));
        Assert.Equal(200, put.Status);

        // Act
        using var second = await GetAsync(pipeline, new Uri(nextLink));

        // Assert
        Assert.Equal(
            [CustomerSubscription(6).ToUpperInvariant(), CustomerSubscription(8).ToUpperInvariant()],
            Json(second).GetProperty("value").EnumerateArray().Select(v => v.GetProperty("name").GetString()!.Split('/')[1]));
    }

    [Theory]
    [InlineData("not*base64")]
    [InlineData("bm90LWEtZ3VpZA")] // base64url of "not-a-guid"
    public async Task List_InvalidSkipToken_Returns400InvalidSkipToken(string token)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, new Uri(emulator.BaseUri, $"{CollectionPath()}?api-version=2017-06-01&$skipToken={token}"));

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidSkipToken", ErrorCode(response));
    }

    [Fact]
    public async Task List_NoMappingsWithPut200_Returns200WithEmptyValue()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(200, response.Status);
        Assert.Equal("""{"value":[]}""", response.Content.ToString());
        Assert.Equal("application/json; charset=utf-8", Header(response, "Content-Type"));
    }

    [Fact]
    public async Task List_NoMappingsWithPut201_Returns200WithEmptyBody()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { PutStatus = 201, InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(200, response.Status);
        Assert.Empty(response.Content.ToArray());
    }

    [Fact]
    public async Task List_MappingsWithPut201_ReturnsTheListing()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            PutStatus = 201,
            InitialState = State((CustomerSubscription(1), TenantOf(1))),
        });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(200, response.Status);
        Assert.Single(Json(response).GetProperty("value").EnumerateArray());
    }

    [Fact]
    public async Task List_UnknownRegistration_Returns404ResourceNotFound()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath(registration: "azurestack-other")));

        // Assert
        Assert.Equal(404, response.Status);
        Assert.Equal("ResourceNotFound", ErrorCode(response));
        Assert.Equal(
            "The Resource 'Microsoft.AzureStack/registrations/azurestack-other' under resource group 'azurestack' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
            ErrorMessage(response));
    }

    [Fact]
    public async Task List_ApiVersion20220601_Returns200()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, CollectionPath(), apiVersion: "2022-06-01"));

        // Assert
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public void SkipToken_EncodeThenDecode_ReturnsTheKeyFromAnOpaqueUrlSafeToken()
    {
        // Arrange
        var key = CustomerSubscription(9).ToUpperInvariant();

        // Act
        var token = SkipToken.Encode(key);
        var decoded = SkipToken.TryDecode(token, out var back);

        // Assert
        Assert.DoesNotContain(key, token, StringComparison.OrdinalIgnoreCase);
        Assert.True(decoded);
        Assert.Equal(key, back);
        Assert.Matches("^[A-Za-z0-9_-]+$", token); // URL-safe: needs no escaping in a nextLink
    }
}
