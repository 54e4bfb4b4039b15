using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

public sealed class ArmEmulatorWriteTests
{
    private const string CustomerA = "e09a4e93-29a7-4eba-a6d4-76202383f07f";
    private const string CustomerB = "7c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5";

    private static async Task<string[]> ListNamesAsync(ArmEmulator emulator)
    {
        using var response = await GetAsync(EmulatorPipeline.Create(emulator), Url(emulator, CollectionPath()));
        Assert.Equal(200, response.Status);
        return Json(response).GetProperty("value").EnumerateArray()
            .Select(v => $"{v.GetProperty("name").GetString()}={v.GetProperty("properties").GetProperty("tenantId").GetString()}")
            .ToArray();
    }

    [Fact]
    public async Task Put_DefaultPutStatus_Returns200WithTheResource()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), PutBody(Tenant1.ToUpperInvariant()));

        // Assert
        Assert.Equal(200, response.Status);
        var body = Json(response);
        Assert.Equal($"{CollectionPath()}/{CustomerA.ToUpperInvariant()}", body.GetProperty("id").GetString());
        Assert.Equal($"{Registration}/{CustomerA.ToUpperInvariant()}", body.GetProperty("name").GetString());
        Assert.Equal("Microsoft.AzureStack/registrations/customerSubscriptions", body.GetProperty("type").GetString());
        Assert.Equal(Tenant1, body.GetProperty("properties").GetProperty("tenantId").GetString());
        Assert.Equal([$"{Registration}/{CustomerA.ToUpperInvariant()}={Tenant1}"], await ListNamesAsync(emulator));
    }

    [Fact]
    public async Task Put_PutStatus201_Returns201WithEmptyBody()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { PutStatus = 201, InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), PutBody(Tenant1));

        // Assert
        Assert.Equal(201, response.Status);
        Assert.Empty(response.Content.ToArray());
        Assert.Equal([$"{Registration}/{CustomerA.ToUpperInvariant()}={Tenant1}"], await ListNamesAsync(emulator));
    }

    [Fact]
    public async Task Put_ExistingSubscriptionWithNewTenant_OverwritesTheMapping()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((CustomerA, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), PutBody(Tenant2));

        // Assert
        Assert.Equal(200, response.Status);
        Assert.Equal([$"{Registration}/{CustomerA.ToUpperInvariant()}={Tenant2}"], await ListNamesAsync(emulator));
    }

    [Fact]
    public async Task Put_TenantMappedToAnotherSubscriptionWithReplace_DropsTheOldMapping()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            OverwriteSemantics = OverwriteSemantics.Replace,
            InitialState = State((CustomerA, Tenant1)),
        });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant1.ToUpperInvariant()));

        // Assert
        Assert.Equal(200, response.Status);
        Assert.Equal([$"{Registration}/{CustomerB.ToUpperInvariant()}={Tenant1}"], await ListNamesAsync(emulator));
    }

    [Fact]
    public async Task Put_TenantMappedToAnotherSubscriptionWithIndependent_KeepsBothMappings()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            OverwriteSemantics = OverwriteSemantics.Independent,
            InitialState = State((CustomerA, Tenant1)),
        });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant1));

        // Assert
        Assert.Equal(200, response.Status);
        Assert.Equal(
            [$"{Registration}/{CustomerB.ToUpperInvariant()}={Tenant1}", $"{Registration}/{CustomerA.ToUpperInvariant()}={Tenant1}"],
            await ListNamesAsync(emulator));
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("E09A4E9329A74EBAA6D476202383F07F")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task Put_NameNotAGuid_Returns400InvalidResourceName(string name)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(name)), PutBody(Tenant1));

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidResourceName", ErrorCode(response));
        Assert.Empty(emulator.Snapshot().Registrations[0].CustomerSubscriptions);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    public async Task Put_BodyNotAJsonObject_Returns400InvalidRequestContent(string body)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), body);

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidRequestContent", ErrorCode(response));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"properties":{}}""")]
    [InlineData("""{"properties":null}""")]
    [InlineData("""{"properties":{"tenantId":"tenant-one"}}""")]
    [InlineData("""{"properties":{"tenantId":42}}""")]
    [InlineData("""{"properties":{"tenantId":"00000000-0000-0000-0000-000000000000"}}""")]
    public async Task Put_TenantIdMissingOrNotAGuid_Returns400InvalidTenantId(string body)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), body);

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Equal("InvalidTenantId", ErrorCode(response));
    }

    [Fact]
    public async Task Put_BodyWithResourceEnvelopeAndLocation_IgnoresTheExtraProperties()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);
        var body = $$$"""
            {"id":"/something/else","name":"other","type":"Other/type","etag":"W/\"1\"","location":"global",
             "Properties":{"TenantId":"{{{Tenant1}}}","extra":true}}
            """;

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), body);

        // Assert
        Assert.Equal(200, response.Status);
        Assert.Equal($"{CollectionPath()}/{CustomerA.ToUpperInvariant()}", Json(response).GetProperty("id").GetString());
        Assert.Equal([$"{Registration}/{CustomerA.ToUpperInvariant()}={Tenant1}"], await ListNamesAsync(emulator));
    }

    [Fact]
    public async Task Put_NonJsonContentType_Returns415UnsupportedMediaType()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await SendAsync(
            pipeline,
            RequestMethod.Put,
            Url(emulator, ItemPath(CustomerA)),
            PutBody(Tenant1),
            new Dictionary<string, string> { ["Content-Type"] = "text/plain" });

        // Assert
        Assert.Equal(415, response.Status);
        Assert.Equal("UnsupportedMediaType", ErrorCode(response));
    }

    [Fact]
    public async Task Put_ManyConcurrentWrites_AllLand()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);
        var customers = Enumerable.Range(1, 24).Select(i => $"{i:D8}-0000-4000-8000-000000000000").ToArray();

        // Act
        var responses = await Task.WhenAll(customers.Select((c, i) =>
            PutAsync(pipeline, Url(emulator, ItemPath(c)), PutBody($"{i + 1:D8}-1111-4111-8111-111111111111"))));

        // Assert
        Assert.All(responses, r => Assert.Equal(200, r.Status));
        Assert.Equal(customers, emulator.Snapshot().Registrations[0].CustomerSubscriptions.Select(c => c.SubscriptionId).Order());
    }

    [Fact]
    public async Task Put_UnknownRegistration_Returns404ResourceNotFound()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA, registration: "unknown")), PutBody(Tenant1));

        // Assert
        Assert.Equal(404, response.Status);
        Assert.Equal("ResourceNotFound", ErrorCode(response));
        Assert.Contains("'Microsoft.AzureStack/registrations/unknown'", ErrorMessage(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task Item_UnknownRegistration_Returns404ResourceNotFound(string method)
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((CustomerA, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await SendAsync(pipeline, RequestMethod.Parse(method), Url(emulator, ItemPath(CustomerA, registration: "unknown")));

        // Assert
        Assert.Equal(404, response.Status);
        Assert.Equal("ResourceNotFound", ErrorCode(response));
        Assert.Contains("'Microsoft.AzureStack/registrations/unknown'", ErrorMessage(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_ExistingChild_Returns200WithTheResource()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((CustomerA, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, ItemPath(CustomerA)));

        // Assert
        Assert.Equal(200, response.Status);
        Assert.Equal($"{Registration}/{CustomerA.ToUpperInvariant()}", Json(response).GetProperty("name").GetString());
        Assert.Equal(Tenant1, Json(response).GetProperty("properties").GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task Get_MissingChild_Returns404ResourceNotFoundNamingTheChild()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((CustomerA, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, ItemPath(CustomerB)));

        // Assert
        Assert.Equal(404, response.Status);
        Assert.Equal("ResourceNotFound", ErrorCode(response));
        Assert.Equal(
            $"The Resource 'Microsoft.AzureStack/registrations/{Registration}/customerSubscriptions/{CustomerB}' under resource group '{ResourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
            ErrorMessage(response));
    }

    [Fact]
    public async Task Delete_ExistingChild_Returns200AndRemovesIt()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((CustomerA, Tenant1), (CustomerB, Tenant2)) });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await DeleteAsync(pipeline, Url(emulator, ItemPath(CustomerA.ToUpperInvariant())));

        // Assert
        Assert.Equal(200, response.Status);
        Assert.Empty(response.Content.ToArray());
        Assert.Equal([$"{Registration}/{CustomerB.ToUpperInvariant()}={Tenant2}"], await ListNamesAsync(emulator));
    }

    [Fact]
    public async Task Delete_MissingChild_Returns204()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((CustomerA, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await DeleteAsync(pipeline, Url(emulator, ItemPath(CustomerB)));

        // Assert
        Assert.Equal(204, response.Status);
        Assert.Empty(response.Content.ToArray());
        Assert.Equal([$"{Registration}/{CustomerA.ToUpperInvariant()}={Tenant1}"], await ListNamesAsync(emulator));
    }
}
