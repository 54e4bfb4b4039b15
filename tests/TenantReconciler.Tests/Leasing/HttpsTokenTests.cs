namespace TenantReconciler.Tests.Leasing;

/// <summary>
/// The production path: <see cref="BlobLeaseLock.Create"/> with a blob URL and a <see cref="TokenCredential"/>, over
/// HTTPS through the real pipeline to an Azurite that takes bearer tokens.
/// </summary>
public sealed class HttpsTokenTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan Duration = BlobLeaseLock.MinLeaseDuration;

    [AzuriteFact(Local = true)]
    public async Task TryAcquireAsync_BlobUrlWithTokenCredentialOverHttps_LocksAgainstOthers()
    {
        // Arrange
        var (account, options) = await azurite.GetHttpsAsync();
        var blobUri = new Uri($"{account}/{AzuriteFixture.NewContainer()}/{AzuriteFixture.BlobName}");
        var credential = new AzuriteBearerCredential();
        var first = BlobLeaseLock.Create(blobUri, credential, options);
        var second = BlobLeaseLock.Create(blobUri, credential, options);

        // Act
        var held = await first.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        var whileHeld = await second.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);
        var holder = await second.GetHolderAsync(CancellationToken.None);
        await held!.ReleaseAsync(CancellationToken.None);
        await using var afterRelease = await second.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);

        // Assert
        Assert.Null(whileHeld);
        Assert.Equal(BlobLeaseLock.LocalHolder, holder?.Holder);
        Assert.NotNull(afterRelease);
        Assert.True(credential.Requests > 0);
    }

    [AzuriteFact(Local = true)]
    public async Task TryAcquireAsync_TokenRefused_ThrowsRequestFailedInsteadOfReportingHeld()
    {
        // Arrange: a token Azurite refuses (wrong audience), so the failure is an authentication one, not "held".
        var (account, options) = await azurite.GetHttpsAsync();
        var blobUri = new Uri($"{account}/{AzuriteFixture.NewContainer()}/{AzuriteFixture.BlobName}");
        var lease = BlobLeaseLock.Create(blobUri, new AzuriteBearerCredential(audience: "https://management.azure.com"), options);

        // Act
        var act = () => lease.TryAcquireAsync(Duration, new FakeTimeProvider(), CancellationToken.None);

        // Assert
        var error = await Assert.ThrowsAsync<Azure.RequestFailedException>(act);
        Assert.Equal(403, error.Status); // AuthenticationFailed
    }

    /// <summary>
    /// An unsigned JWT of the shape Azurite's <c>--oauth basic</c> checks (issuer, audience, lifetime; it does not
    /// verify signatures). Never sent anywhere but the loopback Azurite.
    /// </summary>
    private sealed class AzuriteBearerCredential(string audience = "https://storage.azure.com") : TokenCredential
    {
        private int _requests;

        public int Requests => _requests;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var now = DateTimeOffset.UtcNow;
            var expires = now.AddHours(1);
            var header = new { alg = "none", typ = "JWT" };
            var payload = new
            {
                aud = audience,
                iss = $"https://sts.windows.net/{Guid.Empty}/",
                iat = now.AddMinutes(-5).ToUnixTimeSeconds(),
                nbf = now.AddMinutes(-5).ToUnixTimeSeconds(),
                exp = expires.ToUnixTimeSeconds(),
            };
            return new AccessToken($"{Encode(header)}.{Encode(payload)}.", expires);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));

        private static string Encode(object value) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
