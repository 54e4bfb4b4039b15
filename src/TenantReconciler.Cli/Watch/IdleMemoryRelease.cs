namespace TenantReconciler.Cli.Watch;

/// <summary>
/// Gives the memory of a large tick back to the operating system before the service sleeps. A tick over a fleet
/// allocates tens of megabytes (every page of every listing, parsed, and a plan with a row per mapping) and keeps
/// almost none of it, but the tick lasts long enough for much of it to be promoted, so a generational collector leaves
/// it in the old generation as garbage, and the process keeps the pages, until a full collection happens to come.
/// After a tick that allocated at least <see cref="Threshold"/> bytes, one blocking, compacting collection in
/// <see cref="GCCollectionMode.Aggressive"/> mode returns them: the working set between ticks is then the state the
/// service holds (the desired state and the last status), not the last tick's garbage. A small tick costs nothing.
/// With 50 registrations × 2,000 mappings it is one collection of a ~20 MiB heap per tick of about a second
/// (README, "Benchmarks"); the service is idle right after it.
/// </summary>
public sealed class IdleMemoryRelease(Func<long> allocatedBytes, Action collect)
{
    /// <summary>32 MiB: a tick of a few small registrations stays far below; a fleet tick is above.</summary>
    public const long Threshold = 32L * 1024 * 1024;

    private long _allocatedAtLastRelease = allocatedBytes();

    /// <summary>The process's allocation counter and an aggressive full collection.</summary>
    public static IdleMemoryRelease ForProcess() => new(
        () => GC.GetTotalAllocatedBytes(precise: false),
        () => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true));

    /// <summary>Called as a tick ends: collects when the tick (and any time since the last collection) allocated enough.</summary>
    /// <returns>True when it collected.</returns>
    public bool AfterTick()
    {
        var allocated = allocatedBytes();
        if (allocated - _allocatedAtLastRelease < Threshold)
        {
            return false;
        }

        collect();
        _allocatedAtLastRelease = allocatedBytes();
        return true;
    }
}
