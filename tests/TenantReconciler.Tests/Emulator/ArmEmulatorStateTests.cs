using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

public sealed class ArmEmulatorStateTests : IDisposable
{
    private const string CustomerA = "E09A4E93-29a7-4EBA-a6d4-76202383F07F";
    private const string CustomerB = "7c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5";

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("emulator-state-");

    private string StatePath => Path.Combine(folder.FullName, "state.json");

    public void Dispose() => folder.Delete(recursive: true);

    [Fact]
    public async Task StartAsync_StateFileMissing_WritesTheInitialState()
    {
        // Arrange
        var options = new EmulatorOptions { StatePath = StatePath, InitialState = State((CustomerA, Tenant1)) };

        // Act
        await using var emulator = await ArmEmulator.StartAsync(options);

        // Assert
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(StatePath));
        var registration = Assert.Single(document.RootElement.GetProperty("registrations").EnumerateArray());
        Assert.Equal(Subscription, registration.GetProperty("subscriptionId").GetString());
        Assert.Equal(ResourceGroup, registration.GetProperty("resourceGroup").GetString());
        Assert.Equal(Registration, registration.GetProperty("name").GetString());
        var mapping = Assert.Single(registration.GetProperty("customerSubscriptions").EnumerateArray());
        Assert.Equal(CustomerA, mapping.GetProperty("subscriptionId").GetString());
        Assert.Equal(Tenant1, mapping.GetProperty("tenantId").GetString());
    }

    [Fact]
    public async Task Put_WithStatePath_WritesTheFileAtomicallyAndANewInstanceReloadsIt()
    {
        // Arrange
        var options = new EmulatorOptions { StatePath = StatePath, InitialState = State((CustomerA, Tenant1)) };

        // Act
        await using (var emulator = await ArmEmulator.StartAsync(options))
        {
            var pipeline = EmulatorPipeline.Create(emulator);
            using var put = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2.ToUpperInvariant()));
            using var overwrite = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA.ToLowerInvariant())), PutBody(Tenant1));
            Assert.Equal(200, put.Status);
            Assert.Equal(200, overwrite.Status);
        }

        // Assert: only the state file is left (no temporary file), and a new instance serves what was written.
        Assert.Equal(["state.json"], folder.GetFiles().Select(f => f.Name));
        await using var reloaded = await ArmEmulator.StartAsync(options with { InitialState = State() });
        var mappings = reloaded.Snapshot().Registrations.Single().CustomerSubscriptions;
        Assert.Equal(
            [(CustomerA, Tenant1), (CustomerB, Tenant2.ToUpperInvariant())],
            mappings.Select(m => (m.SubscriptionId, m.TenantId)).OrderBy(m => m.SubscriptionId, StringComparer.OrdinalIgnoreCase).Reverse());
        using var list = await GetAsync(EmulatorPipeline.Create(reloaded), Url(reloaded, CollectionPath()));
        Assert.Equal(2, Json(list).GetProperty("value").GetArrayLength());
    }

    [Fact]
    public async Task Delete_WithStatePath_RemovesTheMappingFromTheFile()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { StatePath = StatePath, InitialState = State((CustomerA, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        using var response = await DeleteAsync(pipeline, Url(emulator, ItemPath(CustomerA)));

        // Assert
        Assert.Equal(200, response.Status);
        var written = JsonSerializer.Deserialize<EmulatorState>(
            await File.ReadAllTextAsync(StatePath),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Empty(written.Registrations.Single().CustomerSubscriptions);
    }

    [Fact]
    public async Task StartAsync_CorruptStateFile_ThrowsInvalidDataException()
    {
        // Arrange
        await File.WriteAllTextAsync(StatePath, "{ not json");

        // Act
        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => ArmEmulator.StartAsync(new EmulatorOptions { StatePath = StatePath }));

        // Assert
        Assert.Contains(StatePath, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_NewState_ReplacesTheStateAndWritesTheFile()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { StatePath = StatePath, InitialState = State((CustomerA, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator);

        // Act
        emulator.Reset(State((CustomerB, Tenant2)));

        // Assert
        using var list = await GetAsync(pipeline, Url(emulator, CollectionPath()));
        var item = Assert.Single(Json(list).GetProperty("value").EnumerateArray());
        Assert.Equal($"{Registration}/{CustomerB.ToUpperInvariant()}", item.GetProperty("name").GetString());
        Assert.Contains(CustomerB, await File.ReadAllTextAsync(StatePath), StringComparison.Ordinal);
        Assert.DoesNotContain(CustomerA, await File.ReadAllTextAsync(StatePath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_MutatedByTheCaller_DoesNotChangeTheEmulator()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((CustomerA, Tenant1)) });
        var snapshot = emulator.Snapshot();

        // Act
        snapshot.Registrations[0].CustomerSubscriptions.Clear();
        snapshot.Registrations.Add(snapshot.Registrations[0] with { Name = "other" });

        // Assert
        var current = Assert.Single(emulator.Snapshot().Registrations);
        Assert.Single(current.CustomerSubscriptions);
    }

    [Fact]
    public async Task StartAsync_InitialStateMutatedAfterwards_DoesNotChangeTheEmulator()
    {
        // Arrange
        var initial = State((CustomerA, Tenant1));
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = initial });

        // Act
        initial.Registrations[0].CustomerSubscriptions.Clear();

        // Assert
        Assert.Single(emulator.Snapshot().Registrations[0].CustomerSubscriptions);
    }
}
