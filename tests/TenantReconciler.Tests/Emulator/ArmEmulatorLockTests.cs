using System.Security.Cryptography.X509Certificates;
using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

/// <summary>The emulator's management locks (<see cref="EmulatorRegistration.Locks"/>) and the client that reads them.</summary>
public sealed class ArmEmulatorLockTests
{
    private const string CustomerA = "e09a4e93-29a7-4eba-a6d4-76202383f07f";
    private const string LocksApiVersion = "2016-09-01";

    private static string LocksPath => $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.AzureStack/registrations/{Registration}/providers/Microsoft.Authorization/locks";

    private static Task<ArmEmulator> StartAsync(params EmulatorLock[] locks) => StartAsync(registration => registration with { Locks = [.. locks] });

    private static Task<ArmEmulator> StartAsync(Func<EmulatorRegistration, EmulatorRegistration> change)
    {
        var state = State((CustomerA, Tenant1));
        state.Registrations[0] = change(state.Registrations[0]);
        return ArmEmulator.StartAsync(new EmulatorOptions { InitialState = state });
    }

    [Fact]
    public async Task Delete_CanNotDeleteLockOnTheRegistration_409ScopeLockedWithArmsMessageAndNothingDeleted()
    {
        // Arrange
        await using var emulator = await StartAsync(new EmulatorLock { Name = "RegistrationResourceLock", Level = EmulatorLock.CanNotDelete });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var delete = await DeleteAsync(pipeline, Url(emulator, ItemPath(CustomerA)));
        using var put = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), PutBody(Tenant2));

        // Assert
        Assert.Equal(409, delete.Status);
        Assert.Equal("ScopeLocked", ErrorCode(delete));
        Assert.Equal(
            $"The scope '{ItemPath(CustomerA)}' cannot perform delete operation because following scope(s) are locked: "
            + $"'/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.AzureStack/registrations/{Registration}'. Please remove the lock and try again.",
            ErrorMessage(delete));
        Assert.Equal(200, put.Status);
        Assert.Single(emulator.Snapshot().Registrations[0].CustomerSubscriptions);
    }

    [Fact]
    public async Task Put_ReadOnlyLockOnTheSubscription_409ScopeLockedForWrites()
    {
        // Arrange
        await using var emulator = await StartAsync(new EmulatorLock { Name = "freeze", Level = EmulatorLock.ReadOnly, Scope = EmulatorLock.SubscriptionScope });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var put = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), PutBody(Tenant2));
        using var get = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(409, put.Status);
        Assert.Contains("cannot perform write operation because following scope(s) are locked: '/subscriptions/" + Subscription + "'", ErrorMessage(put), StringComparison.Ordinal);
        Assert.Equal(200, get.Status);
    }

    [Fact]
    public async Task ListLocksAsync_LocksOnTheRegistrationAndItsParents_AllWithLevelNotesAndScope()
    {
        // Arrange
        await using var emulator = await StartAsync(
            new EmulatorLock { Name = "RegistrationResourceLock", Level = EmulatorLock.CanNotDelete, Notes = "Set-AzsRegistration" },
            new EmulatorLock { Name = "group", Level = EmulatorLock.ReadOnly, Scope = EmulatorLock.ResourceGroupScope });
        var client = Client(emulator);
        var registration = new RegistrationRef(Guid.Parse(Subscription), ResourceGroup, Registration);

        // Act
        var locks = await client.ListLocksAsync(registration, CancellationToken.None);

        // Assert
        Assert.Equal(
            [
                new ManagementLock("RegistrationResourceLock", LockLevel.CanNotDelete, "Set-AzsRegistration", registration.Id.ToString()),
                new ManagementLock("group", LockLevel.ReadOnly, null, $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}"),
            ],
            locks);
        Assert.Equal("on the registration", locks[0].Where(registration));
        Assert.Equal($"on its resource group {ResourceGroup}", locks[1].Where(registration));
        var request = Assert.Single(emulator.Requests);
        Assert.Contains("api-version=2016-09-01", request.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("atScope", request.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListLocksAsync_WithoutLocksRead_Throws403NeverNoLocks()
    {
        // Arrange
        await using var emulator = await StartAsync(registration => registration with { LocksUnreadable = true });

        // Act
        var error = await Assert.ThrowsAsync<ArmRequestException>(() =>
            Client(emulator).ListLocksAsync(new RegistrationRef(Guid.Parse(Subscription), ResourceGroup, Registration), CancellationToken.None));

        // Assert
        Assert.Equal(403, error.Status);
        Assert.Equal("AuthorizationFailed", error.ErrorCode);
        Assert.Contains("Microsoft.Authorization/locks/read", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2017-06-01")]
    [InlineData(null)]
    public async Task GetLocks_OtherApiVersion_400(string? apiVersion)
    {
        // Arrange
        await using var emulator = await StartAsync();
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var response = await GetAsync(pipeline, Url(emulator, LocksPath, apiVersion));
        using var served = await GetAsync(pipeline, Url(emulator, LocksPath, LocksApiVersion));

        // Assert
        Assert.Equal(400, response.Status);
        Assert.Equal(200, served.Status);
        Assert.Equal("""{"value":[]}""", served.Content.ToString());
    }

    private static ArmCustomerSubscriptionClient Client(ArmEmulator emulator)
    {
        var connection = new ArmConnection(emulator.BaseUri, ApiVersions.Default, ArmConnections.ScopeFor(AzureCloud.AzureCloud), X509CertificateLoader.LoadCertificate(emulator.Certificate.RawData));
        return new ArmCustomerSubscriptionClient(ArmPipeline.Create(new EmulatorTokenCredential(), connection, Applying.ApplyTestSupport.FastSettings, TimeProvider.System), connection);
    }
}
