using static TenantReconciler.Tests.Live.LiveTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// Listing bodies are buffered by <see cref="PooledResponseBuffer"/>, in arrays that are reused: through the real
/// pipeline over HTTPS, bodies of every size and framing read whole, a body cut off is retried like any transport
/// failure, and a reused array never shows a page what an earlier one held.
/// </summary>
public sealed class PooledListingBodyTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(700, false)] // grows from the first guess (no length announced) past 64 KiB
    [InlineData(700, true)]
    [InlineData(30_000, false)] // a body larger than the pool's largest array
    [InlineData(30_000, true)]
    public async Task ListAsync_PagesOfThisManyItems_EveryItemReadOnce(int itemsPerPage, bool contentLength)
    {
        // Arrange: three pages, the last one short, so that a reused array holds a longer page's bytes beyond its end.
        var pages = new[] { Items(0, itemsPerPage), Items(itemsPerPage, itemsPerPage), Items(2 * itemsPerPage, Math.Max(1, itemsPerPage / 3)) };
        await using var server = await FaultyArmServer.StartAsync(request => new FaultyResponse(
            200,
            Page(pages[request.Index].Select(i => Item(Registration, i.Subscription, i.Tenant)), request.Index < 2 ? NextLink(request.BaseUri, $"page{request.Index + 2}") : null),
            ContentLength: contentLength));
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Equal(pages.SelectMany(p => p).Select(i => (Guid.Parse(i.Subscription), Guid.Parse(i.Tenant))), live.Mappings.Select(m => (m.CustomerSubscriptionId, m.TenantId)));
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task ListAsync_Page2CutOffMidBodyOnce_RetriedAndTheListingIsComplete()
    {
        // Arrange
        var first = Items(0, 500);
        var second = Items(500, 500);
        await using var server = await FaultyArmServer.StartAsync(request => request.Index switch
        {
            0 => new FaultyResponse(200, Page(first.Select(i => Item(Registration, i.Subscription, i.Tenant)), NextLink(request.BaseUri, "page2"))),
            1 => new FaultyResponse(200, Page(second.Select(i => Item(Registration, i.Subscription, i.Tenant))), CutAfter: 40_000),
            _ => new FaultyResponse(200, Page(second.Select(i => Item(Registration, i.Subscription, i.Tenant))), ContentLength: true),
        });
        var client = CreateClient(server.BaseUri, server.Certificate);

        // Act
        var live = await client.ListAsync(Registration, CancellationToken.None);

        // Assert
        Assert.Equal(1_000, live.Mappings.Count);
        Assert.Equal(first.Concat(second).Select(i => Guid.Parse(i.Subscription)), live.Mappings.Select(m => m.CustomerSubscriptionId));
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(server.Requests[1].PathAndQuery, server.Requests[2].PathAndQuery);
    }

    [Fact]
    public async Task ListAsync_EveryAttemptCutOff_FailsWithNoPartialResult()
    {
        // Arrange
        await using var server = await FaultyArmServer.StartAsync(request => new FaultyResponse(
            200, Page(Items(0, 500).Select(i => Item(Registration, i.Subscription, i.Tenant))), CutAfter: 10_000));
        var client = CreateClient(server.BaseUri, server.Certificate, maxRetries: 2);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.ListAsync(Registration, CancellationToken.None));

        // Assert
        Assert.Equal(0, exception.Status);
        Assert.Equal(3, server.Requests.Count);
    }

    private static (string Subscription, string Tenant)[] Items(int start, int count) =>
        [.. Enumerable.Range(start, count).Select(i => ($"{i:x8}-0000-4000-8000-{i:x12}".ToUpperInvariant(), $"{i:x8}-1111-4000-8000-{i:x12}"))];
}
