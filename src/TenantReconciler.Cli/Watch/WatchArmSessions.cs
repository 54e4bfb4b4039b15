using TenantReconciler.Cli.Composition;
using TenantReconciler.Desired;
using TenantReconciler.Live;

namespace TenantReconciler.Cli.Watch;

/// <summary>Where a tick gets its ARM client for the desired state it read.</summary>
public interface IWatchArmClientSource
{
    Task<ICustomerSubscriptionClient> GetClientAsync(DesiredState desired, CancellationToken cancellationToken);
}

/// <summary>
/// The ARM session of the service, opened on the first tick and kept (one pipeline, one connection pool, and with
/// <c>--emulator</c> one emulator) until the file names another cloud or api-version.
/// </summary>
public sealed class WatchArmSessions(ArmSessionFactory factory, WatchArguments arguments) : IWatchArmClientSource, IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private ArmSession? _session;
    private (AzureCloud Cloud, string ApiVersion) _key;

    public async Task<ICustomerSubscriptionClient> GetClientAsync(DesiredState desired, CancellationToken cancellationToken) =>
        (await GetAsync(desired, cancellationToken)).Client;

    public async Task<ArmSession> GetAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            var key = (desired.Cloud, desired.ApiVersion);
            if (_session is not null && _key == key)
            {
                return _session;
            }

            if (_session is not null)
            {
                await _session.DisposeAsync();
                _session = null;
            }

            _session = await factory.OpenAsync(desired, arguments.Connection, ArmPipelineSettings.Default.ForParallelism(arguments.Parallelism, arguments.Mode == WatchMode.Observe ? 0 : arguments.Parallelism * arguments.Parallelism), cancellationToken);
            _key = key;
            return _session;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
            _session = null;
        }

        _lock.Dispose();
    }
}
