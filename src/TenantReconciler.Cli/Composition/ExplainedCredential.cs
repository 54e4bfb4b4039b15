using Azure.Core;
using Azure.Identity;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// Wraps an Azure.Identity credential so that "no token" (<see cref="CredentialUnavailableException"/>,
/// <see cref="AuthenticationFailedException"/>) becomes a <see cref="CredentialException"/>: it passes through the
/// pipeline's bearer token policy and the ARM client unchanged, and the command boundary prints it as one paragraph.
/// Cancellation and anything else propagate as they are.
/// </summary>
public sealed class ExplainedCredential : TokenCredential
{
    private readonly TokenCredential _inner;
    private readonly AuthKind _auth;
    private readonly AzureCloud _cloud;

    public ExplainedCredential(TokenCredential inner, AuthKind auth, AzureCloud cloud)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _auth = auth;
        _cloud = cloud;
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            return _inner.GetToken(requestContext, cancellationToken);
        }
        catch (AuthenticationFailedException e)
        {
            throw CredentialErrors.Failed(_auth, _cloud, requestContext.Scopes, e);
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
            throw CredentialErrors.Failed(_auth, _cloud, requestContext.Scopes, e);
        }
    }
}
