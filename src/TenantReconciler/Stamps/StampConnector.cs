using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using TenantReconciler.Live;

namespace TenantReconciler.Stamps;

/// <summary>Where one stamp is reached: its admin endpoint (the emulator's, with <c>--emulator</c>) and the one extra certificate trusted for it.</summary>
public sealed record StampTarget(Uri AdminEndpoint, Guid ProviderSubscriptionId, X509Certificate2? TrustedCertificate)
{
    /// <summary>How the host spells the settings a failure's message points to (the CLI's flags; neutral by default).</summary>
    public IOptionNames OptionNames { get; init; } = NeutralOptionNames.Instance;
}

/// <summary>The stamp's credential (<c>--stamp-auth</c>): chosen by the composition root, from the stamp's metadata when it needs it.</summary>
public interface IStampCredentials
{
    /// <summary>True when <see cref="Create"/> needs the stamp's metadata document (the audience and where to sign in).</summary>
    bool NeedsMetadata { get; }

    /// <summary>The credential for the stamp; <paramref name="metadata"/> is null when <see cref="NeedsMetadata"/> is false.</summary>
    TokenCredential Create(Uri adminEndpoint, StampMetadata? metadata);
}

/// <summary>
/// Opens a stamp's client on the same Azure.Core pipeline as ARM's (<see cref="ArmPipeline.Create"/>):
/// the token is asked for <c>{audiences[0]}/.default</c> of the stamp's metadata document, which is read first, without
/// a token, through the same retries and the same certificate trust.
/// </summary>
public static class StampConnector
{
    /// <param name="time">The container's clock, as for ARM's pipeline (pacing, <c>Retry-After</c> dates).</param>
    public static async Task<IStampAdminClient> ConnectAsync(StampTarget target, IStampCredentials credentials, ArmPipelineSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(settings);
        StampMetadata? metadata = null;
        if (credentials.NeedsMetadata)
        {
            metadata = await StampAdminClient.ReadMetadataAsync(CreateAnonymousPipeline(target, settings, time), target.AdminEndpoint, target.OptionNames, cancellationToken).ConfigureAwait(false);
        }

        var credential = credentials.Create(target.AdminEndpoint, metadata);
        var scope = metadata?.Scope ?? ArmConnections.ScopeForAudience(StampEndpoint.Base(target.AdminEndpoint));
        var connection = new ArmConnection(new Uri(StampEndpoint.Base(target.AdminEndpoint) + "/"), StampAdminClient.UsageApiVersion, scope, target.TrustedCertificate);
        var pipeline = ArmPipeline.Create(credential, connection, settings, time);
        return new StampAdminClient(pipeline, target.AdminEndpoint, target.ProviderSubscriptionId) { OptionNames = target.OptionNames };
    }

    /// <summary>
    /// The pipeline of the metadata document, which a stamp serves to anyone: <see cref="ArmPipeline.CreateOptions"/>
    /// (the same retries), the same classifier, trust and pooled bodies, and no authentication policy.
    /// </summary>
    internal static HttpPipeline CreateAnonymousPipeline(StampTarget target, ArmPipelineSettings settings, TimeProvider time)
    {
        var options = ArmPipeline.CreateOptions(settings, time);
        if (target.TrustedCertificate is not null)
        {
            options.Transport = new HttpClientTransport(TrustedCertificateValidation.CreateHandler(target.AdminEndpoint, target.TrustedCertificate));
        }

        var pipelineOptions = new HttpPipelineOptions(options) { ResponseClassifier = ArmResponseClassifier.Instance };
        pipelineOptions.PerRetryPolicies.Add(PooledResponseBuffer.Instance);
        return HttpPipelineBuilder.Build(pipelineOptions);
    }
}
