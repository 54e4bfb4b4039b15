namespace TenantReconciler;

/// <summary>This process as the tool names it to other writers: read once, the same in a lease's holder and a journal's claim.</summary>
public static class LocalProcess
{
    /// <summary><c>machine/pid</c>: who holds a lease (<see cref="Leasing.BlobLeaseLock"/>) or claimed a plan (<see cref="Persistence.ApplyJournal"/>).</summary>
    public static string Name { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";
}
