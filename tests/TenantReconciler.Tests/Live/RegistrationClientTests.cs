using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary><see cref="IRegistrationClient.GetRegistrationAsync"/> against the emulator's registration resource (issue 8, §5).</summary>
public sealed class RegistrationClientTests
{
    private static readonly RegistrationRef Named =
        new(Guid.Parse("6513270e-269e-4d37-b2a7-4de452e6b438"), "azurestack", "azurestack-8f3e1b2c");

    [Fact]
    public async Task GetRegistrationAsync_Defaults_PayAsYouUseWithTheCloudIdFromTheName()
    {
        // Arrange
        await using var emulator = await StartAsync(Registration(Named));
        IRegistrationClient client = CreateClient(emulator);

        // Act
        var info = await client.GetRegistrationAsync(Named, CancellationToken.None);
        var again = await client.GetRegistrationAsync(Named, CancellationToken.None);

        // Assert
        Assert.Equal("PayAsYouUse", info.BillingModel);
        Assert.Equal("8f3e1b2c", info.CloudId);
        Assert.True(Guid.TryParse(info.ObjectId, out _));
        Assert.True(info.AllowsCustomerSubscriptions);
        Assert.Equal(info, again);
    }

    [Fact]
    public async Task GetRegistrationAsync_CapacityWithCloudIdInTheState_ReadsThem()
    {
        // Arrange
        await using var emulator = await StartAsync(Registration(RegistrationA) with { BillingModel = "Capacity", CloudId = "c10d", ObjectId = "9e9704ab-561a-4498-ac60-64b2314456ee" });
        var client = CreateClient(emulator);

        // Act
        var info = await client.GetRegistrationAsync(RegistrationA, CancellationToken.None);

        // Assert
        Assert.Equal(new RegistrationInfo(RegistrationA, "Capacity", "c10d", "9e9704ab-561a-4498-ac60-64b2314456ee"), info);
        Assert.False(info.AllowsCustomerSubscriptions);
    }

    [Fact]
    public async Task GetRegistrationAsync_UnknownRegistration_ThrowsRegistrationNotFoundWithItsHint()
    {
        // Arrange
        await using var emulator = await StartAsync(Registration(RegistrationA));
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.GetRegistrationAsync(RegistrationB, CancellationToken.None));

        // Assert
        Assert.Equal(404, exception.Status);
        Assert.Equal("RegistrationNotFound", exception.ErrorCode);
        Assert.Equal(ArmErrorHints.HintFor("RegistrationNotFound"), exception.Hint);
        Assert.Contains(RegistrationB.Name, exception.Message, StringComparison.Ordinal);
        Assert.False(exception.IsTransient);
    }

    [Fact]
    public async Task PutAsync_CapacityRegistration_ThrowsCustomerSubscriptionsNotAllowedAndWritesNothing()
    {
        // Arrange
        await using var emulator = await StartAsync(Registration(RegistrationA) with { BillingModel = "Capacity" });
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(
            () => client.PutAsync(RegistrationA, Guid.NewGuid().ToString("D"), Guid.NewGuid(), CancellationToken.None));
        var listed = await client.ListAsync(RegistrationA, CancellationToken.None);

        // Assert
        Assert.Equal(400, exception.Status);
        Assert.Equal("CustomerSubscriptionsNotAllowed", exception.ErrorCode);
        Assert.Equal(ArmErrorHints.HintFor("CustomerSubscriptionsNotAllowed"), exception.Hint);
        Assert.Contains("Capacity", exception.Message, StringComparison.Ordinal);
        Assert.Empty(emulator.CommittedWrites);
        Assert.Empty(listed.Mappings);
    }

    private static EmulatorRegistration Registration(RegistrationRef registration) => new()
    {
        SubscriptionId = registration.SubscriptionId.ToString(),
        ResourceGroup = registration.ResourceGroup,
        Name = registration.Name,
    };

    private static Task<ArmEmulator> StartAsync(EmulatorRegistration registration) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            InitialState = new EmulatorState { Registrations = [registration] },
        });
}
