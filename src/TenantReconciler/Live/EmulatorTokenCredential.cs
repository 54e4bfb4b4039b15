using Azure.Core;

namespace TenantReconciler.Live;

/// <summary>
/// A fixed, non-secret bearer token for the local emulator. The composition root refuses it for any endpoint that is
/// not on loopback, so it can never be sent to a real ARM.
/// </summary>
public sealed class EmulatorTokenCredential : TokenCredential
{
    public const string Token = "tenant-reconciler-emulator-token";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(Token, DateTimeOffset.MaxValue);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
