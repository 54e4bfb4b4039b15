using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// Fail-closed listing (issue 7, §4), over HTTPS through the real client: an empty body means "no tenants" only on the
/// first page; on a page reached through a nextLink it is a truncated listing and an error. <c>{"value": []}</c> with no
/// nextLink is a legitimate end on any page.
/// </summary>
public sealed class ListingEmptyPageTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ListAsync_PageKAnsweredWithAnEmptyBody_ThrowsAndReadsNoFurther(int emptyPage)
    {
        // Arrange: 5 mappings, 2 per page: pages 1, 2 and 3.
        await using var emulator = await StartAsync(Seed(RegistrationA, 5), new FaultProfile { List = new FaultRule { EmptyPage = emptyPage } });
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(RegistrationA, CancellationToken.None));

        // Assert
        Assert.Equal(ArmCustomerSubscriptionClient.EmptyPageErrorCode, exception.ErrorCode);
        Assert.Equal(200, exception.Status);
        Assert.False(exception.IsTransient);
        Assert.Contains($"page {emptyPage}", exception.Message, StringComparison.Ordinal);
        Assert.Contains("nothing will be written", exception.Message, StringComparison.Ordinal);
        Assert.NotNull(exception.RequestId);
        Assert.Equal(emptyPage, emulator.Requests.Count);
        Assert.Equal(1, emulator.InjectedFaults[FaultKind.EmptyPage]);
    }

    [Fact]
    public async Task ListAsync_FirstPageAnsweredWithAnEmptyBody_IsNoTenants()
    {
        // Arrange
        await using var emulator = await StartAsync(Seed(RegistrationA, 5), new FaultProfile { List = new FaultRule { EmptyPage = 1 } });
        var client = CreateClient(emulator);

        // Act
        var live = await client.ListAsync(RegistrationA, CancellationToken.None);

        // Assert
        Assert.Empty(live.Mappings);
        Assert.Single(emulator.Requests);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    public async Task ListAsync_LaterPageIsAnEmptyValueArrayWithoutNextLink_IsALegitimateEnd(int putStatus)
    {
        // Arrange: page 1 holds 2 of 3 mappings and a nextLink; the third is deleted before page 2 is read, so page 2
        // is {"value": []} (also in the document's 201 mode, whose empty body is for an empty first page only).
        var seeded = Seed(RegistrationA, 3);
        ArmEmulator? emulator = null;
        var removed = false;
        var kept = seeded[RegistrationA].OrderBy(m => m.Key.ToString("D").ToUpperInvariant(), StringComparer.Ordinal).Take(2).ToDictionary();
        emulator = await StartAsync(seeded, faults: null, putStatus, (context, next) =>
        {
            if (!removed && context.Request.Query.ContainsKey("$skipToken"))
            {
                removed = true;
                emulator!.Reset(StateOf(new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = kept }));
            }

            return next(context);
        });
        await using var _ = emulator;
        var client = CreateClient(emulator);

        // Act
        var live = await client.ListAsync(RegistrationA, CancellationToken.None);

        // Assert
        Assert.True(removed);
        Assert.Equal(kept, live.Mappings.ToDictionary(m => m.CustomerSubscriptionId, m => m.TenantId));
        Assert.Equal(2, emulator.Requests.Count);
    }

    [Fact]
    public async Task ReadAsync_OneRegistrationsLaterPageEmpty_FailsTheWholeReadAndNothingIsWritten()
    {
        // Arrange: registration A fits one page; B's second page comes back empty.
        var seeded = new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>>
        {
            [RegistrationA] = Mappings(1),
            [RegistrationB] = Mappings(4),
        };
        await using var emulator = await StartAsync(seeded, new FaultProfile { List = new FaultRule { EmptyPage = 2 } });
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(
            () => LiveReader.ReadAsync(client, [RegistrationA, RegistrationB], CancellationToken.None));

        // Assert
        Assert.Equal(ArmCustomerSubscriptionClient.EmptyPageErrorCode, exception.ErrorCode);
        Assert.Contains(RegistrationB.Id.ToString(), exception.Message, StringComparison.Ordinal);
        Assert.Empty(emulator.CommittedWrites);
        Assert.All(emulator.Requests, r => Assert.Equal("GET", r.Method));
    }

    private static Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> Seed(RegistrationRef registration, int count) =>
        new() { [registration] = Mappings(count) };

    private static Task<ArmEmulator> StartAsync(
        IReadOnlyDictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> seeded,
        FaultProfile? faults,
        int putStatus = 200,
        Func<HttpContext, RequestDelegate, Task>? middleware = null) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            PageSize = 2,
            PutStatus = putStatus,
            Faults = faults,
            Middleware = middleware is null ? [] : [middleware],
            InitialState = StateOf(seeded),
        });
}
