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
public sealed class ArmCustomerSubscriptionClient : ICustomerSubscriptionClient
{
    /// <summary>The most pages a listing may have before it is refused (<c>TooManyPages</c>).</summary>
    public const int DefaultMaxPages = 10_000;

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

    /// <summary>
    /// The options <see cref="CreatePipeline"/> uses when given none: exponential retries, at most 5, from 0.8 s up to
    /// 30 s (a <c>Retry-After</c> takes precedence), and a 100 s network timeout per attempt.
    /// </summary>
    public static ArmClientOptions CreateDefaultOptions()
    {
        var options = new ArmClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 5;
        options.Retry.Delay = TimeSpan.FromSeconds(0.8);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(30);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }

    /// <summary>
    /// Builds the pipeline: <paramref name="options"/> (default <see cref="CreateDefaultOptions"/>; their retry settings are
    /// used as given) + <see cref="BearerTokenAuthenticationPolicy"/> for <see cref="ArmConnection.Scope"/>. When
    /// <see cref="ArmConnection.TrustedCertificate"/> is set, the transport additionally trusts that certificate as a root
    /// for <see cref="ArmConnection.Endpoint"/> only (this replaces <c>options.Transport</c>); host names are always checked.
    /// </summary>
    public static HttpPipeline CreatePipeline(TokenCredential credential, ArmConnection connection, ArmClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(connection);
        return Build(options ?? CreateDefaultOptions(), connection, [new BearerTokenAuthenticationPolicy(credential, connection.Scope)]);
    }

    private static HttpPipeline Build(ArmClientOptions options, ArmConnection connection, HttpPipelinePolicy[] perRetryPolicies)
    {
        if (connection.TrustedCertificate is not null)
        {
            options.Transport = new HttpClientTransport(
                TrustedCertificateValidation.CreateHandler(connection.Endpoint, connection.TrustedCertificate));
        }

        return HttpPipelineBuilder.Build(options, perRetryPolicies);
    }

    /// <summary>
    /// The options <see cref="CreatePipeline(TokenCredential, ArmConnection, ArmPipelineSettings)"/> uses: exponential
    /// retries as <paramref name="settings"/> say, through <see cref="ArmRetryPolicy"/> (a <c>Retry-After</c> longer than
    /// <see cref="ArmPipelineSettings.MaxRetryWait"/> fails the request at once).
    /// </summary>
    public static ArmClientOptions CreateOptions(ArmPipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var options = CreateDefaultOptions();
        options.Retry.MaxRetries = settings.MaxRetries;
        options.Retry.Delay = settings.RetryDelay;
        options.Retry.MaxDelay = settings.MaxDelay;
        options.Retry.NetworkTimeout = settings.NetworkTimeout;
        if (settings.ApplicationId is { } applicationId)
        {
            options.Diagnostics.ApplicationId = applicationId;
        }

        if (settings.Transport is { } transport)
        {
            options.Transport = transport;
        }

        options.RetryPolicy = new ArmRetryPolicy(
            settings.MaxRetries,
            new ArmDelayStrategy(settings.RetryDelay, settings.MaxDelay),
            settings.MaxRetryWait,
            settings.MaxThrottleRetries);
        return options;
    }

