using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

/// <summary>The registration resource as the emulator serves it, raw, against the spec's example shape.</summary>
public sealed class ArmEmulatorRegistrationTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("emulator-registration-");

    private static string RegistrationPath(string registration = Registration) =>
        $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.AzureStack/registrations/{registration}";

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task GetRegistration_Known_AnswersATrackedResourceInTheSpecsShape()
    {
        // Arrange
        var state = State();
        state.Registrations[0] = state.Registrations[0] with { BillingModel = "Development", CloudId = "abc", ObjectId = "9e9704ab-561a-4498-ac60-64b2314456ee" };
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = state });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, RegistrationPath().ToUpperInvariant().Replace("PROVIDERS", "providers", StringComparison.Ordinal)));

        // Assert
        Assert.Equal(200, response.Status);
        var body = Json(response);
        Assert.Equal(RegistrationPath(), body.GetProperty("id").GetString());
        Assert.Equal(Registration, body.GetProperty("name").GetString());
        Assert.Equal("Microsoft.AzureStack/registrations", body.GetProperty("type").GetString());
        Assert.Equal("global", body.GetProperty("location").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("etag").GetString()));
        var properties = body.GetProperty("properties");
        Assert.Equal("9e9704ab-561a-4498-ac60-64b2314456ee", properties.GetProperty("objectId").GetString());
        Assert.Equal("abc", properties.GetProperty("cloudId").GetString());
        Assert.Equal("Development", properties.GetProperty("billingModel").GetString());
    }

    [Fact]
    public async Task GetRegistration_Unknown_Answers404RegistrationNotFoundNamingTheValues()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, RegistrationPath("missing")));

        // Assert
        Assert.Equal(404, response.Status);
        Assert.Equal("RegistrationNotFound", ErrorCode(response));
        Assert.Contains("Registration name (value provided: missing)", ErrorMessage(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRegistration_AnyOtherMethod_Answers405()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, RegistrationPath()), "{}");

        // Assert
        Assert.Equal(405, response.Status);
        Assert.Equal("GET", Header(response, "Allow"));
    }

    [Fact]
    public async Task StartAsync_StateFileWithBillingModelAndErrors_ReadsThemAndLeavesUnsetFieldsOut()
    {
        // Arrange
        var path = Path.Combine(folder.FullName, "state.json");
        var customer = "e09a4e93-29a7-4eba-a6d4-76202383f07f";
        await File.WriteAllTextAsync(path, $$"""
            { "registrations": [ { "subscriptionId": "{{Subscription}}", "resourceGroup": "{{ResourceGroup}}", "name": "{{Registration}}",
              "billingModel": "Capacity",
              "customerSubscriptionErrors": [ { "subscriptionId": "{{customer}}", "code": "InvalidCSPSubscription" } ] } ] }
            """);
        var untouched = State();

        // Act
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { StatePath = path });
        var snapshot = emulator.Snapshot().Registrations.Single();
        await using var plain = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = untouched, StatePath = Path.Combine(folder.FullName, "plain.json") });

        // Assert
        Assert.Equal("Capacity", snapshot.BillingModel);
        Assert.Equal("InvalidCSPSubscription", Assert.Single(snapshot.CustomerSubscriptionErrors!).Code);
        using var written = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder.FullName, "plain.json")));
        var registration = written.RootElement.GetProperty("registrations")[0];
        Assert.False(registration.TryGetProperty("billingModel", out _));
        Assert.False(registration.TryGetProperty("customerSubscriptionErrors", out _));
    }
}
