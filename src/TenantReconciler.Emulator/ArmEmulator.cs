using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace TenantReconciler.Emulator;

/// <summary>
/// A local ARM emulator for <c>Microsoft.AzureStack/registrations</c> (GET) and their <c>customerSubscriptions</c>: ASP.NET Core minimal API
/// over Kestrel, HTTPS with an in-process self-signed certificate, bound to 127.0.0.1 only.
/// </summary>
public sealed class ArmEmulator : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly WebApplication app;
    private readonly X509Certificate2 serverCertificate;
    private readonly Task<SslStreamCertificateContext> tlsContext;
    private readonly EmulatorStore store;
    private readonly Pipeline pipeline;
    private int disposed;

    private ArmEmulator(
        WebApplication app,
        X509Certificate2 serverCertificate,
        Task<SslStreamCertificateContext> tlsContext,
        EmulatorStore store,
        Pipeline pipeline,
        Uri baseUri)
    {
        this.app = app;
        this.serverCertificate = serverCertificate;
        this.tlsContext = tlsContext;
        this.store = store;
        this.pipeline = pipeline;
        BaseUri = baseUri;
        Certificate = X509CertificateLoader.LoadCertificate(serverCertificate.RawData);
        CertificatePem = serverCertificate.ExportCertificatePem();
    }

    /// <summary>The api-versions the emulator answers; any other is 400 <c>InvalidApiVersionParameter</c>.</summary>
    public static IReadOnlyList<string> SupportedApiVersions { get; } = ["2022-06-01", "2017-06-01"];

    /// <summary>https://127.0.0.1:{port}/ — the ARM endpoint to point a client at.</summary>
    public Uri BaseUri { get; }

    /// <summary>The server certificate (public part), to trust for <see cref="BaseUri"/>.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate in PEM, as written by <c>--cert-out</c>.</summary>
    public string CertificatePem { get; }

    /// <summary>The <see cref="EmulatorRequest.Status"/> of a request whose connection was dropped without a response.</summary>
    public const int DroppedStatus = 0;

    /// <summary>
    /// Every request received, in order (method, path and query, status): injected 429/500/503 included, a dropped
    /// connection with <see cref="DroppedStatus"/>.
    /// </summary>
    public IReadOnlyList<EmulatorRequest> Requests => pipeline.Log.ToList();

    /// <summary>Every write applied to the state, in commit order (see <see cref="CommittedWrite"/>).</summary>
    public IReadOnlyList<CommittedWrite> CommittedWrites => store.CommittedWrites;

    /// <summary>429s answered because a token bucket of <see cref="EmulatorOptions.Throttling"/> was empty (injected 429s not included).</summary>
    public int ThrottledCount => pipeline.Throttle?.ThrottledCount ?? 0;

    /// <summary>The faults injected so far, by kind (every kind present, 0 when none).</summary>
    public IReadOnlyDictionary<FaultKind, int> InjectedFaults =>
        pipeline.Faults?.Counts ?? Enum.GetValues<FaultKind>().ToDictionary(k => k, _ => 0);

    /// <summary>The seed the fault decisions are drawn with (the profile's, or one picked at start); null without <see cref="EmulatorOptions.Faults"/>.</summary>
    public int? FaultSeed => pipeline.Faults?.Seed;

    public static async Task<ArmEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, IPEndPoint.MaxPort);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PageSize, 1);
        if (options.PutStatus is not (StatusCodes.Status200OK or StatusCodes.Status201Created))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.PutStatus, "PutStatus must be 200 or 201.");
        }

        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        options.Throttling?.Validate();
        if (options.Faults?.Problems().ToList() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var store = EmulatorStore.Open(options.StatePath, options.InitialState, options.TimeProvider, options.CreateStateOnFirstWrite);
        var pipeline = new Pipeline(
            new RequestLog(),
            options.Throttling is null ? null : new ArmThrottle(options.Throttling, options.TimeProvider, options.RateLimitHeaders),
            options.Faults is null ? null : new FaultInjector(options.Faults, store, options));

        // A cold start has three slow steps. The certificate is made beside the host start. Its TLS context (a chain
        // build, which loads and parses the system certificate store) is made after the host is up, in the
        // background: the first handshake waits for it, and StartAsync does not.
        var certificate = Task.Run(EmulatorCertificate.Create, CancellationToken.None);
        var tlsContextSource = new TaskCompletionSource<SslStreamCertificateContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        WebApplication? app = null;
        try
        {
            app = Build(options, tlsContextSource.Task, store, pipeline);
            await app.StartAsync(cancellationToken);
            var created = await certificate;
            _ = Task.Run(() => MakeTlsContext(created, tlsContextSource), CancellationToken.None);
            return new ArmEmulator(app, created, tlsContextSource.Task, store, pipeline, ReadBaseUri(app));
        }
        catch
        {
            tlsContextSource.TrySetCanceled(CancellationToken.None);
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            DisposeCertificate(certificate, tlsContextSource.Task);
            throw;
        }
    }

    /// <summary>A deep copy of the current state.</summary>
    public EmulatorState Snapshot() => store.Snapshot();

    /// <summary>Replaces the state (tests use it to change things behind a client's back); written to the state file if any.</summary>
    public void Reset(EmulatorState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        store.Reset(state);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Connections still open after the timeout are dropped by DisposeAsync below.
            }
        }

        await app.DisposeAsync();
        DisposeCertificate(Task.FromResult(serverCertificate), tlsContext);
    }

    /// <summary>
    /// The empty builder is the slim builder without its ambient inputs: no appsettings.json, no ASPNETCORE_URLS or
    /// Kestrel:Endpoints (nothing can widen the binding past 127.0.0.1), no config file watchers, no logging
    /// providers (stdout belongs to the CLI) and no console lifetime (Ctrl+C belongs to the CLI).
    /// </summary>
    private static WebApplication Build(
        EmulatorOptions options,
        Task<SslStreamCertificateContext> tlsContext,
        EmulatorStore store,
        Pipeline pipeline)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ArmEmulator).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = async _ => new SslServerAuthenticationOptions { ServerCertificateContext = await tlsContext },
            }));
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = StopTimeout);

        var app = builder.Build();
        var frontDoor = new ArmFrontDoor(options, pipeline.Log);
        var api = new CustomerSubscriptionsApi(store, options);

        app.UseRouting();
        app.Use(frontDoor.EnvelopeAsync);
        app.Use(frontDoor.AuthenticateAsync);
        app.Use(ArmFrontDoor.CheckApiVersionAsync);
        if (pipeline.Throttle is not null)
        {
            app.Use(pipeline.Throttle.ThrottleAsync);
        }

        if (pipeline.Faults is not null)
        {
            app.Use(pipeline.Faults.InjectAsync);
        }

        foreach (var middleware in options.Middleware)
        {
            app.Use(middleware);
        }

        app.Use((context, next) => context.GetEndpoint() is null ? CustomerSubscriptionsApi.NotFoundAsync(context) : next(context));
        var locks = new ManagementLocksApi(store);
        app.Use(locks.EnforceAsync);
        app.Use(new ResourceProviderErrors(store).CheckAsync);
        app.Map(RegistrationsApi.Route, new RegistrationsApi(store).HandleAsync);
        app.Map(ManagementLocksApi.Route, locks.HandleAsync);
        app.Map(CustomerSubscriptionsApi.CollectionRoute, api.HandleCollectionAsync);
        app.Map(CustomerSubscriptionsApi.ItemRoute, api.HandleItemAsync);
        new StampAdminApi(store, options).Map(app);
        return app;
    }

    private static void MakeTlsContext(X509Certificate2 certificate, TaskCompletionSource<SslStreamCertificateContext> result)
    {
        try
        {
            result.TrySetResult(EmulatorCertificate.CreateContext(certificate));
        }
        catch (Exception exception)
        {
            // Surfaces at the first handshake, which fails.
            result.TrySetException(exception);
        }
    }

    /// <summary>
    /// Disposes the certificate once the background TLS context (which reads it) is done, without waiting for it:
    /// a quick start followed by a quick dispose must not pay for the chain build.
    /// </summary>
    private static void DisposeCertificate(Task<X509Certificate2> certificate, Task<SslStreamCertificateContext> tlsContext)
    {
        if (!certificate.IsCompletedSuccessfully)
        {
            // Failed or still running (start failed early): dispose whatever it makes once it has made it.
            _ = certificate.ContinueWith(
                made => made.Result.Dispose(),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
            return;
        }

        if (tlsContext.IsCompleted)
        {
            certificate.Result.Dispose();
            return;
        }

        _ = tlsContext.ContinueWith(
            _ => certificate.Result.Dispose(),
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    private static Uri ReadBaseUri(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var bound = new Uri(addresses.Single());
        return new Uri($"https://127.0.0.1:{bound.Port}/");
    }

    /// <summary>The request log and the optional steps between the front door and the handlers.</summary>
    private sealed record Pipeline(RequestLog Log, ArmThrottle? Throttle, FaultInjector? Faults);

    /// <summary>Starts and stops with the emulator; unlike the console lifetime it leaves Ctrl+C and SIGTERM to the host process.</summary>
    private sealed class EmbeddedHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>One request as the emulator saw it.</summary>
public sealed record EmulatorRequest(string Method, string PathAndQuery, int Status, DateTimeOffset Time);
