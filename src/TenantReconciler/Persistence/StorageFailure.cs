using Azure;

namespace TenantReconciler.Persistence;

/// <summary>
/// What a failed Azure Storage call (the blob journal, the blob lease) means to a user: an expected failure, told in
/// one sentence, never a stack trace. Shared by the journal and the lease, so both say it the same way.
/// </summary>
public static class StorageFailure
{
    /// <summary>
    /// The storage service said no, or could not be reached: a status, a failed connection, the retries used up (an
    /// <see cref="AggregateException"/> from Azure.Core) or the network timeout (a cancellation nobody asked for).
    /// </summary>
    public static bool Is(Exception e, CancellationToken cancellationToken) =>
        e is RequestFailedException or AggregateException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>"409 LeaseAlreadyPresent", "Connection refused (127.0.0.1:1) (3 tries)", …: sanitised, one line.</summary>
    public static string Reason(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var reason = e switch
        {
            RequestFailedException { Status: > 0 } failed => $"{failed.Status} {failed.ErrorCode ?? FirstLine(failed.Message)}",
            AggregateException { InnerExceptions.Count: > 0 } tries => $"{FirstLine(tries.InnerExceptions[^1].Message)} ({tries.InnerExceptions.Count} tries)",
            OperationCanceledException => "no response within the network timeout",
            _ => FirstLine(e.Message),
        };
        return OutsideText.Sanitize(reason);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
