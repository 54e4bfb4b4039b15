using Microsoft.Extensions.Hosting;
using TenantReconciler.Leasing;

namespace TenantReconciler.Cli.Watch;

/// <summary>Whether this replica may write, and the term its writes belong to.</summary>
public interface IWriteLeadership
{
    /// <summary>Cancelled when the current term ends; already cancelled while this replica is not the leader.</summary>
    CancellationToken Term { get; }

    /// <summary>Null for a single instance; otherwise the leased blob.</summary>
    Uri? LeaseBlob { get; }

    bool IsLeader => !Term.IsCancellationRequested;

    /// <summary>Raised with true when this replica becomes the leader, with false when it stops being it.</summary>
    event Action<bool>? LeadershipChanged;
}

/// <summary>Without a lease option the single instance is always the leader.</summary>
public sealed class SingleInstanceLeadership : IWriteLeadership
{
    public CancellationToken Term => CancellationToken.None;

    public Uri? LeaseBlob => null;

    public event Action<bool>? LeadershipChanged
    {
        add { }
        remove { }
    }
}

/// <summary>
/// Leadership through a blob lease: runs the <see cref="LeaderElector"/> for the life of the host. Registered before
/// the watch service, so it stops after it: the lease is released only once the last write has finished.
/// </summary>
public sealed class LeaseLeadership(LeaderElector elector, BlobLeaseLock lease, IHostApplicationLifetime lifetime) : BackgroundService, IWriteLeadership
{
    public CancellationToken Term => elector.LeadershipToken;

    public Uri? LeaseBlob => lease.BlobUri;

    public event Action<bool>? LeadershipChanged
    {
        add => elector.LeadershipChanged += value;
        remove => elector.LeadershipChanged -= value;
    }

    /// <summary>Runs the election once the host has started (the listener is bound), until the host stops.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WatchService.HostStarted(lifetime, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        await elector.RunAsync(stoppingToken);
    }
}
