using static TenantReconciler.Tests.Live.LiveTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>The client through the real pipeline against the real emulator over HTTPS.</summary>
public sealed class ArmCustomerSubscriptionClientEmulatorTests
{
    private const string TenantA = "dbab3982-796f-4d03-9908-044c08aef8a2";
    private const string SubscriptionA = "e09a4e93-29a7-4eba-a6d4-76202383f07f";

    [Fact]
    public async Task ListAsync_SevenMappingsPageSizeTwo_ReturnsEveryMappingWithOneGetPerPage()
    {
        // Arrange
        var seeded = Enumerable.Range(1, 7)
            .Select(i => (Subscription: Guid.NewGuid(), Tenant: Guid.NewGuid()))
            .ToList();
        await using var emulator = await StartAsync(seeded.Select(s => (s.Subscription.ToString(), s.Tenant.ToString())), pageSize: 2);
        var client = CreateClient(emulator.BaseUri, emulator.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Equal(Registration, live.Registration);
        Assert.Equal(
            seeded.OrderBy(s => s.Subscription).Select(s => (s.Subscription, s.Tenant)),
            live.Mappings.Select(m => (m.CustomerSubscriptionId, m.TenantId)).OrderBy(m => m.CustomerSubscriptionId));
        var gets = emulator.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(4, gets.Count);
        Assert.All(gets, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task ListAsync_OnePageOfThousandMappings_ReturnsThemAll()
    {
        // Arrange
        var seeded = Enumerable.Range(0, 1000).Select(_ => (Guid.NewGuid().ToString(), Guid.NewGuid().ToString())).ToList();
        await using var emulator = await StartAsync(seeded, pageSize: 1000);
        var client = CreateClient(emulator.BaseUri, emulator.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Equal(1000, live.Mappings.Select(m => m.CustomerSubscriptionId).Distinct().Count());
        Assert.Single(emulator.Requests);
    }

    [Fact]
    public async Task ListAsync_SubscriptionStoredLowerCase_NameIsTheUpperCaseLastSegmentOfIdNotTheNameField()
    {
        // Arrange
        await using var emulator = await StartAsync([(SubscriptionA, TenantA)]);
        var client = CreateClient(emulator.BaseUri, emulator.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        var mapping = Assert.Single(live.Mappings);
        Assert.Equal(SubscriptionA.ToUpperInvariant(), mapping.CustomerSubscriptionName);
        Assert.Equal(Guid.Parse(SubscriptionA), mapping.CustomerSubscriptionId);
        Assert.Equal(Guid.Parse(TenantA), mapping.TenantId);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    public async Task PutAsync_EitherPutStatus_SucceedsAndTheMappingIsListed(int putStatus)
    {
        // Arrange
        await using var emulator = await StartAsync([], putStatus: putStatus);
        var client = CreateClient(emulator.BaseUri, emulator.Certificate);

        // Act
        var result = await client.PutAsync(Registration, SubscriptionA, Guid.Parse(TenantA), CancellationToken.None);

        // Assert
        Assert.Equal(putStatus, result.Status);
        Assert.False(string.IsNullOrEmpty(result.RequestId));
        Assert.False(string.IsNullOrEmpty(result.CorrelationId));
        var live = await client.ListAsync(Registration, CancellationToken.None);
        var mapping = Assert.Single(live.Mappings);
        Assert.Equal((Guid.Parse(SubscriptionA), Guid.Parse(TenantA)), (mapping.CustomerSubscriptionId, mapping.TenantId));
        var stored = Assert.Single(Assert.Single(emulator.Snapshot().Registrations).CustomerSubscriptions);
        Assert.Equal(Guid.Parse(TenantA), Guid.Parse(stored.TenantId));
    }

    [Theory]
    [InlineData(200)] // {"value":[]}
    [InlineData(201)] // the document's variant: an empty body
    public async Task ListAsync_NoTenantsInEitherVariant_ReturnsNoMappings(int putStatus)
    {
        // Arrange
        await using var emulator = await StartAsync([], putStatus: putStatus);
        var client = CreateClient(emulator.BaseUri, emulator.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Empty(live.Mappings);
        var get = Assert.Single(emulator.Requests);
        Assert.Equal(("GET", 200), (get.Method, get.Status));
    }

    [Fact]
    public async Task ListAsync_UnknownRegistration_ThrowsResourceNotFoundWithRequestIds()
    {
        // Arrange
        await using var emulator = await StartAsync([(SubscriptionA, TenantA)]);
        var client = CreateClient(emulator.BaseUri, emulator.Certificate);
        var unknown = new RegistrationRef(Registration.SubscriptionId, Registration.ResourceGroup, "unknown-registration");

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(unknown, CancellationToken.None));

        // Assert
        Assert.Equal(404, exception.Status);
        Assert.Equal("ResourceNotFound", exception.ErrorCode);
        Assert.False(string.IsNullOrEmpty(exception.RequestId));
        Assert.False(string.IsNullOrEmpty(exception.CorrelationId));
        Assert.Contains($"Registration {unknown.Id} was not found; nothing will be written.", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"x-ms-request-id: {exception.RequestId}", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAsync_NameAsListed_RemovesTheMapping()
    {
        // Arrange
        await using var emulator = await StartAsync([(SubscriptionA, TenantA)]);
        var client = CreateClient(emulator.BaseUri, emulator.Certificate);
        var listed = Assert.Single((await client.ListAsync(Registration, CancellationToken.None)).Mappings);

        // Act
        var result = await client.DeleteAsync(Registration, listed.CustomerSubscriptionName, CancellationToken.None);

        // Assert
        Assert.Contains(result.Status, new[] { 200, 204 });
        Assert.Empty((await client.ListAsync(Registration, CancellationToken.None)).Mappings);
        Assert.Empty(Assert.Single(emulator.Snapshot().Registrations).CustomerSubscriptions);
    }

    [Fact]
    public async Task DeleteAsync_NotMapped_Returns204()
    {
        // Arrange
        await using var emulator = await StartAsync([]);
        var client = CreateClient(emulator.BaseUri, emulator.Certificate);

        // Act
        var result = await client.DeleteAsync(Registration, SubscriptionA, CancellationToken.None);

        // Assert
        Assert.Equal(204, result.Status);
    }

    [Fact]
    public async Task ListAsync_PipelineWithoutTheEmulatorsCertificate_FailsWithStatus0()
    {
        // Arrange
        await using var emulator = await StartAsync([(SubscriptionA, TenantA)]);
        var untrusting = CreateClient(emulator.BaseUri, trusted: null, maxRetries: 0);
        var trusting = CreateClient(emulator.BaseUri, emulator.Certificate);

        // Act
        var exception = await Record.ExceptionAsync(() => untrusting.ListAsync(Registration, CancellationToken.None));
        var live = await trusting.ListAsync(Registration, CancellationToken.None);

        // Assert
        var failure = Assert.IsType<ArmRequestException>(exception);
        Assert.Equal(0, failure.Status);
        Assert.NotNull(failure.InnerException);
        Assert.Single(live.Mappings);
        Assert.Single(emulator.Requests);
    }

    [Fact]
    public async Task ListAsync_EmulatorAnswers503OnceOnPage2_RetryPolicyRecoversAndListingIsComplete()
    {
        // Arrange
        var failures = 0;
        var seeded = Enumerable.Range(0, 5).Select(_ => (Guid.NewGuid().ToString(), Guid.NewGuid().ToString())).ToList();
        await using var emulator = await StartAsync(seeded, pageSize: 2, middleware: (context, next) =>
            context.Request.Query.ContainsKey("$skipToken") && Interlocked.Increment(ref failures) == 1
                ? WriteErrorAsync(context, 503, "ServiceUnavailable")
                : next(context));
        var client = CreateClient(emulator.BaseUri, emulator.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Equal(5, live.Mappings.Count);
        Assert.Equal([200, 503, 200, 200], emulator.Requests.Select(r => r.Status));
        Assert.Equal(emulator.Requests[1].PathAndQuery, emulator.Requests[2].PathAndQuery);
    }

    [Fact]
    public async Task ListAsync_EmulatorFailsEveryLaterPage_ThrowsInsteadOfReturningPage1()
    {
        // Arrange
        var seeded = Enumerable.Range(0, 5).Select(_ => (Guid.NewGuid().ToString(), Guid.NewGuid().ToString())).ToList();
        await using var emulator = await StartAsync(seeded, pageSize: 2, middleware: (context, next) =>
            context.Request.Query.ContainsKey("$skipToken")
                ? WriteErrorAsync(context, 500, "InternalServerError")
                : next(context));
        var client = CreateClient(emulator.BaseUri, emulator.Certificate, maxRetries: 2);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal(500, exception.Status);
        Assert.Equal("InternalServerError", exception.ErrorCode);
        Assert.Equal(emulator.Requests[^1].Status, exception.Status);
        Assert.Equal(4, emulator.Requests.Count); // page 1, then page 2 once plus two retries
    }

    private static Task<ArmEmulator> StartAsync(
        IEnumerable<(string Subscription, string Tenant)> mappings,
        int pageSize = 100,
        int putStatus = 200,
        Func<HttpContext, RequestDelegate, Task>? middleware = null) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            PageSize = pageSize,
            PutStatus = putStatus,
            RequiredToken = EmulatorTokenCredential.Token,
            Middleware = middleware is null ? [] : [middleware],
            InitialState = new EmulatorState
            {
                Registrations =
                [
                    new EmulatorRegistration
                    {
                        SubscriptionId = Registration.SubscriptionId.ToString(),
                        ResourceGroup = Registration.ResourceGroup,
                        Name = Registration.Name,
                        CustomerSubscriptions =
                        [
                            .. mappings.Select(m => new EmulatorCustomerSubscription { SubscriptionId = m.Subscription, TenantId = m.Tenant }),
                        ],
                    },
                ],
            },
        });

    private static Task WriteErrorAsync(HttpContext context, int status, string code)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = new { code, message = $"Injected {status}." } });
    }
}
