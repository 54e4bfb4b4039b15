using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

/// <summary><see cref="ArmEmulator.CommittedWrites"/>: what an "exactly once" assertion counts.</summary>
public sealed class ArmEmulatorCommittedWritesTests
{
    private const string CustomerA = "e09a4e93-29a7-4eba-a6d4-76202383f07f";
    private const string CustomerB = "7c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5";

    [Fact]
    public async Task CommittedWrites_PutsAndDeletes_ListsEveryAppliedWriteInOrderWithItsTime()
    {
        // Arrange
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((CustomerA, Tenant1)), TimeProvider = clock });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var put = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2.ToUpperInvariant()));
        clock.Advance(TimeSpan.FromSeconds(1));
        using var unchangedPut = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2));
        clock.Advance(TimeSpan.FromSeconds(1));
        using var delete = await DeleteAsync(pipeline, Url(emulator, ItemPath(CustomerA)));

        // Assert
        var start = clock.Start;
        Assert.Equal(
            [
                new CommittedWrite("PUT", CustomerB.ToUpperInvariant(), Tenant2, start),
                new CommittedWrite("PUT", CustomerB.ToUpperInvariant(), Tenant2, start.AddSeconds(1)),
                new CommittedWrite("DELETE", CustomerA.ToUpperInvariant(), null, start.AddSeconds(2)),
            ],
            emulator.CommittedWrites.Select(w => w with { RegistrationId = string.Empty }));
        Assert.All(
            emulator.CommittedWrites,
            w => Assert.Equal($"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.AzureStack/registrations/{Registration}", w.RegistrationId));
    }

    [Fact]
    public async Task CommittedWrites_WritesThatChangeNothing_AreNotListed()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State((CustomerA, Tenant1)) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var deleteAbsent = await DeleteAsync(pipeline, Url(emulator, ItemPath(CustomerB)));
        using var putUnknownRegistration = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB, registration: "other")), PutBody(Tenant2));
        using var putInvalidBody = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), "{}");
        emulator.Reset(State());

        // Assert
        Assert.Equal([204, 404, 400], new[] { deleteAbsent.Status, putUnknownRegistration.Status, putInvalidBody.Status });
        Assert.Empty(emulator.CommittedWrites);
    }
}
