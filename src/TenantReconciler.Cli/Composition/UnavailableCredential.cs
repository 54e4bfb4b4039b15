using Azure.Core;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// A credential that cannot be built (for example because its variables are missing): every token request fails with
/// a <see cref="CredentialException"/> that says why, naming the scope asked for.
/// </summary>
public sealed class UnavailableCredential : TokenCredential
{
    private readonly AuthKind _auth;
    private readonly AzureCloud _cloud;
    private readonly string _reason;

    public UnavailableCredential(AuthKind auth, AzureCloud cloud, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _auth = auth;
        _cloud = cloud;
        _reason = reason;
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        throw CredentialErrors.Unavailable(_auth, _cloud, requestContext.Scopes, _reason);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        throw CredentialErrors.Unavailable(_auth, _cloud, requestContext.Scopes, _reason);
}
