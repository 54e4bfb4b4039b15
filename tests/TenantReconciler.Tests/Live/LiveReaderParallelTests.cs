using Microsoft.AspNetCore.Http;
using TenantReconciler.Live;
using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>Registrations are listed side by side, fail-closed, and in the order a sequential read gives.</summary>
public sealed class LiveReaderParallelTests
{
    [Fact]
    public async Task ReadAsync_ParallelListings_SameResultAndOrderAsSequential()
    {
        // Arrange: A's listing is held until B's has been answered, so the two are in flight together.
        var bAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var emulator = await StartEmulatorAsync(
            new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = Mappings(3), [RegistrationB] = Mappings(2) },
            async (context, next) =>
            {
                var isB = context.Request.Path.Value!.Contains(RegistrationB.Name, StringComparison.OrdinalIgnoreCase);
                if (context.Request.Method == "GET" && !isB)
                {
                    await bAnswered.Task;
                }

                await next(context);
                if (isB)
                {
                    bAnswered.TrySetResult();
                }
            });
        var client = CreateClient(emulator);

        // Act
        var parallel = await LiveReader.ReadAsync(client, [RegistrationA, RegistrationB], 4, CancellationToken.None);
        bAnswered.TrySetResult();
        var sequential = await LiveReader.ReadAsync(client, [RegistrationA, RegistrationB], 1, CancellationToken.None);

        // Assert
        Assert.Equal([RegistrationA, RegistrationB], parallel.Select(l => l.Registration));
        Assert.Equal(sequential.Select(l => LiveFingerprint.Of(l)), parallel.Select(l => LiveFingerprint.Of(l)));
    }

    [Fact]
    public async Task ReadAsync_OneListingFails_CancelsTheListingsStillRunningAndThrowsTheFailure()
    {
        // Arrange: A's listing reaches the emulator and hangs until its request is aborted; B's is refused, but only once
        // A's is in flight (otherwise A might be cancelled before it was ever sent).
        var aArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var emulator = await StartEmulatorAsync(
            new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = Mappings(1), [RegistrationB] = Mappings(1) },
            async (context, next) =>
            {
                if (context.Request.Path.Value!.Contains(RegistrationB.Name, StringComparison.OrdinalIgnoreCase))
                {
                    await aArrived.Task;
                    await WriteErrorAsync(context, StatusCodes.Status403Forbidden, "AuthorizationFailed");
                    return;
                }

                aArrived.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    aAborted.TrySetResult();
                    throw;
                }
            });
        var client = CreateClient(emulator);

        // Act
        var failure = await Assert.ThrowsAsync<ArmRequestException>(() => LiveReader.ReadAsync(client, [RegistrationA, RegistrationB], 4, CancellationToken.None));
        await aAborted.Task.WaitAsync(TimeSpan.FromSeconds(60)); // a hang guard only: the abort must have happened

        // Assert
        Assert.Equal("AuthorizationFailed", failure.ErrorCode);
        Assert.True(aAborted.Task.IsCompletedSuccessfully);
    }
}