    /// <summary>
    /// Builds the pipeline from <paramref name="settings"/>: <see cref="CreateOptions"/>, then per attempt
    /// <see cref="RateLimitPacingPolicy"/> (when <see cref="ArmPipelineSettings.Pacing"/>) before the bearer token policy.
    /// Certificate trust as in <see cref="CreatePipeline(TokenCredential, ArmConnection, ArmClientOptions?)"/>.
    /// </summary>
    public static HttpPipeline CreatePipeline(TokenCredential credential, ArmConnection connection, ArmPipelineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(connection);
        var options = CreateOptions(settings);
        var authentication = new BearerTokenAuthenticationPolicy(credential, connection.Scope);
        HttpPipelinePolicy[] perRetry = settings.Pacing
            ? [new RateLimitPacingPolicy(settings.PacingReserve, settings.MaxRetryWait, settings.TimeProvider), authentication]
            : [authentication];
        return Build(options, connection, perRetry);
    }

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
            var response = await SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
            if (response.Status is not (200 or 204))
            {
                throw ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found; nothing will be written.");
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

        var seen = new HashSet<Guid>();
        foreach (var mapping in mappings)
        {
            if (!seen.Add(mapping.CustomerSubscriptionId))
            {
                throw new ArmRequestException(
                    $"GET {collection}: customer subscription {mapping.CustomerSubscriptionName} is listed more than once "
                    + $"(did the listing change while it was read?); the listing of {registration.Id} is unusable; nothing will be written. "
                    + $"(x-ms-correlation-request-id: {correlationId})",
                    0,
                    "DuplicateListItem",
                    null,
                    correlationId);
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

    /// <summary>
    /// True when a failure is the network's, not the service's: no response after the retry policy gave up.
    /// An <see cref="OperationCanceledException"/> counts only when the caller did not cancel (a network timeout).
    /// </summary>
    internal static bool IsTransportFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RequestFailedException { Status: 0 } => true,
        HttpRequestException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0
            && aggregate.InnerExceptions.All(inner => IsTransportFailure(inner, cancellationToken)),
        _ => false,
    };

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

    private static string? RequestId(Response response) =>
        response.Headers.TryGetValue(RequestIdHeader, out var value) ? value : null;

    private static string CorrelationId(Response response, string sent) =>
        response.Headers.TryGetValue(CorrelationIdHeader, out var value) && !string.IsNullOrEmpty(value) ? value : sent;

    private static string Ids(Response response, string correlationId) =>
        $" ({RequestIdHeader}: {RequestId(response) ?? "none"}, {CorrelationIdHeader}: {CorrelationId(response, correlationId)})";

    /// <summary>The innermost message of a transport failure, e.g. "Connection refused" or the certificate rejection.</summary>
    private static string Describe(Exception exception)
    {
        var current = exception;
        while (true)
        {
            if (current is AggregateException { InnerExceptions.Count: > 0 } aggregate)
            {
                current = aggregate.InnerExceptions[^1];
            }
            else if (current.InnerException is not null)
            {
                current = current.InnerException;
            }
            else
            {
                return current.Message;
            }
        }
    }

    private static ArmRequestException ErrorResponse(HttpMessage message, Response response, string correlationId, string notFound)
    {
        var (code, text) = CustomerSubscriptionJson.ReadError(response.Content.ToMemory());
        var what = code is null
            ? $"{response.Status} {response.ReasonPhrase}".TrimEnd()
            : $"{response.Status} {code}: {text}".TrimEnd();
        var sentence = what.EndsWith('.') ? what : what + ".";
        var hint = response.Status == 404 ? " " + notFound : string.Empty;
        if (RetryAfterRefusal.Of(message) is { } refusal)
        {
            hint += " " + refusal.Describe();
        }

        return new ArmRequestException(
            $"{message.Request.Method} {message.Request.Uri} failed: {sentence}{hint}{Ids(response, correlationId)}",
            response.Status,
            code,
            RequestId(response),
            CorrelationId(response, correlationId));
    }

    /// <summary>A listing refused on our side (status 0): nothing further is sent.</summary>
    private static ArmRequestException Refused(string code, string text, Response lastResponse, string correlationId) =>
        new($"{text}{Ids(lastResponse, correlationId)}", 0, code, RequestId(lastResponse), CorrelationId(lastResponse, correlationId));

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

    private HttpMessage CreateMessage(RequestMethod method, Uri uri, string correlationId)
    {
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add(HttpHeader.Common.JsonAccept);
        message.Request.Headers.Add(CorrelationIdHeader, correlationId);
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, string correlationId, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return message.Response;
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw new ArmRequestException(
                $"{message.Request.Method} {message.Request.Uri} failed: no response ({Describe(e)}). "
                + $"({CorrelationIdHeader}: {correlationId})",
                0,
                null,
                null,
                correlationId,
                e);
        }
    }
}
