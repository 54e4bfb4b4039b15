using Azure;
using Azure.Core.Pipeline;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The tests that change credential environment variables (process-wide): they run one at a time, after the parallel
/// ones, so no other test sees their variables.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CredentialEnvironmentCollection
{
    public const string Name = "Credential environment";
}

/// <summary>
/// A credential environment with nothing signed in: every AZURE_*, AZURESUBSCRIPTION_*, SYSTEM_*, ACTIONS_* and managed
/// identity variable cleared (and the CI markers GITHUB_ACTIONS and TF_BUILD), PATH an empty folder (no <c>az</c>, <c>pwsh</c> or <c>azd</c>), and every managed identity source
/// pointed at a refused loopback port (so nothing probes 169.254.169.254). Restores everything on dispose.
/// </summary>
public sealed class CredentialEnvironment : IDisposable
{
    public const string RefusedEndpoint = "http://127.0.0.1:9";

    private static readonly string[] Prefixes = ["AZURE_", "AZURESUBSCRIPTION_", "SYSTEM_", "MSI_", "IDENTITY_", "IMDS_", "ACTIONS_", "GITHUB_ACTIONS", "TF_BUILD"];

    private readonly Dictionary<string, string?> _saved = new(StringComparer.Ordinal);
    private readonly TempDirectory _emptyPath = new();

    public CredentialEnvironment()
    {
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(n => Prefixes.Any(p => n.StartsWith(p, StringComparison.OrdinalIgnoreCase))))
        {
            Set(name, null);
        }

        Set("PATH", _emptyPath.Path);
        Set("AZURE_POD_IDENTITY_AUTHORITY_HOST", RefusedEndpoint);
    }

    public string Folder => _emptyPath.Path;

    /// <summary>
    /// A service principal in the environment (tenant, client, a client secret) and a federated token file: what
    /// <c>environment</c> and <c>workload-identity</c> read.
    /// </summary>
    public static CredentialEnvironment WithServicePrincipal()
    {
        var environment = new CredentialEnvironment();
        var tokenFile = Path.Combine(environment.Folder, "federated-token");
        File.WriteAllText(tokenFile, "eyJhbGciOiJub25lIn0.e30.");
        environment.Set("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        environment.Set("AZURE_CLIENT_ID", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        environment.Set("AZURE_CLIENT_SECRET", "not-a-real-secret");
        environment.Set("AZURE_FEDERATED_TOKEN_FILE", tokenFile);
        return environment;
    }

    /// <summary>Sets (or with null clears) a variable; its first value is restored on dispose.</summary>
    public void Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        _emptyPath.Dispose();
    }
}

/// <summary>
/// An Azure.Core transport that records every request (method and URI) and answers each from
/// <paramref name="respond"/> without any network: nothing leaves the machine.
/// </summary>
public sealed class RecordingTransport(Func<Request, (int Status, string Body)> respond) : HttpPipelineTransport
{
    private readonly List<(RequestMethod Method, Uri Uri)> _requests = [];

    /// <summary>Answers every request 200 <c>{"value":[]}</c>.</summary>
    public RecordingTransport()
        : this(_ => (200, """{"value":[]}"""))
    {
    }

    public IReadOnlyList<(RequestMethod Method, Uri Uri)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public IReadOnlyList<string> Hosts => Requests.Select(r => r.Uri.Host).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    public override Request CreateRequest() => new RecordedRequest();

    public override void Process(HttpMessage message)
    {
        var request = message.Request;
        lock (_requests)
        {
            _requests.Add((request.Method, request.Uri.ToUri()));
        }

        var (status, body) = respond(request);
        message.Response = new CannedResponse(status, body, request.ClientRequestId);
    }

    public override ValueTask ProcessAsync(HttpMessage message)
    {
        Process(message);
        return ValueTask.CompletedTask;
    }

    private sealed class RecordedRequest : Request
    {
        private readonly Dictionary<string, List<string>> _headers = new(StringComparer.OrdinalIgnoreCase);

        public override string ClientRequestId { get; set; } = Guid.NewGuid().ToString();

        public override void Dispose()
        {
        }

        protected override void AddHeader(string name, string value)
        {
            if (!_headers.TryGetValue(name, out var values))
            {
                _headers[name] = values = [];
            }

            values.Add(value);
        }

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, string.Join(",", h.Value)));

        protected override bool RemoveHeader(string name) => _headers.Remove(name);

        protected override bool TryGetHeader(string name, out string value)
        {
            value = _headers.TryGetValue(name, out var values) ? string.Join(",", values) : null!;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            values = _headers.TryGetValue(name, out var list) ? list : null!;
            return values is not null;
        }
    }

    private sealed class CannedResponse(int status, string body, string clientRequestId) : Response
    {
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };

        public override int Status => status;

        public override string ReasonPhrase => status == 200 ? "OK" : "Error";

        public override Stream? ContentStream { get; set; } = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, out string value)
        {
            value = _headers.TryGetValue(name, out var found) ? found : null!;
            return found is not null;
        }

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            values = _headers.TryGetValue(name, out var found) ? [found] : null!;
            return found is not null;
        }
    }
}

/// <summary>
/// A transport for credentials that refuses any host but loopback without sending, recording every URI asked for:
/// proof that no test probes the instance metadata address. A loopback request goes to the (refused) port, or, with
/// <paramref name="answerNoIdentity"/>, is answered 400 "Identity not found" at once, as IMDS answers on a machine
/// without a managed identity (the refused port costs Azure.Identity's own retries, about 20 s).
/// </summary>
public sealed class LoopbackOnlyTransport(bool answerNoIdentity = false) : HttpPipelineTransport
{
    private readonly HttpClientTransport _inner = new();
    private readonly RecordingTransport _noIdentity = new(_ => (400, """{"error":"invalid_request","error_description":"Identity not found"}"""));
    private readonly List<Uri> _uris = [];

    public IReadOnlyList<Uri> Uris
    {
        get
        {
            lock (_uris)
            {
                return [.. _uris];
            }
        }
    }

    public override Request CreateRequest() => answerNoIdentity ? _noIdentity.CreateRequest() : _inner.CreateRequest();

    /// <summary>The real factory, its credentials on this transport, without retries of Azure.Core's own.</summary>
    public CredentialFactory Factory() => new()
    {
        ConfigureOptions = options =>
        {
            options.Transport = this;
            options.Retry.MaxRetries = 0;
        },
    };

    public override void Process(HttpMessage message) => ProcessAsync(message).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message)
    {
        var uri = message.Request.Uri.ToUri();
        lock (_uris)
        {
            _uris.Add(uri);
        }

        if (!ArmConnections.IsLoopback(uri))
        {
            throw new HttpRequestException($"test transport: {uri.Host} is not loopback; not sent.");
        }

        await (answerNoIdentity ? _noIdentity.ProcessAsync(message) : _inner.ProcessAsync(message));
    }
}

/// <summary>
/// A loopback TCP listener that accepts every connection and never answers (an instance metadata address that is
/// routed but black-holed, as on some container networks): a credential that waits for it waits forever, so a test
/// that finishes proves the credential gave up on its own. Counts the connections it accepted.
/// </summary>
public sealed class HeldListener : IAsyncDisposable
{
    private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
    private readonly List<System.Net.Sockets.TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public HeldListener()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string Url => $"http://127.0.0.1:{((System.Net.IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Accepted
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_held)
            {
                _held.Add(client);
            }
        }
    }
}
