using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;

namespace TenantReconciler.Tests.Leasing;

/// <summary>
/// A real Azurite blob service: the one at <c>AZURITE_BLOB_ENDPOINT</c> if set, else one started from
/// <c>.ci/node_modules</c> on a free port on first use and stopped when the last test class using it is done.
/// Nothing is started for a class whose tests are all skipped. Every test takes its own container.
/// <para>
/// <see cref="GetHttpsAsync"/> is a second one, always started here: HTTPS with a certificate made for the run and
/// bearer tokens accepted (<c>--oauth basic</c>), for the production path of a blob URL and a <c>TokenCredential</c>.
/// </para>
/// </summary>
public sealed partial class AzuriteFixture : IDisposable
{
    /// <summary>Azurite's well-known development account key: public, documented, not a secret.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public const string BlobName = "tenant-reconciler.lock";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static int s_users;
    private static AzuriteProcess? s_process;
    private static AzuriteProcess? s_httpsProcess;

    public AzuriteFixture()
    {
        Gate.Wait();
        s_users++;
        Gate.Release();
    }

    /// <summary>The development-account connection string for the running Azurite.</summary>
    public async Task<string> GetConnectionStringAsync() => ConnectionStringFor(new Uri(await GetEndpointAsync()));

    /// <summary>The running Azurite's account endpoint (<c>http://127.0.0.1:PORT/devstoreaccount1</c>).</summary>
    public async Task<Uri> GetAccountEndpointAsync() => new(await GetEndpointAsync());

    /// <summary>The development-account connection string for an account endpoint (e.g. a proxy in front of Azurite).</summary>
    public static string ConnectionStringFor(Uri accountEndpoint) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevelopmentAccountKey};BlobEndpoint={accountEndpoint.ToString().TrimEnd('/')};";

    /// <summary>A new container name, so that tests never meet.</summary>
    public static string NewContainer() => "lease-" + Guid.NewGuid().ToString("N");

    /// <summary>A lock on the test's blob (one instance per "replica": call again for the second one).</summary>
    public async Task<BlobLeaseLock> LockAsync(string container) =>
        BlobLeaseLock.FromConnectionString(await GetConnectionStringAsync(), container, BlobName);

    /// <summary>The test's blob, for looking at it and for an operator's actions (breaking a lease).</summary>
    public async Task<BlobClient> BlobAsync(string container, BlobClientOptions? options = null) =>
        new(await GetConnectionStringAsync(), container, BlobName, options);

    public void Dispose()
    {
        Gate.Wait();
        try
        {
            if (--s_users == 0)
            {
                s_process?.Dispose();
                s_process = null;
                s_httpsProcess?.Dispose();
                s_httpsProcess = null;
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> GetEndpointAsync()
    {
        if (AzuriteAvailability.ExternalEndpoint is { } external)
        {
            return external;
        }

        if (AzuriteAvailability.UnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"{AzuriteAvailability.RequireVariable}=1, but {reason}");
        }

        await Gate.WaitAsync();
        try
        {
            s_process ??= await AzuriteProcess.StartAsync(AzuriteAvailability.NodeExecutable!, AzuriteAvailability.InstalledMainScript!, tls: null, StartTimeout);
            return s_process.Endpoint;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// The HTTPS Azurite's account endpoint (<c>https://127.0.0.1:PORT/devstoreaccount1</c>) and client options that
    /// trust its certificate — that one certificate only, on top of the system's trust; validation stays on.
    /// </summary>
    public async Task<(Uri AccountEndpoint, BlobClientOptions Options)> GetHttpsAsync()
    {
        if (AzuriteAvailability.LocalUnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"{AzuriteAvailability.RequireVariable}=1, but {reason}");
        }

        await Gate.WaitAsync();
        try
        {
            s_httpsProcess ??= await AzuriteProcess.StartAsync(
                AzuriteAvailability.NodeExecutable!, AzuriteAvailability.InstalledMainScript!, TlsFiles.Create(), StartTimeout);
            var trusted = s_httpsProcess.Tls!.Certificate;
            var handler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                        errors == SslPolicyErrors.None || (certificate is not null && certificate.GetCertHashString() == trusted.Thumbprint),
                },
            };
            var options = new BlobClientOptions { Transport = new HttpClientTransport(handler) };
            return (new Uri(s_httpsProcess.Endpoint), options);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A self-signed certificate for 127.0.0.1, as the PEM files Azurite reads; deleted with the process.</summary>
    private sealed class TlsFiles : IDisposable
    {
        private readonly string _folder;

        private TlsFiles(string folder, X509Certificate2 certificate)
        {
            _folder = folder;
            Certificate = certificate;
        }

        public X509Certificate2 Certificate { get; }

        public string CertPath => Path.Combine(_folder, "cert.pem");

        public string KeyPath => Path.Combine(_folder, "key.pem");

        public static TlsFiles Create()
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
            var now = DateTimeOffset.UtcNow;
            var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
            var files = new TlsFiles(Directory.CreateTempSubdirectory("azurite-tls-").FullName, certificate);
            File.WriteAllText(files.CertPath, certificate.ExportCertificatePem());
            File.WriteAllText(files.KeyPath, key.ExportPkcs8PrivateKeyPem());
            return files;
        }

        public void Dispose()
        {
            Certificate.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Azurite's blob service as a child process, on a port the OS picks (it prints the one it got).</summary>
    private sealed partial class AzuriteProcess : IDisposable
    {
        private readonly ChildProcess _process;

        private AzuriteProcess(ChildProcess process, string endpoint, TlsFiles? tls)
        {
            _process = process;
            Endpoint = endpoint;
            Tls = tls;
            AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        }

        public string Endpoint { get; }

        public TlsFiles? Tls { get; }

        public static async Task<AzuriteProcess> StartAsync(string node, string mainScript, TlsFiles? tls, TimeSpan timeout)
        {
            string[] arguments =
            [
                mainScript, "--blobHost", "127.0.0.1", "--blobPort", "0", "--inMemoryPersistence", "--extentMemoryLimit", "64",
                "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
                .. tls is null ? [] : (string[])["--cert", tls.CertPath, "--key", tls.KeyPath, "--oauth", "basic"],
            ];
            var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = ChildProcess.Start(node, arguments, new ChildOptions
            {
                WorkingDirectory = Path.GetTempPath(),
                KeepInput = true,
                OnLine = (line, _) =>
                {
                    if (ListeningLine().Match(line) is { Success: true } match)
                    {
                        listening.TrySetResult(match.Groups["url"].Value);
                    }
                },
            });
            try
            {
                if (await Task.WhenAny(listening.Task, process.ExitedAsync()).WaitAsync(timeout) != listening.Task)
                {
                    throw new InvalidOperationException($"Azurite exited while starting:\n{process.Stdout}{process.Stderr}");
                }

                return new AzuriteProcess(process, (await listening.Task).TrimEnd('/') + "/devstoreaccount1", tls);
            }
            catch (TimeoutException)
            {
                process.Dispose();
                tls?.Dispose();
                throw new InvalidOperationException($"Azurite did not start listening within {timeout}:\n{process.Stdout}{process.Stderr}");
            }
            catch
            {
                process.Dispose();
                tls?.Dispose();
                throw;
            }
        }

        public void Dispose()
        {
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            _process.Dispose();
            Tls?.Dispose();
        }

        private void OnProcessExit(object? sender, EventArgs e) => _process.Dispose();

        [GeneratedRegex(@"successfully listens on (?<url>https?://\S+)")]
        private static partial Regex ListeningLine();
    }
}
