using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;

namespace TenantReconciler.Live;

/// <summary>
/// Builds the one HTTP pipeline every request to ARM goes through (the customer subscriptions, the registration, its
/// locks; a further reader of ARM takes the same one, with an <see cref="ArmRequestSender"/> on it): Azure.Core's
/// pipeline with <see cref="ArmRetryPolicy"/> and <see cref="ArmResponseClassifier"/>, then per attempt
/// <see cref="RateLimitPacingPolicy"/> (when <see cref="ArmPipelineSettings.Pacing"/>), the bearer token, the
/// <c>-v diagnostic</c> trace, and <see cref="PooledResponseBuffer"/> last. Retries are this pipeline's only: no caller
/// adds a loop of its own.
/// </summary>
public static class ArmPipeline
{
    /// <summary>
    /// The pipeline for <paramref name="connection"/>. When <see cref="ArmConnection.TrustedCertificate"/> is set, the
    /// transport additionally trusts that certificate as a root for <see cref="ArmConnection.Endpoint"/> only (this
    /// replaces <see cref="ArmPipelineSettings.Transport"/>); host names are always checked.
    /// </summary>
    /// <param name="time">The container's clock: pacing waits on it, and a <c>Retry-After</c> date is read against it.</param>
    public static HttpPipeline Create(TokenCredential credential, ArmConnection connection, ArmPipelineSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(time);
        var options = CreateOptions(settings, time);
        // A token the credential cannot produce is a TokenUnavailableException: that attempt was not sent.
        var authentication = new BearerTokenAuthenticationPolicy(new TokenFailureCredential(credential), connection.Scope);
        HttpPipelinePolicy[] perRetry = settings.Pacing
            ? [new RateLimitPacingPolicy(time, settings.PacingReserve, settings.MaxRetryWait), authentication]
            : [authentication];
        if (settings.HttpTrace is { } trace)
        {
            // After the token: the attempt as it is sent, and what came back.
            perRetry = [.. perRetry, new HttpTracePolicy(trace, time)];
        }

        return Build(options, connection, perRetry);
    }

    /// <summary>
    /// Exponential retries as <paramref name="settings"/> say, through <see cref="ArmRetryPolicy"/> (a <c>Retry-After</c>
    /// longer than <see cref="ArmPipelineSettings.MaxRetryWait"/> fails the request at once).
    /// </summary>
    internal static ArmClientOptions CreateOptions(ArmPipelineSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var options = new ArmClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = settings.MaxRetries;
        options.Retry.Delay = settings.RetryDelay;
        options.Retry.MaxDelay = settings.MaxDelay;
        options.Retry.NetworkTimeout = settings.NetworkTimeout;
        if (settings.ApplicationId is { } applicationId)
        {
            options.Diagnostics.ApplicationId = applicationId;
        }

        if (settings.Transport is { } transport)
        {
            options.Transport = transport;
        }

        options.RetryPolicy = new ArmRetryPolicy(
            settings.MaxRetries,
            new ArmDelayStrategy(settings.RetryDelay, settings.MaxDelay, time),
            settings.MaxRetryWait,
            settings.MaxThrottleRetries,
            time);
        return options;
    }

    private static HttpPipeline Build(ArmClientOptions options, ArmConnection connection, HttpPipelinePolicy[] perRetryPolicies)
    {
        if (connection.TrustedCertificate is not null)
        {
            options.Transport = new HttpClientTransport(
                TrustedCertificateValidation.CreateHandler(connection.Endpoint, connection.TrustedCertificate));
        }

        var pipelineOptions = new HttpPipelineOptions(options) { ResponseClassifier = ArmResponseClassifier.Instance };
        foreach (var policy in perRetryPolicies)
        {
            pipelineOptions.PerRetryPolicies.Add(policy);
        }

        // Last of every pipeline's per-retry policies: a body it buffers is read inside the retry loop.
        pipelineOptions.PerRetryPolicies.Add(PooledResponseBuffer.Instance);
        return HttpPipelineBuilder.Build(pipelineOptions);
    }
}
