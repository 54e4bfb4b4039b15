namespace TenantReconciler.Live;

/// <summary>Where a request to ARM failed: three different facts, which a status of 0 alone cannot tell apart.</summary>
public enum ArmFailureKind
{
    /// <summary>An answer came back and is the failure (an error status, or a body we cannot use).</summary>
    Answered,

    /// <summary>No answer came back: the network, a timeout or the TLS handshake, after the retry policy gave up.</summary>
    NoResponse,

    /// <summary>
    /// Refused on our side, and nothing further was sent: a <c>nextLink</c> to another host or collection, one that
    /// loops, too many pages, a listing that names a subscription twice. Retrying soon sends the same refusal.
    /// </summary>
    Refused,
}

/// <summary>
/// A request to ARM failed: an error status (with ARM's <c>{"error":{"code","message"}}</c> when there was one),
/// a refused <c>nextLink</c>, or a response we cannot read. Carries the request ids the user needs for a support case.
/// </summary>
public sealed class ArmRequestException : ReconcilerException
{
    /// <param name="kind">What happened; by default <see cref="ArmFailureKind.NoResponse"/> for status 0, else <see cref="ArmFailureKind.Answered"/>.</param>
    public ArmRequestException(
        string message, int status, string? errorCode, string? requestId, string? correlationId, Exception? innerException = null, ArmFailureKind? kind = null)
        : base(message, innerException)
    {
        Kind = kind ?? (status == 0 ? ArmFailureKind.NoResponse : ArmFailureKind.Answered);
        Status = status;
        ErrorCode = errorCode;
        RequestId = requestId;
        CorrelationId = correlationId;
    }

    /// <summary>Our <see cref="ErrorCode"/> for a TLS handshake that failed: an untrusted certificate, not worth a retry.</summary>
    public const string TlsFailureCode = "TlsHandshakeFailed";

    /// <summary>Our <see cref="ErrorCode"/> for a listing that names one subscription twice: it changed while it was read.</summary>
    public const string DuplicateListItemCode = "DuplicateListItem";

    public ArmFailureKind Kind { get; }

    /// <summary>The HTTP status, or 0 when no response was received or the failure was on our side (see <see cref="Kind"/>).</summary>
    public int Status { get; }

    /// <summary>ARM's <c>error.code</c>, or our own code such as <c>ForeignNextLink</c>.</summary>
    public string? ErrorCode { get; }

    public string? RequestId { get; }

    public string? CorrelationId { get; }

    /// <summary>
    /// True for failures worth retrying soon: throttling, server errors, no response (but a failed TLS handshake), the
    /// error codes the resource provider documents as transient (<see cref="ArmErrorHints.IsTransient"/>) whatever their
    /// status, and a listing that changed while it was read. A refusal of ours is not: the same answer is refused again.
    /// </summary>
    public bool IsTransient => Kind switch
    {
        ArmFailureKind.NoResponse => ErrorCode != TlsFailureCode,
        ArmFailureKind.Refused => ErrorCode == DuplicateListItemCode,
        _ => Status is 408 or 429 or >= 500 || ArmErrorHints.IsTransient(ErrorCode),
    };

    /// <summary>The one-line explanation of <see cref="ErrorCode"/> (<see cref="ArmErrorHints.HintFor"/>), or null.</summary>
    public string? Hint => ArmErrorHints.HintFor(ErrorCode);
}
