using Azure.Core;

namespace TenantReconciler.Live;

/// <summary>
/// The credential could not produce a token for a request (an expired federated token, a sign-in that lapsed): the
/// attempt that asked for it was <b>not sent</b>. <see cref="EarlierAttemptSent"/> says whether an earlier attempt of
/// the same request was (a retry after a 5xx needs a new token too), in which case the write may have happened. The
/// message is the credential's own (the CLI's explained paragraph), said once.
/// </summary>
public sealed class TokenUnavailableException : ReconcilerException
{
    public TokenUnavailableException(ReconcilerException credentialFailure, bool earlierAttemptSent = false)
        : base(credentialFailure?.Message ?? throw new ArgumentNullException(nameof(credentialFailure)), credentialFailure)
    {
        EarlierAttemptSent = earlierAttemptSent;
    }

    /// <summary>True when an earlier attempt of the request reached the server before a retry could not get a token.</summary>
    public bool EarlierAttemptSent { get; }

    /// <summary>The credential's own exception (for the CLI, its explained <c>CredentialException</c>).</summary>
    public ReconcilerException CredentialFailure => (ReconcilerException)InnerException!;
}

/// <summary>
/// Wraps the pipeline's credential so that "no token" is told apart from every other failure: an expected failure of
/// the credential (a <see cref="ReconcilerException"/>, as the composition root's credentials throw) becomes a
/// <see cref="TokenUnavailableException"/>. Cancellation and anything unexpected propagate as they are.
/// </summary>
internal sealed class TokenFailureCredential(TokenCredential inner) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            return inner.GetToken(requestContext, cancellationToken);
        }
        catch (ReconcilerException e) when (e is not TokenUnavailableException)
        {
            throw new TokenUnavailableException(e);
        }
    }

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.GetTokenAsync(requestContext, cancellationToken).ConfigureAwait(false);
        }
        catch (ReconcilerException e) when (e is not TokenUnavailableException)
        {
            throw new TokenUnavailableException(e);
        }
    }
}
