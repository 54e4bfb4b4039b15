namespace TenantReconciler.Applying;

/// <summary>How <see cref="PlanApplier"/> runs a plan.</summary>
public sealed record ApplyOptions
{
    public const int DefaultParallelism = 4;

    public static ApplyOptions Default { get; } = new();

    /// <summary>The most requests in flight at once, over all registrations (<c>--parallelism</c>). At least 1.</summary>
    public int Parallelism { get; init; } = DefaultParallelism;
}
