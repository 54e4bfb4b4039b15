using Azure.Core;

namespace TenantReconciler.Live;

/// <summary>
/// Azure.Core's classification (408, 429, 500, 502, 503 and 504 are retried) plus the error codes the resource provider
/// documents as transient (<see cref="ArmErrorHints.IsTransient"/>, e.g. <c>MetadataResolverBadGatewayError</c>),
/// whatever status they come with. Set on every pipeline the client builds, so <see cref="ArmRetryPolicy"/> retries
/// them within its usual budget: there is no second retry loop.
/// </summary>
public sealed class ArmResponseClassifier : ResponseClassifier
{
    public static ArmResponseClassifier Instance { get; } = new();

    public override bool IsRetriableResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return base.IsRetriableResponse(message) || (message.Response.Status >= 400 && ArmErrorHints.IsTransient(ErrorCodeOf(message.Response)));
    }

    /// <summary>ARM's <c>error.code</c> of a buffered response, or null (no body, not ARM's shape, or not buffered).</summary>
    internal static string? ErrorCodeOf(Azure.Response response)
    {
        if (response.ContentStream is not (null or MemoryStream))
        {
            return null;
        }

        return CustomerSubscriptionJson.ReadError(response.Content.ToMemory()).Code;
    }
}
