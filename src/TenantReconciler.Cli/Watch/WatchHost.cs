using System.Net;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Watch.Notifications;
using TenantReconciler.Leasing;

namespace TenantReconciler.Cli.Watch;

/// <summary>Builds the watch host for one run of <c>watch</c>: made in <c>Program</c>, the composition root.</summary>
public delegate WebApplication WatchHostFactory(WatchArguments arguments);

/// <summary>
/// The watch host's parts: the loop and its services, Kestrel on the <c>--listen</c> address, and the endpoints
/// <c>/healthz</c>, <c>/readyz</c>, <c>/status</c> and <c>/metrics</c> (OpenTelemetry's Prometheus exporter).
/// </summary>
public static class WatchHost
{
    /// <summary>Registers the loop, its collaborators and the listener. Credentials and the ARM session factory come from the caller.</summary>
    public static void AddWatch(this WebApplicationBuilder builder, WatchArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(arguments);
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var listen = arguments.Listen;
            if (listen.IsLocalhost && listen.Port != 0)
            {
                kestrel.ListenLocalhost(listen.Port);
            }
            else
            {
                kestrel.Listen(listen.Address ?? IPAddress.Loopback, listen.Port);
            }
        });
        builder.Services.AddRoutingCore();
        builder.Services.AddWatchServices(arguments);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tenant-reconciler", serviceVersion: ToolInfo.Version, serviceInstanceId: arguments.ReplicaId))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(WatchMetrics.MeterName).AddPrometheusExporter();
                // OpenTelemetry listens by meter name, process-wide: a second host in the process (a test, a benchmark)
                // would export this host's instruments too. Each host exports only the meters of its own IMeterFactory.
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, configured) =>
                {
                    var own = services.GetRequiredService<IMeterFactory>();
                    configured.AddView(instrument => ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop);
                });
            });
    }

    /// <summary>
    /// The loop and its collaborators, without the listener: what a test or a benchmark hosts on its own. Needs a
    /// <see cref="TimeProvider"/>, logging, and (unless an <see cref="IWatchArmClientSource"/> is given) the
    /// <see cref="ArmSessionFactory"/> and <see cref="CredentialFactory"/>.
    /// </summary>
    public static IServiceCollection AddWatchServices(this IServiceCollection services, WatchArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(arguments);
        services.Configure<HostOptions>(host => host.ShutdownTimeout = arguments.ShutdownTimeout);
        services.AddSingleton(arguments);
        services.TryAddSingleton(Random.Shared);
        services.AddSingleton(sp => new WatchSchedule(sp.GetRequiredService<WatchArguments>(), sp.GetRequiredService<Random>()));
        services.AddSingleton<WatchArmSessions>();
        services.AddSingleton<WatchUsage>();
        services.TryAddSingleton<IWatchArmClientSource>(sp => sp.GetRequiredService<WatchArmSessions>());
        services.AddSingleton<WriteGate>();
        services.AddSingleton<DesiredFileMonitor>();
        services.AddSingleton<DesiredStateCache>();
        services.TryAddSingleton(_ => IdleMemoryRelease.ForProcess());
        services.AddScoped<WatchTick>();

        // The elector first: hosted services stop in reverse order, so the lease is released after the last write.
        if (arguments.Lease is { } lease)
        {
            services.AddSingleton(sp => LeaseLockFactory.Create(
                lease, sp.GetRequiredService<CredentialFactory>(), arguments.Connection.EffectiveAuth));
            services.AddSingleton(sp => new LeaderElector(
                sp.GetRequiredService<BlobLeaseLock>(),
                new LeaderElectionOptions { LeaseDuration = lease.Duration },
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<LeaderElector>>()));
            services.AddSingleton<LeaseLeadership>();
            services.AddSingleton<IWriteLeadership>(sp => sp.GetRequiredService<LeaseLeadership>());
            services.AddHostedService(sp => sp.GetRequiredService<LeaseLeadership>());
        }
        else
        {
            services.AddSingleton<IWriteLeadership, SingleInstanceLeadership>();
        }

        services.AddSingleton<WatchStatus>();
        services.AddSingleton<WatchMetrics>();
        services.AddSingleton<IWatchObserver>(sp => sp.GetRequiredService<WatchStatus>());
        services.AddSingleton<IWatchObserver>(sp => sp.GetRequiredService<WatchMetrics>());
        services.AddSingleton<IWatchObserver, WatchLog>();
        services.AddSingleton<BillingLeakMonitor>();
        services.AddSingleton<IWatchObserver>(sp => sp.GetRequiredService<BillingLeakMonitor>());

        // Before the loop: hosted services stop in reverse order, so the last tick's notifications are still sent.
        if (arguments.Notify.Targets.Count > 0)
        {
            services.AddSingleton<WatchNotifier>();
            services.AddSingleton<IWatchObserver>(sp => sp.GetRequiredService<WatchNotifier>());
            services.AddHostedService(sp => sp.GetRequiredService<WatchNotifier>());
        }

        services.AddSingleton<WatchService>();
        services.AddHostedService(sp => sp.GetRequiredService<WatchService>());

        services.AddMetrics();
        return services;
    }

    /// <summary>Maps the endpoints. Nothing they return holds a token or a connection string.</summary>
    public static void MapWatchEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRouting();
        app.MapGet("/healthz", context =>
        {
            var problem = Liveness(context.RequestServices);
            context.Response.StatusCode = problem is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsync(problem ?? "ok\n");
        });
        app.MapGet("/readyz", context =>
        {
            var status = context.RequestServices.GetRequiredService<WatchStatus>().Snapshot();
            context.Response.StatusCode = status.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsync(status.Ready ? "ready\n" : "not ready:\n" + string.Concat(status.NotReady.Select(r => $"- {r}\n")));
        });
        app.MapGet("/status", async context =>
        {
            var service = context.RequestServices.GetRequiredService<WatchService>();
            var time = context.RequestServices.GetRequiredService<TimeProvider>();
            var started = service.CurrentTickStarted;
            var document = context.RequestServices.GetRequiredService<BillingLeakMonitor>().AddTo(
                context.RequestServices.GetRequiredService<WatchStatus>().Snapshot(started == 0 ? null : time.GetElapsedTime(started)));
            context.Response.ContentType = "application/json; charset=utf-8";
            await JsonSerializer.SerializeAsync(context.Response.Body, document, WatchJsonContext.Default.StatusDocument, context.RequestAborted);
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
    }

    /// <summary>Alive unless the loop has ended on its own, or one tick has been running for longer than 3 intervals (at least 5 minutes).</summary>
    private static string? Liveness(IServiceProvider services)
    {
        var service = services.GetRequiredService<WatchService>();
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        if (service.ExecuteTask is { IsCompleted: true } && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return "the reconcile loop has stopped\n";
        }

        var arguments = services.GetRequiredService<WatchArguments>();
        var started = service.CurrentTickStarted;
        var limit = TimeSpan.FromTicks(Math.Max(arguments.Interval.Ticks * 3, TimeSpan.FromMinutes(5).Ticks));
        if (started != 0 && services.GetRequiredService<TimeProvider>().GetElapsedTime(started) is var running && running > limit)
        {
            return $"the current tick has been running for {DurationText.Format(running)}, more than {DurationText.Format(limit)}\n";
        }

        return null;
    }
}
