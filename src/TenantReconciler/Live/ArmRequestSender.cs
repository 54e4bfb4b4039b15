using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace TenantReconciler.Live;

/// <summary>
/// Sends one request to the connection's endpoint through the <see cref="ArmPipeline"/>, and turns what came back (or
/// did not) into an <see cref="ArmRequestException"/> that carries ARM's request ids. Each reader of ARM
/// (<see cref="CustomerSubscriptionListing"/>, <see cref="CustomerSubscriptionWrites"/>, <see cref="RegistrationResourceReader"/>)
/// builds its requests and reads its bodies with one of these; cancellation propagates unchanged.
/// </summary>
public sealed class ArmRequestSender
{
    private const string RequestIdHeader = "x-ms-request-id";
    private const string CorrelationIdHeader = "x-ms-correlation-request-id";

    private readonly HttpPipeline _pipeline;
    private readonly Func<string> _tlsHint;

    public ArmRequestSender(HttpPipeline pipeline, ArmConnection connection)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(connection);
        if (!connection.Endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"The ARM endpoint '{connection.Endpoint}' is not an absolute URI.", nameof(connection));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(connection.ApiVersion, nameof(connection));
        _pipeline = pipeline;
        Connection = connection;
        _tlsHint = () => OptionText.Of($"The endpoint's certificate is not trusted: pass {UserOption.CaCert} FILE for this endpoint (the emulator's {UserOption.EmulatorCertOut}, or your private CA's certificate). ").Spell(Connection.OptionNames);
    }

    public ArmConnection Connection { get; }

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

    /// <summary>
    /// True when the TLS handshake failed (the endpoint's certificate is not trusted, or TLS itself failed): no retry
    /// will change that, so it is neither retried (<see cref="ArmRetryPolicy"/>) nor transient.
    /// </summary>
    internal static bool IsTlsFailure(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            // A credential that could not reach its identity provider is the credential's failure, explained as such.
            if (current is ReconcilerException || current.GetType().Name == "AuthenticationFailedException" || current.GetType().Name == "CredentialUnavailableException")
            {
                return false;
            }

            if (current is System.Security.Authentication.AuthenticationException
                || current is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError })
            {
                return true;
            }

            if (current is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTlsFailure))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The response's request id: a header anyone between could write, so sanitised where it enters.</summary>
    internal static string? RequestId(Response response) =>
        response.Headers.TryGetValue(RequestIdHeader, out var value) ? OutsideText.Sanitize(value) : null;

    internal static string CorrelationId(Response response, string sent) =>
        response.Headers.TryGetValue(CorrelationIdHeader, out var value) && !string.IsNullOrEmpty(value) ? OutsideText.Sanitize(value) : sent;

    /// <summary>" (x-ms-request-id: …, x-ms-correlation-request-id: …)": the ids a sentence about an answer ends with.</summary>
    internal static string Ids(Response response, string correlationId) =>
        $" ({RequestIdHeader}: {RequestId(response) ?? "none"}, {CorrelationIdHeader}: {CorrelationId(response, correlationId)})";

    /// <summary>" (x-ms-correlation-request-id: …)": the id a sentence ends with when there was no answer to quote.</summary>
    internal static string SentId(string correlationId) => $" ({CorrelationIdHeader}: {correlationId})";

    /// <summary>A failure about <paramref name="response"/> (a body we cannot use, say): <paramref name="text"/>, then its ids.</summary>
    internal static ArmRequestException Answered(string text, Response response, string correlationId, string? code, Exception? innerException = null) =>
        new($"{text}{Ids(response, correlationId)}", response.Status, code, RequestId(response), CorrelationId(response, correlationId), innerException);

    /// <summary>Refused on our side after <paramref name="lastResponse"/> (status 0, <see cref="ArmFailureKind.Refused"/>): nothing further is sent.</summary>
    internal static ArmRequestException Refused(string code, string text, Response lastResponse, string correlationId) =>
        new($"{text}{Ids(lastResponse, correlationId)}", 0, code, RequestId(lastResponse), CorrelationId(lastResponse, correlationId), kind: ArmFailureKind.Refused);

    /// <summary>An error status: ARM's code and message when it sent them, a hint for the codes we know, and the ids.</summary>
    /// <param name="notFound">The sentence a 404 without a hint of its own adds.</param>
    internal ArmRequestException ErrorResponse(HttpMessage message, Response response, string correlationId, string notFound)
    {
        var (code, text) = CustomerSubscriptionJson.ReadError(response.Content.ToMemory());
        var what = code is null
            ? $"{response.Status} {OutsideText.Sanitize(response.ReasonPhrase)}".TrimEnd()
            : $"{response.Status} {code}: {text}".TrimEnd();
        var sentence = what.EndsWith('.') ? what : what + ".";
        var hint = ArmErrorHints.HintFor(code) is { } explained ? $" Hint: {explained}"
            : response.Status == 404 ? " " + notFound
            : string.Empty;
        if (RetryAfterRefusal.Of(message) is { } refusal)
        {
            hint += " " + refusal.Describe().Spell(Connection.OptionNames);
        }

        return new ArmRequestException(
            $"{message.Request.Method} {SafeUrl.Redact(message.Request.Uri.ToString())} failed: {sentence}{hint}{Ids(response, correlationId)}",
            response.Status,
            code,
            RequestId(response),
            CorrelationId(response, correlationId));
    }

    /// <summary>Two URL paths name the same resource: unescaped, without a trailing slash, case-insensitively (ARM's rule).</summary>
    internal static bool SamePath(string a, string b) =>
        string.Equals(Uri.UnescapeDataString(a).TrimEnd('/'), Uri.UnescapeDataString(b).TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when <paramref name="link"/> is on the endpoint's scheme, host and port, without user info: the only place
    /// the bearer token is ever sent.
    /// </summary>
    internal bool IsOnEndpoint(Uri link) =>
        TrustedCertificateValidation.SameOrigin(link, Connection.Endpoint) && link.UserInfo.Length == 0;

    /// <summary>The endpoint's URL of <paramref name="resourcePath"/>, with <paramref name="apiVersion"/> (the connection's by default).</summary>
    internal RequestUriBuilder ResourceUri(string resourcePath, string? apiVersion = null)
    {
        var builder = new RequestUriBuilder();
        builder.Reset(Connection.Endpoint);
        builder.Query = string.Empty;
        builder.Path = Connection.Endpoint.AbsolutePath.TrimEnd('/') + resourcePath;
        builder.AppendQuery("api-version", apiVersion ?? Connection.ApiVersion, escapeValue: true);
        return builder;
    }

    internal HttpMessage CreateMessage(RequestMethod method, Uri uri, string correlationId) => CreateMessage(_pipeline, method, uri, correlationId);

    /// <summary>A JSON request on <paramref name="pipeline"/>, with our correlation id.</summary>
    internal static HttpMessage CreateMessage(HttpPipeline pipeline, RequestMethod method, Uri uri, string correlationId)
    {
        var message = pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add(HttpHeader.Common.JsonAccept);
        message.Request.Headers.Add(CorrelationIdHeader, correlationId);
        return message;
    }

    /// <summary>Sends <paramref name="message"/>: its response whatever the status, or an exception when none came back.</summary>
    internal async Task<Response> SendAsync(HttpMessage message, string correlationId, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(_pipeline, message, correlationId, _tlsHint, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenUnavailableException e) when (message.ProcessingContext.RetryNumber > 0 && !e.EarlierAttemptSent)
        {
            // A retry needed a new token: the attempts before it were sent.
            throw new TokenUnavailableException(e.CredentialFailure, earlierAttemptSent: true);
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/> on <paramref name="pipeline"/>: its response whatever the status, or an
    /// <see cref="ArmRequestException"/> when none came back (a failed TLS handshake says what <paramref name="tlsHint"/>
    /// tells, a sentence that ends in a space). A stamp's requests are told alike.
    /// </summary>
    internal static async Task<Response> SendAsync(HttpPipeline pipeline, HttpMessage message, string correlationId, Func<string> tlsHint, CancellationToken cancellationToken)
    {
        try
        {
            await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            return message.Response;
        }
        catch (Exception e) when (IsTlsFailure(e))
        {
            throw new ArmRequestException(
                $"{message.Request.Method} {SafeUrl.Redact(message.Request.Uri.ToString())} failed: the TLS handshake failed ({Describe(e)}). "
                + tlsHint()
                + $"({CorrelationIdHeader}: {correlationId})",
                0,
                ArmRequestException.TlsFailureCode,
                null,
                correlationId,
                e);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            throw new ArmRequestException(
                $"{message.Request.Method} {SafeUrl.Redact(message.Request.Uri.ToString())} failed: no response ({Describe(e)}). "
                + $"({CorrelationIdHeader}: {correlationId})",
                0,
                null,
                null,
                correlationId,
                e);
        }
    }

    /// <summary>The innermost message of a transport failure, e.g. "Connection refused" or the certificate rejection.</summary>
    internal static string Describe(Exception exception)
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
                return OutsideText.Sanitize(current.Message);
            }
        }
    }
}
