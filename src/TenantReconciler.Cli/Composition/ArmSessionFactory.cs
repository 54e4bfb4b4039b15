using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Desired;
using TenantReconciler.Emulator;
using TenantReconciler.Live;
using TenantReconciler.Persistence;

namespace TenantReconciler.Cli.Composition;

/// <summary>An open connection to ARM (or to the in-process emulator, which it owns and stops).</summary>
public sealed class ArmSession : IAsyncDisposable
{
    internal ArmSession(ICustomerSubscriptionClient client, ArmConnection connection, ArmEmulator? emulator, PlanTarget target)
    {
        Client = client;
        Connection = connection;
        Emulator = emulator;
        Target = target;
    }

    /// <summary>What a plan made through this session is bound to: cloud, endpoint (or the emulator) and api-version.</summary>
    public PlanTarget Target { get; }

    public ICustomerSubscriptionClient Client { get; }

    public ArmConnection Connection { get; }

    public ArmEmulator? Emulator { get; }

    public async ValueTask DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}

/// <summary>Builds the credential, the pipeline and the client for one command, from tenants.yaml and the flags.</summary>
public sealed class ArmSessionFactory
{
    private readonly ILogger<ArmSessionFactory> _logger;
    private readonly CredentialFactory _credentials;
    private readonly TimeProvider _time;

    /// <param name="time">The container's clock, for every pipeline: pacing and <c>Retry-After</c> dates (a test's fake clock reaches them all).</param>
    public ArmSessionFactory(ILogger<ArmSessionFactory> logger, CredentialFactory credentials, TimeProvider time)
    {
        _logger = logger;
        _credentials = credentials;
        _time = time;
    }

    /// <summary>Opens a session with the default settings: pacing reserved for the default parallelism (check, undo).</summary>
    public async Task<ArmSession> OpenAsync(DesiredState desired, ConnectionArguments arguments, CancellationToken cancellationToken) =>
        await OpenAsync(desired, arguments, ArmPipelineSettings.Default, cancellationToken);

    /// <summary>Opens a session whose pipeline uses <paramref name="settings"/> (retries, the Retry-After limit, pacing).</summary>
    public async Task<ArmSession> OpenAsync(DesiredState desired, ConnectionArguments arguments, ArmPipelineSettings settings, CancellationToken cancellationToken)
    {
        ArmEmulator? emulator = null;
        Uri? endpoint = arguments.ArmEndpoint;
        X509Certificate2? trusted = arguments.CaCertPath is null ? null : LoadCertificate(arguments.CaCertPath);
        var auth = arguments.EffectiveAuth;

        if (arguments.UseEmulator)
        {
            if (arguments.ArmEndpoint is not null || arguments.CaCertPath is not null)
            {
                throw new ReconcilerException("--emulator starts its own endpoint: it cannot be combined with --arm-endpoint or --ca-cert.");
            }

            if (arguments.Auth is not null and not AuthKind.Emulator)
            {
                throw new ReconcilerException("--emulator only accepts --auth emulator.");
            }

            emulator = await StartEmulatorAsync(desired, arguments, cancellationToken);
            endpoint = emulator.BaseUri;
            trusted = emulator.Certificate;
        }

        var connection = ArmConnections.ForCloud(desired.Cloud, desired.ApiVersion, endpoint, trusted) with { OptionNames = OptionNames.Instance };
        var credential = _credentials.Create(auth, desired.Cloud, connection.Endpoint);
        if (arguments.Auth is null && credential is ExplainedCredential explained && ArmConnections.IsLoopback(connection.Endpoint))
        {
            // No --auth, and a loopback endpoint: the emulator's, most likely; the paragraph says --auth emulator first.
            credential = explained.ForLoopback(connection.Endpoint);
        }

        // --application-id (watch replicas): the User-Agent prefix, so ARM's activity log tells the writers apart.
        var effective = arguments.ApplicationId is { } applicationId ? settings with { ApplicationId = applicationId } : settings;
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            // -v diagnostic: an HTTP trace, as az --debug gives one (never a header value but the request ids).
            effective = effective with { HttpTrace = line => _logger.LogDebug("{Line}", line) };
        }
        var pipeline = ArmPipeline.Create(credential, connection, effective, _time);
        _logger.LogInformation("ARM endpoint {Endpoint}, api-version {ApiVersion}, auth {Auth}", connection.Endpoint, connection.ApiVersion, auth);
        var target = PlanTarget.Of(desired.Cloud, connection.Endpoint, emulator is not null, connection.ApiVersion);
        return new ArmSession(new ArmCustomerSubscriptionClient(pipeline, connection), connection, emulator, target);
    }

    /// <summary>
    /// The in-process emulator on the state file of <c>--emulator STATEFILE</c>, or, without one, on the git-ignored
    /// copy, seeded from the example on first use and created by the first write only: a plan leaves no file behind, and
    /// the tracked example is never written. With neither file, the desired registrations start empty.
    /// </summary>
    private async Task<ArmEmulator> StartEmulatorAsync(DesiredState desired, ConnectionArguments arguments, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(arguments.EmulatorStatePath!);
        var copy = arguments.EmulatorSeedPath is not null;
        if (copy && arguments.EmulatorReset && File.Exists(fullPath))
        {
            File.Delete(fullPath);
            _logger.LogWarning("Discarded the emulator's state copy {Path} (--emulator-reset).", fullPath);
        }

        EmulatorState? seed = null;
        if (!File.Exists(fullPath))
        {
            if (arguments.EmulatorSeedPath is { } example && File.Exists(example))
            {
                seed = LoadSeed(example);
                _logger.LogInformation("Emulator state: a copy of {Example} in {Path} (git-ignored), made by the first write. Delete it, or pass --emulator-reset, to start over.", example, fullPath);
            }
            else
            {
                // A first `apply --emulator new.json` works: the state starts with the desired registrations, all empty.
                if (!copy)
                {
                    _logger.LogWarning("Emulator state {Path} does not exist; creating it with {Count} empty registration(s).", fullPath, desired.Registrations.Count);
                }

                seed = new EmulatorState
                {
                    Registrations = desired.Registrations
                        .Select(r => new EmulatorRegistration
                        {
                            SubscriptionId = r.Registration.SubscriptionId.ToString("D"),
                            ResourceGroup = r.Registration.ResourceGroup,
                            Name = r.Registration.Name,
                        })
                        .ToList(),
                };
            }
        }

        var emulator = await EmulatorStartup.StartAsync(
            new EmulatorOptions { StatePath = fullPath, InitialState = seed, CreateStateOnFirstWrite = copy },
            cancellationToken);
        _logger.LogInformation("Emulator listening on {BaseUri}, state {Path}", emulator.BaseUri, fullPath);
        return emulator;
    }

    private static EmulatorState LoadSeed(string example)
    {
        try
        {
            return EmulatorState.Load(example);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ReconcilerException($"the example emulator state {example} cannot be read: {e.Message}", e);
        }
    }

    internal static X509Certificate2 LoadCertificate(string path, string option = "--ca-cert")
    {
        try
        {
            // Public certificate only: no private key is expected or read.
            var pem = File.ReadAllText(path);
            if (!System.Security.Cryptography.PemEncoding.TryFind(pem, out var fields) || !pem.AsSpan()[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                throw new ReconcilerException($"{option} {path}: expected a PEM 'CERTIFICATE' block.");
            }

            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(pem[fields.Base64Data]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new ReconcilerException($"{option} {path}: cannot read a PEM certificate: {e.Message}", e);
        }
    }
}
