using Azure.Core;
using Azure.Core.Pipeline;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// The retry policy of <c>--auth default</c>'s chain. Inside <c>DefaultAzureCredential</c>, Azure.Identity gives its
/// managed identity source a pipeline that retries 5 times with exponential backoff from 0.8 s (about 25 s), and skips
/// the retries of its first request (the probe) only when the endpoint is literally 169.254.169.254; an instance
/// metadata endpoint elsewhere (<c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>, a routed but black-holed address, a refused
/// port) costs the whole backoff before the chain gives up. It keeps a <c>RetryPolicy</c> the caller set (the options'
/// <c>Clone</c> copies it), so this one replaces it: Azure.Core's own retries (3, exponential from 0.8 s) for an answer
/// worth retrying (408, 429, 5xx), but a plain-http endpoint that gave no answer at all (refused, reset, timed out) is
/// not asked again. Such endpoints are the managed identity sources on the machine itself (instance metadata, App
/// Service, Arc, Cloud Shell): one that does not answer is not there, and the chain moves on at once. On a VM or pod
/// where the endpoint answers, nothing changes: its answers are retried as before and MSAL keeps its own retries.
/// Entra ID (https) keeps every retry.
/// </summary>
internal sealed class LocalEndpointRetryPolicy : RetryPolicy
{
    public LocalEndpointRetryPolicy()
        : base(maxRetries: 3, DelayStrategy.CreateExponentialDelayStrategy(TimeSpan.FromSeconds(0.8), TimeSpan.FromMinutes(1)))
    {
    }

    /// <summary>True when <paramref name="message"/> went to a plain-http endpoint and got no answer.</summary>
    public static bool IsUnansweredLocalEndpoint(HttpMessage message, Exception? exception) =>
        exception is not null && !message.HasResponse
            && string.Equals(message.Request.Uri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase);

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        !IsUnansweredLocalEndpoint(message, exception) && base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        IsUnansweredLocalEndpoint(message, exception) ? ValueTask.FromResult(false) : base.ShouldRetryAsync(message, exception);
}
