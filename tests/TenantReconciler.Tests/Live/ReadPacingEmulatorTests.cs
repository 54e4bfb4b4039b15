using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Xunit.Abstractions;
using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// Reads are paced per subscription as writes are: <see cref="LiveReader"/>'s parallel listings through the real pipeline
/// against the emulator's read buckets. As in <see cref="PacingEmulatorTests"/>, the buckets and the pacing share one
/// fake clock, so nothing asserted depends on how fast the machine runs.
/// </summary>
public sealed class ReadPacingEmulatorTests(ITestOutputHelper output)
{
    private const int PageSize = 10;
    private const int MappingsPerRegistration = 25; // 3 pages: 10, 10, 5
    private const int PagesPerRegistration = 3;
    private static readonly TokenBucketLimit SmallReadBucket = new(5, 20);
    private static readonly Guid SubscriptionOne = Guid.Parse("0b6c2c1e-5d1a-4c53-9f0e-6a7b8c9d0e11");
    private static readonly Guid SubscriptionTwo = Guid.Parse("7e3f9a20-1b4c-4d5e-8f60-718293a4b522");

    [Fact]
    public async Task ReadAsync_TwentyRegistrationsOfThreePagesInOneSubscriptionAtParallelism4_NoThrottlingAndTheMinimumGets()
    {
        // Arrange: 60 GETs into one read bucket of 5 refilling 20/s.
        var seeded = Seed(SubscriptionOne, 20);
        await using var clock = new QuiescentClock();
        await using var emulator = await StartAsync(seeded, clock);
        var client = clock.Listings(CreateClient(emulator, FastSettings.ForParallelism(4), clock));

        // Act
        var live = await LiveReader.ReadAsync(client, [.. seeded.Keys], 4, CancellationToken.None);

        // Assert
        var gets = seeded.Count * PagesPerRegistration;
        var span = emulator.Requests[^1].Time - emulator.Requests[0].Time;
        var least = TimeSpan.FromSeconds((gets - SmallReadBucket.Burst) / SmallReadBucket.RefillPerSecond);
        output.WriteLine($"{gets} GETs over {span.TotalSeconds:0.00} s of fake time ({clock.Jumps} jumps); the bucket allows no less than {least.TotalSeconds:0.00} s");
        Assert.Equal(0, emulator.ThrottledCount);
        Assert.DoesNotContain(emulator.Requests, r => r.Status == 429);
        Assert.Equal(gets, emulator.Requests.Count);
        Assert.All(emulator.Requests, r => Assert.Equal("GET", r.Method));
        AssertListed(seeded, live);
        Assert.True(span >= least, $"{span}");
    }

    [Fact]
    public async Task ReadAsync_SameBucketWithoutPacing_IsThrottledYetCompleteAfterRetryAfter()
    {
        // Arrange: the contrast to the test above. The emulator's clock stands still, except that each 429 lets its
        // Retry-After pass on it (Azure.Core waits that long for real before retrying): without pacing, the burst is
        // spent at once and the next GET is throttled, whatever the machine's speed.
        var seeded = Seed(SubscriptionOne, 4);
        var clock = new FakeTimeProvider();
        await using var emulator = await StartAsync(seeded, clock);
        using var transport = new RetryAfterPassesTime(emulator, clock);
        var client = CreateClientOn(transport, emulator, FastSettings with { Pacing = false, MaxThrottleRetries = 30 });

        // Act
        var live = await LiveReader.ReadAsync(client, [.. seeded.Keys], 4, CancellationToken.None);

        // Assert
        output.WriteLine($"{emulator.ThrottledCount} GETs throttled");
        Assert.True(emulator.ThrottledCount > 0);
        Assert.Equal(emulator.ThrottledCount, emulator.Requests.Count(r => r.Status == 429));
        Assert.Equal(seeded.Count * PagesPerRegistration, emulator.Requests.Count(r => r.Status == 200));
        AssertListed(seeded, live);
    }

