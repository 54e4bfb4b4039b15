using TenantReconciler.Tests.Applying;
using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary><see cref="ArmRetryPolicy"/> through the real pipeline against the emulator: a long Retry-After fails at once.</summary>
public sealed class RetryAfterLimitTests
{
    private static readonly Guid Subscription = Guid.Parse("e09a4e93-29a7-4eba-a6d4-76202383f07f");
    private static readonly Guid Tenant = Guid.Parse("dbab3982-796f-4d03-9908-044c08aef8a2");

    [Fact]
    public async Task PutAsync_429AskingForAnHour_FailsAtOnceSayingWhyWithTheRequestIds()
    {
        // Arrange
        await using var emulator = await StartAsync((context, _) => AnswerAsync(context, 429, "SubscriptionRequestsThrottled", ("Retry-After", "3600")));
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.PutAsync(RegistrationA, Subscription.ToString(), Tenant, CancellationToken.None));

        // Assert
        Assert.Equal(429, exception.Status);
        Assert.Equal("SubscriptionRequestsThrottled", exception.ErrorCode);
        Assert.NotNull(exception.RequestId);
        Assert.Contains("ARM asked to retry after 3600 s, more than {MaxRetryWait} 60 s; giving up on this change.", exception.Message, StringComparison.Ordinal);
        Assert.Contains(exception.RequestId!, exception.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Requests);
    }

    [Fact]
    public async Task DeleteAsync_503WithAnHttpDateTwoHoursAhead_FailsAtOnce()
    {
        // Arrange
        var date = DateTimeOffset.UtcNow.AddHours(2).ToString("R", CultureInfo.InvariantCulture);
        await using var emulator = await StartAsync((context, _) => AnswerAsync(context, 503, "ServiceUnavailable", ("Retry-After", date)));
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.DeleteAsync(RegistrationA, Subscription.ToString(), CancellationToken.None));

        // Assert
        Assert.Equal(503, exception.Status);
        Assert.Matches(@"ARM asked to retry after 7\d{3} s, more than \{MaxRetryWait} 60 s", exception.Message);
        Assert.Single(emulator.Requests);
    }

    [Theory]
    [InlineData("x-ms-retry-after-ms", "1500", "1.5 s")]
    [InlineData("retry-after-ms", "1500", "1.5 s")]
    [InlineData("Retry-After", "2", "2 s")]
    public async Task PutAsync_RetryAfterOverASmallLimit_FailsAtOnce(string header, string value, string said)
    {
        // Arrange
        await using var emulator = await StartAsync((context, _) => AnswerAsync(context, 429, "TooManyRequests", (header, value)));
        var client = CreateClient(emulator, FastSettings with { MaxRetryWait = TimeSpan.FromSeconds(1) });

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.PutAsync(RegistrationA, Subscription.ToString(), Tenant, CancellationToken.None));

        // Assert
        Assert.Contains($"ARM asked to retry after {said}, more than {{MaxRetryWait}} 1 s", exception.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Requests);
    }

    [Theory]
    [InlineData("x-ms-retry-after-ms", "20")]
    [InlineData("retry-after-ms", "20")]
    [InlineData("Retry-After", "0")]
    public async Task PutAsync_RetryAfterUnderTheLimitOnce_IsRetriedAndSucceeds(string header, string value)
    {
        // Arrange
        var calls = 0;
        await using var emulator = await StartAsync((context, next) => Interlocked.Increment(ref calls) == 1
            ? AnswerAsync(context, 429, "TooManyRequests", (header, value))
            : next(context));
        var client = CreateClient(emulator);

        // Act
        var result = await client.PutAsync(RegistrationA, Subscription.ToString(), Tenant, CancellationToken.None);

        // Assert
        Assert.Equal(200, result.Status);
        Assert.Equal([429, 200], emulator.Requests.Select(r => r.Status));
        Assert.Equal(Tenant, State(emulator, RegistrationA)[Subscription]);
    }

    [Fact]
    public async Task PutAsync_ShortRetryAfterEveryTime_ThrottleRetriesExhaustedWithoutTheLongWaitMessage()
    {
        // Arrange
        await using var emulator = await StartAsync((context, _) => AnswerAsync(context, 429, "TooManyRequests", ("retry-after-ms", "1")));
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.PutAsync(RegistrationA, Subscription.ToString(), Tenant, CancellationToken.None));

        // Assert
        Assert.Equal(429, exception.Status);
        Assert.DoesNotContain("asked to retry", exception.Message, StringComparison.Ordinal);
        Assert.Equal(FastSettings.MaxThrottleRetries + 1, emulator.Requests.Count);
    }

    [Fact]
    public async Task PutAsync_ServerErrorEveryTime_OnlyTheSmallRetryBudget()
    {
        // Arrange: a 503 without Retry-After is a broken server, not throttling: few retries.
        await using var emulator = await StartAsync((context, _) => WriteErrorAsync(context, 503, "ServiceUnavailable"));
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.PutAsync(RegistrationA, Subscription.ToString(), Tenant, CancellationToken.None));

        // Assert
        Assert.Equal(503, exception.Status);
        Assert.Equal(FastSettings.MaxRetries + 1, emulator.Requests.Count);
    }

    [Fact]
    public async Task PutAsync_RetryAfterOverTheLimitOnARead_SamePolicy()
    {
        // Arrange
        await using var emulator = await StartAsync((context, _) => AnswerAsync(context, 429, "TooManyRequests", ("Retry-After", "120")));
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(RegistrationA, CancellationToken.None));

        // Assert
        Assert.Contains("ARM asked to retry after 120 s", exception.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Requests);
    }

    [Theory]
    [InlineData("retry-after-ms", "250", 250)]
    [InlineData("x-ms-retry-after-ms", "250", 250)]
    [InlineData("Retry-After", "7", 7000)]
    [InlineData("Retry-After", "Wed, 01 Jan 2031 00:00:30 GMT", 30000)]
    [InlineData("Retry-After", "Wed, 01 Jan 2031 00:00:00 GMT", 0)]
    [InlineData("Retry-After", "Tue, 31 Dec 2030 23:00:00 GMT", 0)]
    public async Task RetryAfterHeaderRead_EachForm_ReadsTheWait(string header, string value, int expectedMilliseconds)
    {
        // Arrange
        await using var emulator = await StartAsync((context, _) => AnswerAsync(context, 400, "Nope", (header, value)));

        // Act
        var wait = await SendRawAsync(emulator, headers => RetryAfterHeader.Read(headers, new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        // Assert
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), wait);
    }

    [Theory]
    [InlineData("Retry-After", "soon")]
    [InlineData("Retry-After", "-5")]
    [InlineData("X-Other", "5")]
    public async Task RetryAfterHeaderRead_AbsentOrUnreadable_IsNull(string header, string value)
    {
        // Arrange
        await using var emulator = await StartAsync((context, _) => AnswerAsync(context, 400, "Nope", (header, value)));

        // Act
        var wait = await SendRawAsync(emulator, headers => RetryAfterHeader.Read(headers, DateTimeOffset.UtcNow));

        // Assert
        Assert.Null(wait);
    }

    private static Task<ArmEmulator> StartAsync(Func<HttpContext, RequestDelegate, Task> middleware) =>
        StartEmulatorAsync(
            new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = new Dictionary<Guid, Guid>() },
            middleware);

    private static Task AnswerAsync(HttpContext context, int status, string code, (string Name, string Value) header)
    {
        context.Response.Headers[header.Name] = header.Value;
        return WriteErrorAsync(context, status, code);
    }

    /// <summary>One GET through the real pipeline without retries, to read a response's headers.</summary>
    private static async Task<T> SendRawAsync<T>(ArmEmulator emulator, Func<ResponseHeaders, T> read)
    {
        var connection = new ArmConnection(
            emulator.BaseUri,
            ApiVersions.Default,
            ArmConnections.ScopeFor(AzureCloud.AzureCloud),
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(emulator.Certificate.RawData));
        var pipeline = ArmPipeline.Create(new EmulatorTokenCredential(), connection, FastSettings with { MaxRetries = 0 }, TimeProvider.System);
        using var message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(emulator.BaseUri, $"{RegistrationA.Id}/customerSubscriptions?api-version={ApiVersions.Default}"));
        await pipeline.SendAsync(message, CancellationToken.None);
        return read(message.Response.Headers);
    }
}
