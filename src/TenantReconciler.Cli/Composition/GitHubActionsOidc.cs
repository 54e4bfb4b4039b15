using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// GitHub Actions' OIDC token, the client assertion of <c>--auth github-actions</c>. GitHub hands it out by request, not
/// as a file: <c>GET $ACTIONS_ID_TOKEN_REQUEST_URL&amp;audience=…</c> with <c>Authorization: Bearer
/// $ACTIONS_ID_TOKEN_REQUEST_TOKEN</c> answers <c>{"count": …, "value": "&lt;JWT&gt;"}</c>. The JWT lives minutes and an
/// apply may last longer, so every assertion asks for a fresh one (Azure.Identity asks for an assertion whenever it
/// needs a new access token). A refusal is an <see cref="AuthenticationFailedException"/> whose message gives GitHub's
/// status code (never its body, which comes from outside, nor the request token).
/// </summary>
internal sealed class GitHubActionsOidc
{
    public const string RequestUrlVariable = "ACTIONS_ID_TOKEN_REQUEST_URL";
    public const string RequestTokenVariable = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _requestUri;
    private readonly string _requestToken;

    /// <param name="requestUrl">ACTIONS_ID_TOKEN_REQUEST_URL: an absolute https URL (it already has a query).</param>
    /// <param name="requestToken">ACTIONS_ID_TOKEN_REQUEST_TOKEN: a secret, sent to that URL only.</param>
    /// <param name="audience">The token's audience: <see cref="AudienceFor"/> the cloud.</param>
    /// <param name="options">The credential's options: their transport and retries carry the request too.</param>
    public GitHubActionsOidc(Uri requestUrl, string requestToken, string audience, ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(requestUrl);
        ArgumentException.ThrowIfNullOrEmpty(requestToken);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentNullException.ThrowIfNull(options);
        var separator = string.IsNullOrEmpty(requestUrl.Query) ? "?" : "&";
        _requestUri = new Uri(requestUrl.AbsoluteUri + separator + "audience=" + Uri.EscapeDataString(audience));
        _requestToken = requestToken;
        _pipeline = HttpPipelineBuilder.Build(options);
    }

    /// <summary>The request URL with its audience, as sent.</summary>
    public Uri RequestUri => _requestUri;

    /// <summary>
    /// The audience Entra ID expects of a federated token in <paramref name="cloud"/>, as <c>azure/login</c> requests it:
    /// <c>api://AzureADTokenExchange</c>, or the sovereign cloud's own.
    /// </summary>
    public static string AudienceFor(AzureCloud cloud) => cloud switch
    {
        AzureCloud.AzureCloud => "api://AzureADTokenExchange",
        AzureCloud.AzureUSGovernment => "api://AzureADTokenExchangeUSGov",
        AzureCloud.AzureChinaCloud => "api://AzureADTokenExchangeChina",
        _ => throw new ArgumentOutOfRangeException(nameof(cloud), cloud, null),
    };

    /// <summary>A fresh OIDC token from GitHub.</summary>
    /// <exception cref="AuthenticationFailedException">GitHub refused the request, or its answer holds no token.</exception>
    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(_requestUri);
        message.Request.Headers.SetValue(HttpHeader.Names.Authorization, "Bearer " + _requestToken);
        message.Request.Headers.SetValue(HttpHeader.Names.Accept, "application/json");
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or Azure.RequestFailedException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new AuthenticationFailedException(
                $"GitHub's OIDC token endpoint ({_requestUri.Host}, from {RequestUrlVariable}) did not answer", e);
        }

        var response = message.Response;
        if (response.Status != 200)
        {
            var refused = response.Status is 401 or 403 ? $": the request token ({RequestTokenVariable}) was refused" : string.Empty;
            throw new AuthenticationFailedException(
                $"GitHub's OIDC token endpoint ({_requestUri.Host}) answered {response.Status}{refused}");
        }

        return TokenOf(response.Content.ToString()) ?? throw new AuthenticationFailedException(
            $"GitHub's OIDC token endpoint ({_requestUri.Host}) answered 200 without a token (no \"value\" in its JSON)");
    }

    private static string? TokenOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("value", out var value)
                && value.ValueKind == JsonValueKind.String
                && value.GetString() is { Length: > 0 } token
                    ? token
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