    [Fact]
    public async Task ReadAsync_SecondSubscriptionWhileTheFirstsBucketIsSpent_ItsListingIsNotHeldBack()
    {
        // Arrange: eight listings spend subscription one's read bucket; then one listing of subscription two runs
        // first beside three more of subscription one.
        var spend = Seed(SubscriptionOne, 8);
        var more = Seed(SubscriptionOne, 3, first: 8);
        var other = Seed(SubscriptionTwo, 1);
        await using var clock = new QuiescentClock();
        await using var emulator = await StartAsync(spend.Concat(more).Concat(other).ToDictionary(), clock);
        var client = clock.Listings(CreateClient(emulator, FastSettings.ForParallelism(4), clock));
        await LiveReader.ReadAsync(client, [.. spend.Keys], 4, CancellationToken.None);
        var spent = emulator.Requests.Count;
        var start = clock.GetUtcNow();

        // Act
        var live = await LiveReader.ReadAsync(client, [.. other.Keys, .. more.Keys], 4, CancellationToken.None);

        // Assert: subscription two's GETs all went at the instant its listing started (it waited for nothing), while
        // subscription one's needed fake time to refill (its bucket holds at most 5 of their 9).
        var second = emulator.Requests.Skip(spent).ToList();
        var two = second.Where(r => r.PathAndQuery.Contains(SubscriptionTwo.ToString(), StringComparison.OrdinalIgnoreCase)).ToList();
        var one = second.Except(two).ToList();
        output.WriteLine($"subscription two at +{string.Join(", ", two.Select(r => (r.Time - start).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)))} s; "
            + $"subscription one from +{(one[0].Time - start).TotalSeconds:0.000} s to +{(one[^1].Time - start).TotalSeconds:0.000} s");
        Assert.Equal(0, emulator.ThrottledCount);
        Assert.Equal(spend.Count * PagesPerRegistration, spent);
        Assert.Equal(PagesPerRegistration, two.Count);
        Assert.All(two, r => Assert.Equal(start, r.Time));
        Assert.Equal(more.Count * PagesPerRegistration, one.Count);
        var least = TimeSpan.FromSeconds((one.Count - SmallReadBucket.Burst) / SmallReadBucket.RefillPerSecond);
        Assert.True(one[^1].Time - start >= least, $"{one[^1].Time - start}");
        AssertListed(other.Concat(more).ToDictionary(), live);
    }

    [Theory]
    [InlineData(1, 0, 3)]
    [InlineData(4, 0, 6)]
    [InlineData(8, 4, 10)]
    [InlineData(4, 16, 18)]
    public void ReserveFor_ListingAndWriteParallelism_CoversTheLargerPlusTwo(int listing, int writes, int reserve)
    {
        // Act
        var settings = ArmPipelineSettings.Default.ForParallelism(listing, writes);

        // Assert
        Assert.Equal(reserve, ArmPipelineSettings.ReserveFor(listing, writes));
        Assert.Equal(reserve, settings.PacingReserve);
        Assert.Equal(ArmPipelineSettings.ReserveFor(LiveReader.DefaultParallelism), ArmPipelineSettings.Default.PacingReserve);
    }

    /// <summary><paramref name="count"/> registrations of <paramref name="subscription"/>, each with its own mappings, in order.</summary>
    private static Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> Seed(Guid subscription, int count, int first = 0) =>
        Enumerable.Range(first, count).ToDictionary(
            i => new RegistrationRef(subscription, "azurestack", $"azurestack-{i:D2}"),
            _ => (IReadOnlyDictionary<Guid, Guid>)Mappings(MappingsPerRegistration));

    /// <summary>The listing is in the order asked for, and each registration's mappings are exactly the seeded ones.</summary>
    private static void AssertListed(IReadOnlyDictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> seeded, IReadOnlyList<LiveRegistration> live)
    {
        Assert.Equal(seeded.Keys, live.Select(l => l.Registration));
        Assert.All(live, l => Assert.Equal(
            seeded[l.Registration].OrderBy(m => m.Key),
            l.Mappings.Select(m => KeyValuePair.Create(m.CustomerSubscriptionId, m.TenantId)).OrderBy(m => m.Key)));
    }

    private static Task<ArmEmulator> StartAsync(IReadOnlyDictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> seeded, TimeProvider time) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            PageSize = PageSize,
            Throttling = new ThrottlingOptions { Reads = SmallReadBucket },
            TimeProvider = time,
            InitialState = StateOf(seeded),
        });

    /// <summary>A client on <paramref name="transport"/>, which itself trusts the emulator's certificate.</summary>
    private static ArmCustomerSubscriptionClient CreateClientOn(HttpPipelineTransport transport, ArmEmulator emulator, ArmPipelineSettings settings)
    {
        var connection = new ArmConnection(emulator.BaseUri, ApiVersions.Default, ArmConnections.ScopeFor(AzureCloud.AzureCloud));
        var pipeline = ArmPipeline.Create(new EmulatorTokenCredential(), connection, settings with { Transport = transport }, TimeProvider.System);
        return new ArmCustomerSubscriptionClient(pipeline, connection);
    }

    /// <summary>
    /// The real HTTPS transport to the emulator; a 429 moves the emulator's stopped clock on by its <c>Retry-After</c>,
    /// the time Azure.Core's retry then waits for real. Nothing else moves that clock.
    /// </summary>
    private sealed class RetryAfterPassesTime(ArmEmulator emulator, FakeTimeProvider clock) : HttpPipelineTransport, IDisposable
    {
        private readonly HttpClientTransport inner = new(TrustedCertificateValidation.CreateHandler(
            emulator.BaseUri, X509CertificateLoader.LoadCertificate(emulator.Certificate.RawData)));

        public override Request CreateRequest() => inner.CreateRequest();

        public override void Process(HttpMessage message)
        {
            inner.Process(message);
            PassRetryAfter(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message)
        {
            await inner.ProcessAsync(message);
            PassRetryAfter(message);
        }

        public void Dispose() => inner.Dispose();

        private void PassRetryAfter(HttpMessage message)
        {
            if (message.Response.Status == 429
                && message.Response.Headers.TryGetValue("Retry-After", out var value)
                && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                clock.Advance(TimeSpan.FromSeconds(seconds));
            }
        }
    }
}
