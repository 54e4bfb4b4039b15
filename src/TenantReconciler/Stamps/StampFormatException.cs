namespace TenantReconciler.Stamps;

/// <summary>A stamp's answer in a form that cannot be used; <see cref="Code"/> names the problem (e.g. <c>InvalidUsageRecord</c>).</summary>
internal sealed class StampFormatException(string problem, string code, Exception? innerException = null)
    : Exception(problem, innerException)
{
    public string Code { get; } = code;
}
