using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;

namespace TenantReconciler.Live;

/// <summary>
/// The real client: three hand-built requests sent through an Azure.Core <see cref="HttpPipeline"/>.
/// Retries (408, 429 and 5xx, honouring <c>Retry-After</c>, and transport failures) are the pipeline's retry policy;
/// this class adds none. Every failure is an <see cref="ArmRequestException"/>; cancellation propagates unchanged.
/// </summary>
public sealed partial class ArmCustomerSubscriptionClient : ICustomerSubscriptionClient, IRegistrationClient
{
    /// <summary>The most pages a listing may have before it is refused (<c>TooManyPages</c>).</summary>
    public const int DefaultMaxPages = 10_000;

    /// <summary>The <see cref="ArmRequestException.ErrorCode"/> of a later page answered with an empty body.</summary>
    public const string EmptyPageErrorCode = "EmptyListPage";

    private const string RequestIdHeader = "x-ms-request-id";
    private const string CorrelationIdHeader = "x-ms-correlation-request-id";

    private readonly HttpPipeline _pipeline;
    private readonly ArmConnection _connection;

    public ArmCustomerSubscriptionClient(HttpPipeline pipeline, ArmConnection connection)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(connection);
        if (!connection.Endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"The ARM endpoint '{connection.Endpoint}' is not an absolute URI.", nameof(connection));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(connection.ApiVersion, nameof(connection));
        _pipeline = pipeline;
        _connection = connection;
    }

    /// <summary>The page cap of a listing; lowered by tests.</summary>
    internal int MaxPages { get; init; } = DefaultMaxPages;

    public async Task<LiveRegistration> ListAsync(RegistrationRef registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var correlationId = Guid.NewGuid().ToString();
        var collection = BuildUri($"{registration.Id}/{RegistrationRef.ChildResourceType}").ToUri();
        var visited = new HashSet<string>(StringComparer.Ordinal) { collection.AbsoluteUri };
        var mappings = new List<LiveMapping>();
        var uri = collection;
        for (var page = 1; ; page++)
        {
            using var message = CreateMessage(RequestMethod.Get, uri, correlationId);
            using var body = PooledResponseBuffer.Request(message); // released before the message: everything is copied out by then
            var response = await SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
            if (response.Status is not (200 or 204))
            {
                throw ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found; nothing will be written.");
            }

            if (page > 1 && CustomerSubscriptionJson.IsEmpty(response.Content.ToMemory().Span))
            {
                // "No tenants" is an empty first page; an empty later page is a truncated listing, not its end.
                throw new ArmRequestException(
                    $"GET {uri} answered {response.Status} with an empty body for page {page} of the listing, reached through a nextLink; "
                    + $"the listing of {registration.Id} is incomplete and unusable; nothing will be written.{Ids(response, correlationId)}",
                    response.Status,
                    EmptyPageErrorCode,
                    RequestId(response),
                    CorrelationId(response, correlationId));
            }

            string? nextLink;
            try
            {
                nextLink = CustomerSubscriptionJson.ReadListPage(response.Content.ToMemory(), registration, mappings);
            }
            catch (ArmResponseFormatException e)
            {
                throw new ArmRequestException(
                    $"GET {uri} returned page {page} of the listing in a form that cannot be used: {e.Message}. "
                    + $"The listing of {registration.Id} is unusable; nothing will be written.{Ids(response, correlationId)}",
                    response.Status,
                    e.Code,
                    RequestId(response),
                    CorrelationId(response, correlationId),
                    e);
            }

            if (nextLink is null)
            {
                break;
            }

            uri = ValidateNextLink(nextLink, collection, registration, response, correlationId);
            if (!visited.Add(uri.AbsoluteUri))
            {
                throw Refused(
                    "NextLinkLoop",
                    $"GET {collection}: page {page} points back to a page already read ({CustomerSubscriptionJson.Quote(nextLink)}); "
                    + $"the listing of {registration.Id} is unusable; nothing will be written.",
                    response,
                    correlationId);
            }

            if (page >= MaxPages)
            {
                throw Refused(
                    "TooManyPages",
                    $"GET {collection}: the listing has more than {MaxPages} pages; it is refused as unusable; nothing will be written.",
                    response,
                    correlationId);
            }
        }

        var seen = new HashSet<Guid>(mappings.Count); // sized: grown by doubling, a listing of 2,000 would be a large object
        foreach (var mapping in mappings)
        {
            if (!seen.Add(mapping.CustomerSubscriptionId))
            {
                throw new ArmRequestException(
                    $"GET {collection}: customer subscription {mapping.CustomerSubscriptionName} is listed more than once "
                    + $"(did the listing change while it was read?); the listing of {registration.Id} is unusable; nothing will be written. "
                    + $"(x-ms-correlation-request-id: {correlationId})",
                    0,
                    ArmRequestException.DuplicateListItemCode,
                    null,
                    correlationId,
                    kind: ArmFailureKind.Refused);
            }
        }

        return new LiveRegistration(registration, mappings);
    }

    public async Task<ArmWriteResult> PutAsync(RegistrationRef registration, string customerSubscriptionName, Guid tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var correlationId = Guid.NewGuid().ToString();
        var uri = BuildUri(registration.CustomerSubscriptionId(customerSubscriptionName).ToString()).ToUri();
        using var message = CreateMessage(RequestMethod.Put, uri, correlationId);
        message.Request.Headers.Add(HttpHeader.Common.JsonContentType);
        message.Request.Content = RequestContent.Create(
            Encoding.UTF8.GetBytes($$$"""{"properties":{"tenantId":"{{{tenantId:D}}}"}}"""));

        var response = await SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
        if (response.Status is not (200 or 201))
        {
            throw ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found; nothing was written.");
        }

        string? returnedTenant;
        try
        {
            returnedTenant = CustomerSubscriptionJson.ReadTenantId(response.Content.ToMemory());
        }
        catch (ArmResponseFormatException e)
        {
            throw new ArmRequestException(
                $"PUT {uri} answered {response.Status} with a body that cannot be read: {e.Message}. "
                + $"Whether the mapping was written is unknown.{Ids(response, correlationId)}",
                response.Status,
                e.Code,
                RequestId(response),
                CorrelationId(response, correlationId),
                e);
        }

        if (returnedTenant is not null && (!Guid.TryParse(returnedTenant, out var returned) || returned != tenantId))
        {
            throw new ArmRequestException(
                $"PUT {uri} answered {response.Status} with tenant {CustomerSubscriptionJson.Quote(returnedTenant)}, "
                + $"not the tenant sent ({tenantId:D}).{Ids(response, correlationId)}",
                response.Status,
                "UnexpectedTenant",
                RequestId(response),
                CorrelationId(response, correlationId));
        }

        return new ArmWriteResult(response.Status, RequestId(response), CorrelationId(response, correlationId));
    }

    public async Task<ArmWriteResult> DeleteAsync(RegistrationRef registration, string customerSubscriptionName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var correlationId = Guid.NewGuid().ToString();
        var uri = BuildUri(registration.CustomerSubscriptionId(customerSubscriptionName).ToString()).ToUri();
        using var message = CreateMessage(RequestMethod.Delete, uri, correlationId);
        var response = await SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
        if (response.Status is not (200 or 204))
        {
            throw ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found; nothing was deleted.");
        }

        return new ArmWriteResult(response.Status, RequestId(response), CorrelationId(response, correlationId));
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Uri.UnescapeDataString(a).TrimEnd('/'), Uri.UnescapeDataString(b).TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static bool HasQueryParameter(string query, string name)
    {
        foreach (var part in query.TrimStart('?').Split('&'))
        {
            var key = part.Split('=', 2)[0];
            if (string.Equals(Uri.UnescapeDataString(key), name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private RequestUriBuilder BuildUri(string resourcePath)
    {
        var builder = new RequestUriBuilder();
        builder.Reset(_connection.Endpoint);
        builder.Query = string.Empty;
        builder.Path = _connection.Endpoint.AbsolutePath.TrimEnd('/') + resourcePath;
        builder.AppendQuery("api-version", _connection.ApiVersion, escapeValue: true);
        return builder;
    }

    /// <summary>
    /// A <c>nextLink</c> is followed only when it is an absolute URL on the same scheme, host and port as the endpoint
    /// (the bearer token goes nowhere else), without user info, and addresses the same registration's
    /// <c>customerSubscriptions</c> collection. An <c>api-version</c> is added when the link has none.
    /// </summary>
    private Uri ValidateNextLink(string nextLink, Uri collection, RegistrationRef registration, Response response, string correlationId)
    {
        if (nextLink.StartsWith('/')
            || !Uri.TryCreate(nextLink, UriKind.Absolute, out var link)
            || !TrustedCertificateValidation.SameOrigin(link, _connection.Endpoint)
            || link.UserInfo.Length != 0)
        {
            throw Refused(
                "ForeignNextLink",
                $"GET {collection}: the nextLink {CustomerSubscriptionJson.Quote(nextLink)} is not an absolute URL on "
                + $"{_connection.Endpoint.GetLeftPart(UriPartial.Authority)}; it was not followed (no token is sent elsewhere), "
                + "and the listing is unusable; nothing will be written.",
                response,
                correlationId);
        }

        if (link.AbsolutePath.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || link.AbsolutePath.Contains("%5c", StringComparison.OrdinalIgnoreCase)
            || !SamePath(link.AbsolutePath, collection.AbsolutePath))
        {
            throw Refused(
                "ForeignNextLink",
                $"GET {collection}: the nextLink {CustomerSubscriptionJson.Quote(nextLink)} does not address the "
                + $"customerSubscriptions of {registration.Id}; it was not followed, and the listing is unusable; nothing will be written.",
                response,
                correlationId);
        }

        var builder = new RequestUriBuilder();
        builder.Reset(link);
        if (!HasQueryParameter(link.Query, "api-version"))
        {
            builder.AppendQuery("api-version", _connection.ApiVersion, escapeValue: true);
        }

        return builder.ToUri();
    }
}
