using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Applying;

internal enum OperationStatus
{
    NotStarted,
    NotSent,
    Succeeded,
    Failed,
    CancelledInFlight,
}

/// <summary>One request and what became of it. Written by the one task that runs it, read after all are done.</summary>
internal sealed class OperationRun(PlannedOperation operation)
{
    public PlannedOperation Operation { get; } = operation;

    public OperationStatus Status { get; private set; } = OperationStatus.NotStarted;

    public ArmWriteResult? Result { get; private set; }

    public ArmRequestException? Error { get; private set; }

    public void Succeed(ArmWriteResult result)
    {
        Status = OperationStatus.Succeeded;
        Result = result;
    }

    /// <summary>Why it was not started, when there is more to say than "not attempted".</summary>
    public string? SkipReason { get; private set; }

    public void NotSent() => Status = OperationStatus.NotSent;

    public void Skip(string reason)
    {
        Status = OperationStatus.NotSent;
        SkipReason = reason;
    }

    public void Fail(OperationStatus status, ArmRequestException error)
    {
        Status = status;
        Error = error;
    }
}
