using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using TenantReconciler.Cli.Commands;

namespace TenantReconciler.Cli.Composition;

/// <summary>The one container registration, used by the CLI host and the watch host alike.</summary>
public static class ServiceRegistration
{
    /// <summary>The console, the clock, the credentials, the ARM sessions and every command handler.</summary>
    public static IServiceCollection AddTenantReconciler(this IServiceCollection services, IOContext io)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(io);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CredentialFactory>();
        services.AddSingleton<ArmSessionFactory>();
        services.AddSingleton<StampSessionFactory>();
        services.AddTransient<ValidateCommand>();
        services.AddTransient<PlanCommand>();
        services.AddTransient<ApplyCommand>();
        services.AddTransient<ShowCommand>();
        services.AddTransient<UndoCommand>();
        services.AddTransient<TenantsCommand>();
        services.AddTransient<AuditCommand>();
        services.AddTransient<EmulatorHandler>();
        services.AddTransient<WatchHandler>();
        services.AddTransient<ImportCommand>();
        services.AddTransient<CheckCommand>();
        return services;
    }

    /// <summary>
    /// The one verbosity table. A command logs little by default (its output is the plan); the service logs every
    /// tick and write at normal, since its log is its output.
    /// </summary>
    public static LogLevel MinimumLevel(Verbosity verbosity, bool service) => (verbosity, service) switch
    {
        (Verbosity.Quiet, false) => LogLevel.Error,
        (Verbosity.Quiet, true) => LogLevel.Warning,
        (Verbosity.Normal, false) => LogLevel.Warning,
        (Verbosity.Normal or Verbosity.Detailed, _) => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
