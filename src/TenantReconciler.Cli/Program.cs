using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TenantReconciler.Cli.Commands;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;

namespace TenantReconciler.Cli;

/// <summary>The one composition root: the real console, the command tree and the services.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) =>
        RunAsync(args, new IOContext(Console.Out, Console.Error, Console.In, IsInteractive: !Console.IsInputRedirected));

    /// <summary>Runs the CLI in process. Tests call this with string writers and their own services.</summary>
    public static Task<int> RunAsync(string[] args, IOContext io, Action<IServiceCollection>? configureServices = null, CancellationToken cancellationToken = default)
    {
        var root = CommandLine.Build(io, verbosity => BuildHost(io, verbosity, configureServices));
        var configuration = new InvocationConfiguration { Output = io.Output, Error = io.Error };
        return root.Parse(args).InvokeAsync(configuration, cancellationToken);
    }

    private static IHost BuildHost(IOContext io, Verbosity verbosity, Action<IServiceCollection>? configureServices)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddEnvironmentVariables("TENANT_RECONCILER_");
        builder.Logging.AddProvider(new TextWriterLoggerProvider(io.Error));
        builder.Logging.SetMinimumLevel(verbosity switch
        {
            Verbosity.Quiet => LogLevel.Error,
            Verbosity.Normal => LogLevel.Warning,
            Verbosity.Detailed => LogLevel.Information,
            _ => LogLevel.Debug,
        });

        builder.Services.AddSingleton(io);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CredentialFactory>();
        builder.Services.AddSingleton<ArmSessionFactory>();
        builder.Services.AddTransient<UndoHandler>();
        builder.Services.AddTransient<ValidateHandler>();
        builder.Services.AddTransient<PlanHandler>();
        builder.Services.AddTransient<ApplyHandler>();
        builder.Services.AddTransient<EmulatorHandler>();
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }
}
