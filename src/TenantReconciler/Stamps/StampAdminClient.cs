using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using TenantReconciler.Live;

namespace TenantReconciler.Stamps;

/// <summary>
/// The real stamp client: GETs sent through the same Azure.Core pipeline as ARM's (retries of 408, 429 and 5xx with
/// <c>Retry-After</c>, pacing, pooled bodies, certificate trust for this endpoint only); this class adds no retry.
/// Pages are followed by <c>nextLink</c> only on the stamp's own origin and collection (the token goes nowhere
/// else), each page is read and let go before the next is asked for, and a page that cannot be used fails the read.
/// </summary>
public sealed class StampAdminClient : IStampAdminClient
{
    public const string MetadataApiVersion = "2015-01-01";
    public const string ActivationApiVersion = "2016-01-01";
    public const string SubscriptionsApiVersion = "2015-11-01";
    public const string UsageApiVersion = "2015-06-01-preview";

    /// <summary>The most pages one read may have before it is refused (<c>TooManyPages</c>).</summary>
    public const int DefaultMaxPages = 10_000;

    private readonly HttpPipeline _pipeline;
    private readonly Func<string> _tlsHint;
    private readonly Uri _endpoint;
    private readonly string _base;
    private readonly Guid _provider;

    /// <param name="adminEndpoint">The stamp's admin endpoint (see <see cref="StampEndpoint"/>).</param>
    public StampAdminClient(HttpPipeline pipeline, Uri adminEndpoint, Guid providerSubscriptionId)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(adminEndpoint);
        if (!adminEndpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"The admin endpoint '{adminEndpoint}' is not an absolute URI.", nameof(adminEndpoint));
        }

        _pipeline = pipeline;
        _tlsHint = () => OptionText.Of($"The stamp's certificate is not trusted: pass {UserOption.StampCaCert} FILE with the certificate of the CA that issued it ").Spell(OptionNames)
            + "(stamps usually have an internal CA). ";
        _endpoint = adminEndpoint;
        _base = StampEndpoint.Base(adminEndpoint);
        _provider = providerSubscriptionId;
    }

    /// <summary>How the host spells the settings a failure's message points to (the CLI's flags; neutral by default).</summary>
    public IOptionNames OptionNames { get; init; } = NeutralOptionNames.Instance;

    /// <summary>The page cap of a read; lowered by tests.</summary>
    internal int MaxPages { get; init; } = DefaultMaxPages;

    /// <summary>Reads the metadata document without a token (<paramref name="pipeline"/> has no authentication policy).</summary>
    public static async Task<StampMetadata> ReadMetadataAsync(HttpPipeline pipeline, Uri adminEndpoint, IOptionNames optionNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(adminEndpoint);
        var client = new StampAdminClient(pipeline, adminEndpoint, Guid.Empty) { OptionNames = optionNames };
        var uri = new Uri($"{client._base}/metadata/endpoints?api-version={MetadataApiVersion}");
        return await client.GetOneAsync(uri, "the stamp's metadata document", StampJson.ReadMetadata, cancellationToken).ConfigureAwait(false);
    }

    public Task<StampActivation> GetActivationAsync(CancellationToken cancellationToken) =>
        GetOneAsync(
            new Uri($"{_base}/subscriptions/{_provider:D}/resourceGroups/azurestack-activation/providers/Microsoft.AzureBridge.Admin/activations/default?api-version={ActivationApiVersion}"),
            "the stamp's activation",
            StampJson.ReadActivation,
            cancellationToken);

    public Task ListSubscriptionsAsync(Action<StampSubscription> onSubscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onSubscription);
        var collection = new Uri($"{_base}/subscriptions/{_provider:D}/providers/Microsoft.Subscriptions.Admin/subscriptions?api-version={SubscriptionsApiVersion}");
        return ReadPagesAsync(collection, SubscriptionsApiVersion, "user subscriptions", body => StampPageJson.ReadSubscriptionsPage(body, onSubscription), cancellationToken);
    }

    public async Task<long> ReadUsageAsync(UsageWindow window, Action<Guid, decimal> onRecord, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(onRecord);
        var collection = new Uri(
            $"{_base}/subscriptions/{_provider:D}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates"
            + $"?reportedStartTime={Uri.EscapeDataString(UsageWindow.QueryTime(window.Start))}"
            + $"&reportedEndTime={Uri.EscapeDataString(UsageWindow.QueryTime(window.End))}"
            + $"&aggregationGranularity=Daily&api-version={UsageApiVersion}");
        var records = 0L;
        await ReadPagesAsync(collection, UsageApiVersion, "usage records", body => StampPageJson.ReadUsagePage(body, onRecord, ref records), cancellationToken).ConfigureAwait(false);
        return records;
    }

    private async Task<T> GetOneAsync<T>(Uri uri, string what, ReadBody<T> read, CancellationToken cancellationToken)
    {
        var correlationId = Guid.NewGuid().ToString();
        using var message = CreateMessage(uri, correlationId);
        using var body = PooledResponseBuffer.Request(message);
        var response = await SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw ErrorResponse(message, response, correlationId, what);
        }

        try
        {
            return read(response.Content.ToMemory().Span);
        }
        catch (StampFormatException e)
        {
            throw Unusable(message, response, correlationId, $"{what} cannot be used: {e.Message}", e.Code, e);
        }
    }

    private delegate T ReadBody<out T>(ReadOnlySpan<byte> body);

    private delegate string? ReadPage(ReadOnlySpan<byte> body);

    private async Task ReadPagesAsync(Uri collection, string apiVersion, string what, ReadPage read, CancellationToken cancellationToken)
    {
        var correlationId = Guid.NewGuid().ToString();
        var visited = new HashSet<string>(StringComparer.Ordinal) { collection.AbsoluteUri };
        var uri = collection;
        for (var page = 1; ; page++)
        {
            string? nextLink;
            using (var message = CreateMessage(uri, correlationId))
            using (PooledResponseBuffer.Request(message))
            {
                var response = await SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
                if (response.Status != 200)
                {
                    throw ErrorResponse(message, response, correlationId, $"page {page} of the {what}");
                }

                if (CustomerSubscriptionJson.IsEmpty(response.Content.ToMemory().Span))
                {
                    throw Unusable(message, response, correlationId, $"page {page} of the {what} has an empty body", ArmCustomerSubscriptionClient.EmptyPageErrorCode, null);
                }

                try
                {
                    nextLink = read(response.Content.ToMemory().Span);
                }
                catch (StampFormatException e)
                {
                    throw Unusable(message, response, correlationId, $"page {page} of the {what} cannot be used: {e.Message}", e.Code, e);
                }

                if (nextLink is null)
                {
                    return;
                }

                uri = ValidateNextLink(nextLink, collection, apiVersion, what, response, correlationId);
                if (!visited.Add(uri.AbsoluteUri))
                {
                    throw Refused("NextLinkLoop", $"page {page} of the {what} points back to a page already read ({CustomerSubscriptionJson.Quote(nextLink)})", response, correlationId);
                }

                if (page >= MaxPages)
                {
                    throw Refused("TooManyPages", $"the {what} have more than {MaxPages} pages", response, correlationId);
                }
            }
        }
    }

    /// <summary>
    /// A <c>nextLink</c> is followed only when it is an absolute URL on the endpoint's scheme, host and port, without
    /// user-info, that addresses the same collection; an <c>api-version</c> is added when it has none.
    /// </summary>
    private Uri ValidateNextLink(string nextLink, Uri collection, string apiVersion, string what, Response response, string correlationId)
    {
        if (!Uri.TryCreate(nextLink, UriKind.Absolute, out var link)
            || nextLink.StartsWith('/')
            || !TrustedCertificateValidation.SameOrigin(link, _endpoint)
            || link.UserInfo.Length != 0)
        {
            throw Refused("ForeignNextLink", $"the nextLink {CustomerSubscriptionJson.Quote(nextLink)} of the {what} is not an absolute URL on {_endpoint.GetLeftPart(UriPartial.Authority)}; it was not followed (no token is sent elsewhere)", response, correlationId);
        }

        if (link.AbsolutePath.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || link.AbsolutePath.Contains("%5c", StringComparison.OrdinalIgnoreCase)
            || !string.Equals(Uri.UnescapeDataString(link.AbsolutePath).TrimEnd('/'), Uri.UnescapeDataString(collection.AbsolutePath).TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
        {
            throw Refused("ForeignNextLink", $"the nextLink {CustomerSubscriptionJson.Quote(nextLink)} does not address the {what} of this stamp; it was not followed", response, correlationId);
        }

        if (link.Query.Contains("api-version=", StringComparison.OrdinalIgnoreCase))
        {
            return link;
        }

        var builder = new RequestUriBuilder();
        builder.Reset(link);
        builder.AppendQuery("api-version", apiVersion, escapeValue: true);
        return builder.ToUri();
    }

    private HttpMessage CreateMessage(Uri uri, string correlationId) => ArmRequestSender.CreateMessage(_pipeline, RequestMethod.Get, uri, correlationId);

    private Task<Response> SendAsync(HttpMessage message, string correlationId, CancellationToken cancellationToken) =>
        ArmRequestSender.SendAsync(_pipeline, message, correlationId, _tlsHint, cancellationToken);

    private static ArmRequestException ErrorResponse(HttpMessage message, Response response, string correlationId, string what)
    {
        var (code, text) = CustomerSubscriptionJson.ReadError(response.Content.ToMemory());
        var said = code is null
            ? $"{response.Status} {OutsideText.Sanitize(response.ReasonPhrase)}".TrimEnd()
            : $"{response.Status} {code}: {text}".TrimEnd();
        var hint = (response.Status, code) switch
        {
            (404, "ResourceNotFound") when what.Contains("activation", StringComparison.Ordinal) => " The stamp has no activation: it is not registered (Set-AzsRegistration).",
            (404, _) => " Check the stamp's adminEndpoint and providerSubscriptionId (its Default Provider Subscription).",
            (401 or 403, _) => " Reading usage needs Owner, Contributor or Reader on the stamp's Default Provider Subscription.",
            _ => string.Empty,
        };
        return new ArmRequestException(
            $"GET {SafeUrl.Redact(message.Request.Uri.ToString())} failed ({what}): {(said.EndsWith('.') ? said : said + ".")}{hint}{Ids(response, correlationId)}",
            response.Status,
            code,
            RequestId(response),
            CorrelationId(response, correlationId));
    }

    private static ArmRequestException Unusable(HttpMessage message, Response response, string correlationId, string problem, string code, Exception? inner) =>
        new($"GET {SafeUrl.Redact(message.Request.Uri.ToString())}: {problem}.{Ids(response, correlationId)}", response.Status, code, RequestId(response), CorrelationId(response, correlationId), inner);

    private static ArmRequestException Refused(string code, string text, Response lastResponse, string correlationId) =>
        new($"{text}.{Ids(lastResponse, correlationId)}", 0, code, RequestId(lastResponse), CorrelationId(lastResponse, correlationId));

    // The ids and the transport failure are told as ARM's own requests tell them: one rule for both.
    private static string? RequestId(Response response) => ArmRequestSender.RequestId(response);

    private static string CorrelationId(Response response, string sent) => ArmRequestSender.CorrelationId(response, sent);

    private static string Ids(Response response, string correlationId) => ArmRequestSender.Ids(response, correlationId);
}
