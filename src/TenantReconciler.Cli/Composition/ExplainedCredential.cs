using Azure.Core;
using Azure.Identity;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// Wraps an Azure.Identity credential so that "no token" (<see cref="CredentialUnavailableException"/>,
/// <see cref="AuthenticationFailedException"/>) becomes a <see cref="CredentialException"/>: it passes through the
/// pipeline's bearer token policy and the ARM client unchanged, and the command boundary prints it as one paragraph.
/// Cancellation and anything else propagate as they are.
/// </summary>
public sealed class ExplainedCredential(TokenCredential inner, AuthKind auth, AzureCloud cloud) : TokenCredential
{
    private readonly TokenCredential _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly AuthKind _auth = auth;
    private readonly AzureCloud _cloud = cloud;

    /// <summary>The endpoint, when it is on loopback and the credential was not chosen for it: the paragraph then starts with <c>--auth emulator</c>.</summary>
    public string? LoopbackEndpoint { get; private init; }

    /// <summary>This credential, explained for a loopback endpoint that no <c>--auth</c> was given for: the emulator's, most likely.</summary>
    public ExplainedCredential ForLoopback(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new ExplainedCredential(_inner, _auth, _cloud) { LoopbackEndpoint = endpoint.GetLeftPart(UriPartial.Authority) };
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            return _inner.GetToken(requestContext, cancellationToken);
        }
        catch (AuthenticationFailedException e)
        {
            throw Explain(e, requestContext);
        }
    }

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            return await _inner.GetTokenAsync(requestContext, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationFailedException e)
        {
            throw Explain(e, requestContext);
        }
    }

    private CredentialException Explain(AuthenticationFailedException e, TokenRequestContext requestContext)
    {
        var failed = CredentialErrors.Failed(_auth, _cloud, requestContext.Scopes, e);
        return LoopbackEndpoint is { } endpoint
            ? new CredentialException(_auth, $"{endpoint} is on loopback: for the emulator, pass --auth emulator. {failed.Message}", failed.Details, e)
            : failed;
    }
}
