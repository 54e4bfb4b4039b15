namespace TenantReconciler.Tests.Watch;

public sealed class IdleMemoryReleaseTests
{
    [Fact]
    public void AfterTick_TicksAllocatingLessThanTheThreshold_CollectOnceTheirSumReachesIt()
    {
        // Arrange
        long allocated = 1_000;
        var collections = 0;
        var release = new IdleMemoryRelease(() => allocated, () => collections++);
        var quarter = IdleMemoryRelease.Threshold / 4;

        // Act
        var results = new List<bool>();
        for (var tick = 0; tick < 8; tick++)
        {
            allocated += quarter;
            results.Add(release.AfterTick());
        }

        // Assert
        Assert.Equal([false, false, false, true, false, false, false, true], results);
        Assert.Equal(2, collections);
    }

    [Fact]
    public void AfterTick_ALargeTick_CollectsAndCountsFromAfterTheCollection()
    {
        // Arrange
        long allocated = 0;
        var collections = 0;
        var release = new IdleMemoryRelease(
            () => allocated,
            () =>
            {
                collections++;
                allocated += IdleMemoryRelease.Threshold - 1; // what the collection itself allocated does not count
            });

        // Act
        allocated += 3 * IdleMemoryRelease.Threshold;
        var large = release.AfterTick();
        var idle = release.AfterTick();

        // Assert
        Assert.True(large);
        Assert.False(idle);
        Assert.Equal(1, collections);
    }

    [Fact]
    public void ForProcess_AfterAFleetSizedAllocation_CollectsTheWholeHeap()
    {
        // Arrange
        var release = IdleMemoryRelease.ForProcess();
        var gen2Before = GC.CollectionCount(2);
        for (var i = 0; i < 40; i++)
        {
            GC.KeepAlive(new byte[1024 * 1024]);
        }

        // Act
        var collected = release.AfterTick();

        // Assert
        Assert.True(collected);
        Assert.True(GC.CollectionCount(2) > gen2Before);
    }
}
