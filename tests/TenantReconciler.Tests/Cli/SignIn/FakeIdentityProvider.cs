using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;

namespace TenantReconciler.Tests.Cli.SignIn;

/// <summary>
/// The identity side of a CI sign-in, on loopback over HTTPS (Kestrel, a certificate made at start, trusted by a child
/// process through <c>SSL_CERT_FILE</c> = <see cref="CertificatePath"/>):
/// <list type="bullet">
/// <item>GitHub Actions' OIDC endpoint (<c>GET /github/idtoken?api-version=2.0&amp;audience=…</c>): checks the request
/// token and the audience, answers <c>{"count": 1, "value": "&lt;JWT&gt;"}</c>, a new JWT each time;</item>
/// <item>Azure Pipelines' OIDC endpoint (<c>POST /pipelines/oidctoken?api-version=7.1&amp;serviceConnectionId=…</c>):
/// checks <c>SYSTEM_ACCESSTOKEN</c> and the service connection, answers <c>{"oidcToken": "&lt;JWT&gt;"}</c>;</item>
/// <item>Entra ID's token endpoint (<c>POST /{tenant}/oauth2/v2.0/token</c>): checks <c>grant_type=client_credentials</c>,
/// <c>client_id</c>, the assertion type, that <c>client_assertion</c> is a token one of the OIDC endpoints issued (or the
/// federated token file's), and the scope; answers an access token, or AADSTS700213 when told to refuse;</item>
/// <item>whatever metadata MSAL may ask for (OpenID configuration, instance discovery).</item>
/// </list>
/// Every request is recorded.
/// </summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string ClientId = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    public const string ServiceConnectionId = "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d";
    public const string GitHubRequestToken = "GITHUB-REQUEST-TOKEN-CANARY-8c21";
    public const string PipelinesAccessToken = "SYSTEM-ACCESSTOKEN-CANARY-3f9a";
    public const string AccessToken = "entra-access-token-for-arm-5e0d";
    public const string ArmScope = "https://management.azure.com/.default";
    public const string DefaultAudience = "api://AzureADTokenExchange";
    public const string FederatedTokenFileToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6dGVuYW50cyJ9.ZmlsZQ";

    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, bool> _issued = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _assertions = new();
    private readonly X509Certificate2 _certificate;
    private int _minted;

    private FakeIdentityProvider(WebApplication app, X509Certificate2 certificate, string certificatePath)
    {
        _app = app;
        _certificate = certificate;
        CertificatePath = certificatePath;
        _issued[FederatedTokenFileToken] = true;
    }

    /// <summary>https://127.0.0.1:PORT/ (the authority host, and the base of both OIDC endpoints).</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The PEM of this server's certificate, for <c>SSL_CERT_FILE</c>.</summary>
    public string CertificatePath { get; }

    /// <summary>ACTIONS_ID_TOKEN_REQUEST_URL, as GitHub gives it (with a query of its own).</summary>
    public string GitHubRequestUrl => new Uri(BaseUri, "/github/idtoken?api-version=2.0").ToString();

    /// <summary>SYSTEM_OIDCREQUESTURI, as the agent gives it.</summary>
    public string PipelinesRequestUri => new Uri(BaseUri, "/pipelines/oidctoken").ToString();

    /// <summary>The audience the GitHub endpoint requires.</summary>
    public string ExpectedAudience { get; set; } = DefaultAudience;

    /// <summary>The scope the token endpoint requires.</summary>
    public string ExpectedScope { get; set; } = ArmScope;

    /// <summary>When true, Entra refuses every assertion (no federated credential matches it).</summary>
    public bool RefuseAssertions { get; set; }

    /// <summary>The lifetime of the access tokens issued.</summary>
    public int ExpiresInSeconds { get; set; } = 3600;

    public IReadOnlyList<Received> Requests => [.. _received];

    /// <summary>Each <c>client_assertion</c> Entra was sent, in order.</summary>
    public IReadOnlyList<string> Assertions => [.. _assertions];

    /// <summary>The OIDC tokens the two OIDC endpoints issued.</summary>
    public int Minted => Volatile.Read(ref _minted);

    public static async Task<FakeIdentityProvider> StartAsync(string folder)
    {
        var certificate = EmulatorCertificate.Create();
        var certificatePath = Path.Combine(folder, "identity-provider.pem");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem() + "\n");

        var app = LoopbackServer.Create(certificate);
        var provider = new FakeIdentityProvider(app, certificate, certificatePath);
        app.Run(provider.HandleAsync);
        provider.BaseUri = await LoopbackServer.StartAsync(app);
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var form = request.HasFormContentType ? await request.ReadFormAsync(context.RequestAborted) : null;
        var received = new Received(
            request.Method,
            request.Path.Value ?? string.Empty,
            request.QueryString.Value ?? string.Empty,
            request.Headers.Authorization.ToString(),
            form?.ToDictionary(f => f.Key, f => f.Value.ToString()) ?? []);
        _received.Enqueue(received);

        var path = received.Path;
        if (HttpMethods.IsGet(request.Method) && path == "/github/idtoken")
        {
            await GitHubAsync(context);
        }
        else if (HttpMethods.IsPost(request.Method) && path == "/pipelines/oidctoken")
        {
            await PipelinesAsync(context);
        }
        else if (HttpMethods.IsPost(request.Method) && path == $"/{TenantId}/oauth2/v2.0/token")
        {
            await TokenAsync(context, received.Form);
        }
        else if (HttpMethods.IsGet(request.Method) && path.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
        {
            await JsonAsync(context, 200, OpenIdConfiguration());
        }
        else if (HttpMethods.IsGet(request.Method) && path.EndsWith("/discovery/instance", StringComparison.Ordinal))
        {
            await JsonAsync(context, 200, InstanceDiscovery());
        }
        else
        {
            await JsonAsync(context, 404, new { error = "not_found", error_description = $"{request.Method} {path} is not served here." });
        }
    }

    private Task GitHubAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + GitHubRequestToken)
        {
            return JsonAsync(context, 401, new { message = "Unauthorized: bad request token" });
        }

        if (context.Request.Query["api-version"] != "2.0" || context.Request.Query["audience"] != ExpectedAudience)
        {
            return JsonAsync(context, 400, new { message = $"wrong audience '{context.Request.Query["audience"]}'" });
        }

        return JsonAsync(context, 200, new { count = 1, value = Mint("github") });
    }

    private Task PipelinesAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + PipelinesAccessToken)
        {
            return JsonAsync(context, 401, new { message = "TF400813: The user is not authorized to access this resource." });
        }

        if (context.Request.Query["api-version"] != "7.1" || context.Request.Query["serviceConnectionId"] != ServiceConnectionId)
        {
            return JsonAsync(context, 400, new { message = "unknown service connection" });
        }

        return JsonAsync(context, 200, new { oidcToken = Mint("pipelines") });
    }

    private Task TokenAsync(HttpContext context, IReadOnlyDictionary<string, string> form)
    {
        string Field(string name) => form.TryGetValue(name, out var value) ? value : string.Empty;
        var assertion = Field("client_assertion");
        _assertions.Enqueue(assertion);
        var problem =
            Field("grant_type") != "client_credentials" ? "AADSTS70003: grant_type must be client_credentials."
            : Field("client_id") != ClientId ? $"AADSTS700016: Application with identifier '{Field("client_id")}' was not found."
            : Field("client_assertion_type") != AssertionType ? "AADSTS50027: Invalid client_assertion_type."
            : !_issued.ContainsKey(assertion) ? "AADSTS50027: JWT token is invalid or malformed."
            : Field("scope") != ExpectedScope ? $"AADSTS70011: The provided request must include a 'scope' input parameter; got '{Field("scope")}'."
            : RefuseAssertions ? "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:contoso/tenants:pull_request'."
            : null;
        if (problem is not null)
        {
            return JsonAsync(context, 400, new
            {
                error = RefuseAssertions ? "invalid_client" : "invalid_request",
                error_description = problem + " Trace ID: 00000000-0000-0000-0000-000000000000",
                error_codes = new[] { int.Parse(problem[6..problem.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture) },
                timestamp = "2030-01-01 00:00:00Z",
                trace_id = "00000000-0000-0000-0000-000000000000",
                correlation_id = "00000000-0000-0000-0000-000000000000",
            });
        }

        return JsonAsync(context, 200, new { token_type = "Bearer", expires_in = ExpiresInSeconds, ext_expires_in = ExpiresInSeconds, access_token = AccessToken });
    }

    /// <summary>A JWT-shaped token (header.payload.signature), unique.</summary>
    private string Mint(string issuer)
    {
        var number = Interlocked.Increment(ref _minted);
        static string Part(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = $"{Part("""{"alg":"RS256","typ":"JWT"}""")}.{Part($$"""{"iss":"{{issuer}}","n":{{number}}}""")}.{Part("signature")}";
        _issued[token] = true;
        return token;
    }

    private object OpenIdConfiguration()
    {
        var authority = new Uri(BaseUri, $"/{TenantId}/").ToString();
        return new
        {
            token_endpoint = authority + "oauth2/v2.0/token",
            authorization_endpoint = authority + "oauth2/v2.0/authorize",
            issuer = authority + "v2.0",
            jwks_uri = new Uri(BaseUri, "/discovery/v2.0/keys").ToString(),
        };
    }

    private object InstanceDiscovery() => new
    {
        tenant_discovery_endpoint = new Uri(BaseUri, $"/{TenantId}/v2.0/.well-known/openid-configuration").ToString(),
        metadata = new[] { new { preferred_network = BaseUri.Authority, preferred_cache = BaseUri.Authority, aliases = new[] { BaseUri.Authority } } },
    };

    private static Task JsonAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    /// <summary>One request as received (form fields for a POST).</summary>
    public sealed record Received(string Method, string Path, string Query, string Authorization, IReadOnlyDictionary<string, string> Form);
}
