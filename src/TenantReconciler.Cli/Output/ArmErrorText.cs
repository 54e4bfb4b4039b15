using TenantReconciler.Live;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// ARM's message, its request id and the one-line hint for its error code, each said once: the client's message may
/// already carry the hint (<c>… Hint: …</c>) and the ids, and a report shows the hint on a line of its own.
/// </summary>
public static class ArmErrorText
{
    /// <summary>
    /// <paramref name="message"/> without the hint of <paramref name="errorCode"/> (when it carries it), ending with the
    /// request id when it does not carry it yet; and that hint (<see cref="ArmErrorHints.HintFor"/>), or null.
    /// </summary>
    public static (string Message, string? Hint) Split(string message, string? errorCode, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(message);
        var hint = ArmErrorHints.HintFor(errorCode);
        var text = hint is null ? message : message.Replace(" Hint: " + hint, string.Empty, StringComparison.Ordinal).Replace("Hint: " + hint, string.Empty, StringComparison.Ordinal);
        if (requestId is not null && !text.Contains(requestId, StringComparison.OrdinalIgnoreCase))
        {
            text = $"{text.TrimEnd()} (x-ms-request-id: {requestId})";
        }

        return (text.Trim(), hint);
    }

    /// <summary>As <see cref="Split(string, string?, string?)"/> for a failed request.</summary>
    public static (string Message, string? Hint) Split(ArmRequestException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Split(error.Message, error.ErrorCode, error.RequestId);
    }
}
