using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

/// <summary>The token buckets of <see cref="EmulatorOptions.Throttling"/>, on a fake clock; no retries, so every 429 is seen.</summary>
public sealed class ArmEmulatorThrottlingTests
{
    private const string ReadsHeader = "x-ms-ratelimit-remaining-subscription-reads";
    private const string WritesHeader = "x-ms-ratelimit-remaining-subscription-writes";
    private const string DeletesHeader = "x-ms-ratelimit-remaining-subscription-deletes";
    private const string CustomerA = "e09a4e93-29a7-4eba-a6d4-76202383f07f";
    private const string CustomerB = "7c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5";
    private const string OtherSubscription = "11111111-2222-4333-8444-555555555555";

    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));

    private Task<ArmEmulator> StartAsync(ThrottlingOptions throttling, EmulatorState? state = null) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = state ?? State((CustomerA, Tenant1)),
            Throttling = throttling,
            TimeProvider = clock,
        });

    [Fact]
    public async Task Get_BurstOfThree_CountsTheHeaderDownThenAnswers429WithRetryAfter()
    {
        // Arrange
        await using var emulator = await StartAsync(new ThrottlingOptions { Reads = new TokenBucketLimit(3, 0.5) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        var uri = Url(emulator, CollectionPath());

        // Act
        var responses = new List<Azure.Response>();
        for (var i = 0; i < 4; i++)
        {
            responses.Add(await GetAsync(pipeline, uri));
        }

        // Assert
        Assert.Equal([200, 200, 200, 429], responses.Select(r => r.Status));
        Assert.Equal(["2", "1", "0", "0"], responses.Select(r => Header(r, ReadsHeader)));
        Assert.Equal("TooManyRequests", ErrorCode(responses[3]));
        Assert.Contains("operation type - Read", ErrorMessage(responses[3]), StringComparison.Ordinal);
        Assert.Equal("2", Header(responses[3], "Retry-After"));
        Assert.Null(Header(responses[2], "Retry-After"));
        Assert.Equal(1, emulator.ThrottledCount);
        Assert.Equal(429, emulator.Requests[^1].Status);
    }

    [Fact]
    public async Task Get_AfterTheRetryAfterHasPassed_IsServedAgain()
    {
        // Arrange
        await using var emulator = await StartAsync(new ThrottlingOptions { Reads = new TokenBucketLimit(1, 0.5) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        var uri = Url(emulator, CollectionPath());
        using var first = await GetAsync(pipeline, uri);
        using var throttled = await GetAsync(pipeline, uri);
        var retryAfter = int.Parse(Header(throttled, "Retry-After")!, CultureInfo.InvariantCulture);

        // Act
        clock.Advance(TimeSpan.FromSeconds(retryAfter));
        using var retried = await GetAsync(pipeline, uri);

        // Assert
        Assert.Equal(429, throttled.Status);
        Assert.Equal(200, retried.Status);
        Assert.Equal("0", Header(retried, ReadsHeader));
    }

    [Fact]
    public async Task Get_HalfATokenRefilled_RetryAfterIsTheTimeToTheNextWholeToken()
    {
        // Arrange: 0.5 token/s; one second after emptying, half a token is back.
        await using var emulator = await StartAsync(new ThrottlingOptions { Reads = new TokenBucketLimit(1, 0.5) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        var uri = Url(emulator, CollectionPath());
        using var first = await GetAsync(pipeline, uri);

        // Act
        clock.Advance(TimeSpan.FromSeconds(1));
        using var throttled = await GetAsync(pipeline, uri);

        // Assert
        Assert.Equal(429, throttled.Status);
        Assert.Equal("1", Header(throttled, "Retry-After"));
    }

    [Fact]
    public async Task Get_SlowRefill_RetryAfterIsRoundedUpToWholeSeconds()
    {
        // Arrange: 0.3 token/s needs 3.33 s for a token.
        await using var emulator = await StartAsync(new ThrottlingOptions { Reads = new TokenBucketLimit(1, 0.3) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        var uri = Url(emulator, CollectionPath());
        using var first = await GetAsync(pipeline, uri);

        // Act
        using var throttled = await GetAsync(pipeline, uri);

        // Assert
        Assert.Equal("4", Header(throttled, "Retry-After"));
    }

    [Fact]
    public async Task Get_LongIdle_RefillsNoFurtherThanTheBurst()
    {
        // Arrange
        await using var emulator = await StartAsync(new ThrottlingOptions { Reads = new TokenBucketLimit(5, 10) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        var uri = Url(emulator, CollectionPath());
        using var first = await GetAsync(pipeline, uri);

        // Act
        clock.Advance(TimeSpan.FromHours(1));
        using var later = await GetAsync(pipeline, uri);

        // Assert
        Assert.Equal("4", Header(first, ReadsHeader));
        Assert.Equal("4", Header(later, ReadsHeader));
    }

    [Fact]
    public async Task Put_WriteBucketEmpty_Answers429AndLeavesTheStateAlone()
    {
        // Arrange
        await using var emulator = await StartAsync(new ThrottlingOptions { Writes = new TokenBucketLimit(1, 1) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        using var first = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), PutBody(Tenant2));

        // Act
        using var throttled = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant1));

        // Assert
        Assert.Equal(200, first.Status);
        Assert.Equal(429, throttled.Status);
        Assert.Equal("TooManyRequests", ErrorCode(throttled));
        Assert.Contains("operation type - Write", ErrorMessage(throttled), StringComparison.Ordinal);
        Assert.Equal("0", Header(throttled, WritesHeader));
        Assert.Equal("1", Header(throttled, "Retry-After"));
        var stored = Assert.Single(emulator.Snapshot().Registrations[0].CustomerSubscriptions);
        Assert.Equal((CustomerA, Tenant2), (stored.SubscriptionId, stored.TenantId));
        Assert.Single(emulator.CommittedWrites);
    }

    [Fact]
    public async Task Request_OneCategoryEmpty_LeavesTheOtherCategoriesAndSubscriptionsServed()
    {
        // Arrange
        var one = new TokenBucketLimit(1, 1);
        await using var emulator = await StartAsync(new ThrottlingOptions { Reads = one, Writes = one, Deletes = one });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        using var firstPut = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2));
        using var secondPut = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2));

        // Act
        using var get = await GetAsync(pipeline, Url(emulator, ItemPath(CustomerA)));
        using var delete = await DeleteAsync(pipeline, Url(emulator, ItemPath(CustomerA)));
        using var otherSubscription = await PutAsync(
            pipeline,
            Url(emulator, $"{CollectionPath(subscription: OtherSubscription)}/{CustomerB}"),
            PutBody(Tenant2));

        // Assert
        Assert.Equal(429, secondPut.Status);
        Assert.Equal((200, "0"), (get.Status, Header(get, ReadsHeader)));
        Assert.Equal((200, "0"), (delete.Status, Header(delete, DeletesHeader)));
        Assert.Equal(404, otherSubscription.Status); // its own bucket: through to the handler, which knows no such registration
        Assert.Equal("0", Header(otherSubscription, WritesHeader));
        Assert.Equal(1, emulator.ThrottledCount);
    }

    [Fact]
    public async Task Response_CategoryWithoutBucket_KeepsTheConstantQuotaHeader()
    {
        // Arrange
        await using var emulator = await StartAsync(new ThrottlingOptions { Writes = new TokenBucketLimit(1, 1) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var first = await GetAsync(pipeline, Url(emulator, CollectionPath()));
        using var second = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal("11999", Header(first, ReadsHeader));
        Assert.Equal("11999", Header(second, ReadsHeader));
        Assert.Equal(200, second.Status);
        Assert.Equal(0, emulator.ThrottledCount);
    }

    [Fact]
    public async Task Request_RefusedBeforeThrottling_TakesNoToken()
    {
        // Arrange: a bad api-version is answered before the bucket is consulted.
        await using var emulator = await StartAsync(new ThrottlingOptions { Reads = new TokenBucketLimit(1, 1) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        using var refused = await GetAsync(pipeline, Url(emulator, CollectionPath(), apiVersion: "2019-01-01"));

        // Act
        using var served = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(400, refused.Status);
        Assert.Equal(200, served.Status);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(1, 0.0)]
    [InlineData(1, double.NaN)]
    public async Task StartAsync_InvalidBucket_Throws(int burst, double rate)
    {
        // Arrange
        var options = new EmulatorOptions { Throttling = new ThrottlingOptions { Deletes = new TokenBucketLimit(burst, rate) } };

        // Act
        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ArmEmulator.StartAsync(options));

        // Assert
        Assert.Contains("Throttling.Deletes", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("200:10", 200, 10.0)]
    [InlineData("1:0.5", 1, 0.5)]
    public void TryParse_BurstColonRate_ReadsBoth(string text, int burst, double rate)
    {
        // Act
        var parsed = TokenBucketLimit.TryParse(text, out var limit);

        // Assert
        Assert.True(parsed);
        Assert.Equal(new TokenBucketLimit(burst, rate), limit);
    }

    [Theory]
    [InlineData("200")]
    [InlineData("0:10")]
    [InlineData("10:0")]
    [InlineData("10:-1")]
    [InlineData("a:b")]
    [InlineData("1:2:3")]
    public void TryParse_Invalid_ReturnsFalse(string text)
    {
        // Act
        var parsed = TokenBucketLimit.TryParse(text, out var limit);

        // Assert
        Assert.False(parsed);
        Assert.Null(limit);
    }

    [Fact]
    public async Task Requests_RateLimitHeadersOff_NoRemainingHeaderButThe429KeepsItsRetryAfter()
    {
        // Arrange: reads throttled (1 token), writes unlimited; neither reports a remaining count.
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = State((CustomerA, Tenant1)),
            Throttling = new ThrottlingOptions { Reads = new TokenBucketLimit(1, 0.5) },
            RateLimitHeaders = false,
            TimeProvider = clock,
        });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var read = await GetAsync(pipeline, Url(emulator, CollectionPath()));
        using var throttled = await GetAsync(pipeline, Url(emulator, CollectionPath()));
        using var write = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2));

        // Assert
        Assert.Equal([200, 429, 200], new[] { read, throttled, write }.Select(r => r.Status));
        Assert.All(new[] { read, throttled, write }, r => Assert.DoesNotContain(r.Headers, h => h.Name.StartsWith("x-ms-ratelimit", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal("2", Header(throttled, "Retry-After"));
    }

    [Fact]
    public async Task Put_GlobalBucketSmallerThanThePrincipals_ReportsBothAndThrottlesOnTheGlobalOne()
    {
        // Arrange
        await using var emulator = await StartAsync(new ThrottlingOptions { Writes = new TokenBucketLimit(100, 10), GlobalWrites = new TokenBucketLimit(2, 1) });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        var responses = new List<Azure.Response>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2)));
        }

        // Assert: the global bucket empties first; the refused PUT takes no token of the principal's bucket.
        Assert.Equal([200, 200, 429], responses.Select(r => r.Status));
        Assert.Equal(["99", "98", "98"], responses.Select(r => Header(r, WritesHeader)));
        Assert.Equal(["1", "0", "0"], responses.Select(r => Header(r, "x-ms-ratelimit-remaining-subscription-global-writes")));
        Assert.Equal("1", Header(responses[2], "Retry-After"));
    }

    [Fact]
    public void PublicCloud_Limits_AreArmsDocumentedBuckets()
    {
        // Act
        var limits = ThrottlingOptions.PublicCloud;

        // Assert
        Assert.Equal(new TokenBucketLimit(250, 25), limits.Reads);
        Assert.Equal(new TokenBucketLimit(200, 10), limits.Writes);
        Assert.Equal(new TokenBucketLimit(200, 10), limits.Deletes);
    }
}
