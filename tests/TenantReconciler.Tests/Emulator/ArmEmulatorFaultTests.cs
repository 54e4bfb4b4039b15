using Azure;
using TenantReconciler.Tests.Leasing;
using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

/// <summary>The faults of <see cref="EmulatorOptions.Faults"/>, seen through a pipeline without retries.</summary>
public sealed class ArmEmulatorFaultTests : IDisposable
{
    private const string CustomerA = "e09a4e93-29a7-4eba-a6d4-76202383f07f";
    private const string CustomerB = "7c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5";

    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("emulator-faults-");

    public void Dispose() => folder.Delete(recursive: true);

    private static Task<ArmEmulator> StartAsync(FaultProfile faults, EmulatorState? state = null, int pageSize = 100, TimeProvider? time = null, string? statePath = null) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = state ?? State((CustomerA, Tenant1)),
            Faults = faults,
            PageSize = pageSize,
            TimeProvider = time ?? TimeProvider.System,
            StatePath = statePath,
        });

    [Theory]
    [InlineData(nameof(FaultRule.ThrottleRate), 429, "TooManyRequests", FaultKind.Throttle)]
    [InlineData(nameof(FaultRule.ServerErrorRate), 500, "InternalServerError", FaultKind.ServerError)]
    [InlineData(nameof(FaultRule.UnavailableRate), 503, "ServiceUnavailable", FaultKind.Unavailable)]
    public async Task Put_ErrorRateOne_AnswersTheArmErrorAndLeavesTheStateAlone(string rate, int status, string code, FaultKind kind)
    {
        // Arrange
        var rule = rate switch
        {
            nameof(FaultRule.ThrottleRate) => new FaultRule { ThrottleRate = 1, RetryAfter = "7" },
            nameof(FaultRule.ServerErrorRate) => new FaultRule { ServerErrorRate = 1 },
            _ => new FaultRule { UnavailableRate = 1, RetryAfterSeconds = 3 },
        };
        await using var emulator = await StartAsync(new FaultProfile { Put = rule });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2));

        // Assert
        Assert.Equal(status, response.Status);
        Assert.Equal(code, ErrorCode(response));
        Assert.StartsWith("Injected fault:", ErrorMessage(response), StringComparison.Ordinal);
        Assert.Equal(kind switch { FaultKind.Throttle => "7", FaultKind.Unavailable => "3", _ => null }, Header(response, "Retry-After"));
        Assert.True(Guid.TryParse(Header(response, "x-ms-request-id"), out _));
        Assert.Equal([(CustomerA, Tenant1)], emulator.Snapshot().Registrations[0].CustomerSubscriptions.Select(c => (c.SubscriptionId, c.TenantId)));
        Assert.Empty(emulator.CommittedWrites);
        Assert.Equal(1, emulator.InjectedFaults[kind]);
        Assert.Equal(1, emulator.InjectedFaults.Values.Sum());
        Assert.Equal(("PUT", status), (emulator.Requests[^1].Method, emulator.Requests[^1].Status));
    }

    [Fact]
    public async Task Put_DropBeforeCommitRateOne_ClientSeesATransportErrorAndNothingIsWritten()
    {
        // Arrange
        await using var emulator = await StartAsync(new FaultProfile { Put = new FaultRule { DropBeforeCommitRate = 1 } });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        var exception = await Assert.ThrowsAsync<RequestFailedException>(() => PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2)));

        // Assert
        Assert.Equal(0, exception.Status);
        Assert.Single(emulator.Snapshot().Registrations[0].CustomerSubscriptions);
        Assert.Empty(emulator.CommittedWrites);
        Assert.Equal(1, emulator.InjectedFaults[FaultKind.DropBeforeCommit]);
        var logged = Assert.Single(emulator.Requests);
        Assert.Equal(("PUT", ArmEmulator.DroppedStatus), (logged.Method, logged.Status));
    }

    [Fact]
    public async Task Put_DropAfterCommitRateOne_AppliesAndPersistsTheWriteButTheClientSeesATransportError()
    {
        // Arrange
        var statePath = Path.Combine(folder.FullName, "state.json");
        await using var emulator = await StartAsync(new FaultProfile { Put = new FaultRule { DropAfterCommitRate = 1 } }, statePath: statePath);
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        var exception = await Assert.ThrowsAsync<RequestFailedException>(() => PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2)));

        // Assert
        Assert.Equal(0, exception.Status);
        Assert.Contains((CustomerB, Tenant2), emulator.Snapshot().Registrations[0].CustomerSubscriptions.Select(c => (c.SubscriptionId, c.TenantId)));
        Assert.Contains(CustomerB, await File.ReadAllTextAsync(statePath), StringComparison.Ordinal);
        var write = Assert.Single(emulator.CommittedWrites);
        Assert.Equal(("PUT", CustomerB.ToUpperInvariant(), Tenant2), (write.Method, write.CustomerSubscriptionId, write.TenantId));
        Assert.Equal(1, emulator.InjectedFaults[FaultKind.DropAfterCommit]);
        var logged = Assert.Single(emulator.Requests);
        Assert.Equal(("PUT", ArmEmulator.DroppedStatus), (logged.Method, logged.Status));
    }

    [Fact]
    public async Task Delete_DropAfterCommitRateOne_DeletesSoAReadAfterwardsFindsNothing()
    {
        // Arrange
        await using var emulator = await StartAsync(new FaultProfile { Delete = new FaultRule { DropAfterCommitRate = 1 } });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        var uri = Url(emulator, ItemPath(CustomerA));

        // Act
        var exception = await Assert.ThrowsAsync<RequestFailedException>(() => DeleteAsync(pipeline, uri));
        using var get = await GetAsync(pipeline, uri);

        // Assert
        Assert.Equal(0, exception.Status);
        Assert.Equal(404, get.Status);
        var write = Assert.Single(emulator.CommittedWrites);
        Assert.Equal(("DELETE", CustomerA.ToUpperInvariant(), (string?)null), (write.Method, write.CustomerSubscriptionId, write.TenantId));
        Assert.Equal([("DELETE", ArmEmulator.DroppedStatus), ("GET", 404)], emulator.Requests.Select(r => (r.Method, r.Status)));
    }

    [Fact]
    public async Task Get_DropBeforeCommitRateOne_ThrowsATransportError()
    {
        // Arrange
        await using var emulator = await StartAsync(new FaultProfile { Get = new FaultRule { DropBeforeCommitRate = 1 } });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        var exception = await Assert.ThrowsAsync<RequestFailedException>(() => GetAsync(pipeline, Url(emulator, ItemPath(CustomerA))));
        using var list = await GetAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal(0, exception.Status);
        Assert.Equal(200, list.Status);
        Assert.Equal([ArmEmulator.DroppedStatus, 200], emulator.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Request_SameSeed_MeetsTheSameSequenceOfFaults()
    {
        // Arrange
        var profile = new FaultProfile
        {
            Seed = 1234,
            All = new FaultRule { ThrottleRate = 0.25, ServerErrorRate = 0.25, UnavailableRate = 0.25 },
        };

        // Act
        var first = await StatusesAsync(profile, 24);
        var second = await StatusesAsync(profile, 24);
        var otherSeed = await StatusesAsync(profile with { Seed = 4321 }, 24);

        // Assert
        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
        Assert.Subset(new HashSet<int> { 200, 429, 500, 503 }, first.ToHashSet());
        Assert.True(first.Distinct().Count() >= 3, string.Join(",", first));
    }

    [Fact]
    public async Task StartAsync_NoSeed_ReportsTheSeedItPickedAndReplaysWithIt()
    {
        // Arrange
        var profile = new FaultProfile { All = new FaultRule { ServerErrorRate = 0.5 } };
        int seed;
        List<int> picked;
        await using (var emulator = await StartAsync(profile))
        {
            seed = emulator.FaultSeed!.Value;
            picked = await SendGetsAsync(emulator, 16);
        }

        // Act
        var replayed = await StatusesAsync(profile with { Seed = seed }, 16);

        // Assert
        Assert.Equal(picked, replayed);
    }

    [Theory]
    [InlineData(2, new[] { 200, 500 })]
    [InlineData(3, new[] { 200, 200, 500 })]
    public async Task List_FromPage_FailsOnlyThatPageOn(int fromPage, int[] expected)
    {
        // Arrange: 5 mappings, 2 a page: 3 pages.
        var state = State([.. Enumerable.Range(1, 5).Select(i => ($"{i:D8}-0000-4000-8000-000000000000", Tenant1))]);
        await using var emulator = await StartAsync(
            new FaultProfile { List = new FaultRule { ServerErrorRate = 1, FromPage = fromPage } },
            state,
            pageSize: 2);
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        var statuses = new List<int>();
        Uri? next = Url(emulator, CollectionPath());
        while (next is not null)
        {
            using var page = await GetAsync(pipeline, next);
            statuses.Add(page.Status);
            next = page.Status == 200 && Json(page).TryGetProperty("nextLink", out var link) ? new Uri(link.GetString()!) : null;
        }

        // Assert
        Assert.Equal(expected, statuses);
        Assert.Equal(1, emulator.InjectedFaults[FaultKind.ServerError]);
    }

    [Fact]
    public async Task Put_RetryAfterAsHttpDate_SendsNowPlusSecondsInHttpDateForm()
    {
        // Arrange
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var emulator = await StartAsync(
            new FaultProfile { Put = new FaultRule { ThrottleRate = 1, RetryAfterSeconds = 30, RetryAfterAsHttpDate = true } },
            time: clock);
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2));

        // Assert
        Assert.Equal(429, response.Status);
        Assert.Equal("Wed, 02 Jan 2030 03:04:35 GMT", Header(response, "Retry-After"));
    }

    [Fact]
    public async Task Put_RetryAfterString_IsSentVerbatim()
    {
        // Arrange
        const string date = "Fri, 31 Dec 1999 23:59:59 GMT";
        await using var emulator = await StartAsync(new FaultProfile { Put = new FaultRule { UnavailableRate = 1, RetryAfter = date } });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var response = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2));

        // Assert
        Assert.Equal(503, response.Status);
        Assert.Equal(date, Header(response, "Retry-After"));
    }

    [Fact]
    public async Task Request_OperationRule_ReplacesTheAllRule()
    {
        // Arrange
        await using var emulator = await StartAsync(new FaultProfile { All = new FaultRule { ServerErrorRate = 1 }, Get = new FaultRule() });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var get = await GetAsync(pipeline, Url(emulator, ItemPath(CustomerA)));
        using var list = await GetAsync(pipeline, Url(emulator, CollectionPath()));
        using var put = await PutAsync(pipeline, Url(emulator, ItemPath(CustomerA)), PutBody(Tenant2));

        // Assert
        Assert.Equal([200, 500, 500], new[] { get.Status, list.Status, put.Status });
    }

    [Fact]
    public async Task Request_RefusedByTheFrontDoorOrUnrouted_IsNotFaulted()
    {
        // Arrange
        await using var emulator = await StartAsync(new FaultProfile { All = new FaultRule { ServerErrorRate = 1 } });
        var anonymous = EmulatorPipeline.Create(emulator, authenticate: false, maxRetries: 0);
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        using var unauthenticated = await GetAsync(anonymous, Url(emulator, CollectionPath()));
        using var noApiVersion = await GetAsync(pipeline, Url(emulator, CollectionPath(), apiVersion: null));
        using var unknownRoute = await GetAsync(pipeline, Url(emulator, "/something/else"));
        using var wrongMethod = await DeleteAsync(pipeline, Url(emulator, CollectionPath()));

        // Assert
        Assert.Equal([401, 400, 404, 405], new[] { unauthenticated.Status, noApiVersion.Status, unknownRoute.Status, wrongMethod.Status });
        Assert.Equal(0, emulator.InjectedFaults.Values.Sum());
    }

    [Fact]
    public async Task Put_LatencyMs_IsHandledOnlyOnceTheEmulatorsClockHasMovedThatFar()
    {
        // Arrange
        var clock = new TimerRecordingTimeProvider();
        await using var emulator = await StartAsync(new FaultProfile { Put = new FaultRule { LatencyMs = 150 } }, time: clock);
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        var put = PutAsync(pipeline, Url(emulator, ItemPath(CustomerB)), PutBody(Tenant2));
        await clock.WaitForTimerAsync(TimeSpan.FromMilliseconds(150));

        // Act
        clock.Advance(TimeSpan.FromMilliseconds(149));
        var writesBefore = emulator.CommittedWrites.Count;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await put;

        // Assert
        Assert.Equal(0, writesBefore);
        Assert.Equal(200, response.Status);
        Assert.Single(emulator.CommittedWrites);
        Assert.Equal(0, emulator.InjectedFaults.Values.Sum());
    }

    [Fact]
    public async Task StartAsync_InvalidProfile_ThrowsNamingTheField()
    {
        // Arrange
        var options = new EmulatorOptions { Faults = new FaultProfile { Delete = new FaultRule { ServerErrorRate = 1.5 } } };

        // Act
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => ArmEmulator.StartAsync(options));

        // Assert
        Assert.Contains("delete.serverErrorRate", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InjectedFaults_NoProfile_HasEveryKindAtZero()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions());

        // Act
        var counts = emulator.InjectedFaults;

        // Assert
        Assert.Equal(Enum.GetValues<FaultKind>(), counts.Keys.Order());
        Assert.All(counts.Values, v => Assert.Equal(0, v));
        Assert.Null(emulator.FaultSeed);
    }

    private static async Task<List<int>> StatusesAsync(FaultProfile profile, int count)
    {
        await using var emulator = await StartAsync(profile);
        return await SendGetsAsync(emulator, count);
    }

    private static async Task<List<int>> SendGetsAsync(ArmEmulator emulator, int count)
    {
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);
        var statuses = new List<int>();
        for (var i = 0; i < count; i++)
        {
            using var response = await GetAsync(pipeline, Url(emulator, ItemPath(CustomerA)));
            statuses.Add(response.Status);
        }

        return statuses;
    }
}
