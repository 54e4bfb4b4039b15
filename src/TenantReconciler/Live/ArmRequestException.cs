namespace TenantReconciler.Live;

/// <summary>
/// A request to ARM failed: an error status (with ARM's <c>{"error":{"code","message"}}</c> when there was one),
/// a refused <c>nextLink</c>, or a response we cannot read. Carries the request ids the user needs for a support case.
/// </summary>
public sealed class ArmRequestException : ReconcilerException
{
    public ArmRequestException(string message, int status, string? errorCode, string? requestId, string? correlationId, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
        RequestId = requestId;
        CorrelationId = correlationId;
    }

    /// <summary>Our <see cref="ErrorCode"/> for a TLS handshake that failed: an untrusted certificate, not worth a retry.</summary>
    public const string TlsFailureCode = "TlsHandshakeFailed";

    /// <summary>The HTTP status, or 0 when no response was received or the failure was on our side.</summary>
    public int Status { get; }

    /// <summary>ARM's <c>error.code</c>, or our own code such as <c>ForeignNextLink</c>.</summary>
    public string? ErrorCode { get; }

    public string? RequestId { get; }

    public string? CorrelationId { get; }

    /// <summary>
    /// True for failures worth retrying later: throttling, server errors, no response, and the error codes the resource
    /// provider documents as transient (<see cref="ArmErrorHints.IsTransient"/>) whatever their status.
    /// </summary>
    public bool IsTransient => (Status is 0 && ErrorCode != TlsFailureCode) || Status is 408 or 429 or >= 500 || ArmErrorHints.IsTransient(ErrorCode);

    /// <summary>The one-line explanation of <see cref="ErrorCode"/> (<see cref="ArmErrorHints.HintFor"/>), or null.</summary>
    public string? Hint => ArmErrorHints.HintFor(ErrorCode);
}
