using TenantReconciler.Desired;
using TenantReconciler.Live;

namespace TenantReconciler.Stamps;

/// <summary>
/// Reads one registration's stamp, fail-closed: the activation, the user subscriptions and the usage in the window, the
/// three side by side. The usage is aggregated per subscription as each page arrives (no row is kept), then joined to
/// the tenants through the user subscriptions. Any page of any read that fails, or cannot be used, makes the usage
/// <see cref="StampReadStatus.Unknown"/>, with the reason; a stamp that reports to another registration is
/// <see cref="StampReadStatus.Mismatch"/>, an error naming both ids.
/// </summary>
public static class StampReader
{
    /// <param name="connect">Opens the stamp's client (reading its metadata document for the token audience when needed).</param>
    public static async Task<StampReport> ReadAsync(
        RegistrationRef registration,
        DesiredStamp stamp,
        Func<CancellationToken, Task<IStampAdminClient>> connect,
        UsageWindow window,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(stamp);
        ArgumentNullException.ThrowIfNull(connect);
        ArgumentNullException.ThrowIfNull(window);
        var report = new StampReport { Registration = registration, Stamp = stamp, Window = window, Status = StampReadStatus.Unknown };

        IStampAdminClient client;
        try
        {
            client = await connect(cancellationToken).ConfigureAwait(false);
        }
        catch (ReconcilerException e) when (IsReadFailure(e))
        {
            return report with { Problem = Unreadable(stamp, e) };
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var subscriptions = new List<StampSubscription>();
        var usage = new Dictionary<Guid, decimal>();
        var activationTask = client.GetActivationAsync(stop.Token);
        var subscriptionsTask = client.ListSubscriptionsAsync(subscriptions.Add, stop.Token);
        var usageTask = client.ReadUsageAsync(window, (subscription, quantity) => Add(usage, subscription, quantity), stop.Token);

        StampActivation activation;
        try
        {
            activation = await activationTask.ConfigureAwait(false);
        }
        catch (ReconcilerException e) when (IsReadFailure(e))
        {
            await StopAsync(stop, subscriptionsTask, usageTask).ConfigureAwait(false);
            return report with { Problem = Unreadable(stamp, e) };
        }

        report = report with { ActivatedRegistrationId = activation.RegistrationId, UsageReportingEnabled = activation.UsageReportingEnabled };
        if (!string.Equals(activation.RegistrationId.TrimEnd('/'), registration.Id, StringComparison.OrdinalIgnoreCase))
        {
            await StopAsync(stop, subscriptionsTask, usageTask).ConfigureAwait(false);
            return report with
            {
                Status = StampReadStatus.Mismatch,
                Problem = $"The stamp at {StampEndpoint.Base(stamp.AdminEndpoint)} reports its usage to registration {activation.RegistrationId}, not to {registration.Id}: "
                    + "its stamp: block belongs under that registration (or the adminEndpoint is wrong).",
            };
        }

        var warnings = activation.UsageReportingEnabled
            ? []
            : new[] { $"The stamp at {StampEndpoint.Base(stamp.AdminEndpoint)} does not report usage (usageReportingEnabled: false): the mappings of {registration.Name} do not change what anyone is billed." };

        long records;
        try
        {
            await subscriptionsTask.ConfigureAwait(false);
        }
        catch (ReconcilerException e) when (IsReadFailure(e))
        {
            await StopAsync(stop, usageTask).ConfigureAwait(false);
            return report with { Problem = Unreadable(stamp, e), Warnings = warnings };
        }

        try
        {
            records = await usageTask.ConfigureAwait(false);
        }
        catch (ReconcilerException e) when (IsReadFailure(e))
        {
            return report with { Problem = Unreadable(stamp, e), Warnings = warnings, SubscriptionCount = subscriptions.Count };
        }

        var (tenants, unattributed) = Join(stamp.ProviderSubscriptionId, subscriptions, usage);
        return report with
        {
            Status = StampReadStatus.Complete,
            Warnings = warnings,
            Tenants = tenants,
            Unattributed = unattributed,
            SubscriptionCount = subscriptions.Count,
            UsageRecords = records,
        };
    }

    /// <summary>Every tenant with its subscriptions and their usage; usage of subscriptions not listed stays unattributed.</summary>
    internal static (IReadOnlyDictionary<Guid, TenantOnStamp> Tenants, IReadOnlyDictionary<Guid, decimal> Unattributed) Join(
        Guid provider,
        IReadOnlyList<StampSubscription> subscriptions,
        IReadOnlyDictionary<Guid, decimal> usage)
    {
        var byTenant = new Dictionary<Guid, List<StampSubscription>>();
        var listed = new HashSet<Guid>();
        foreach (var subscription in subscriptions)
        {
            listed.Add(subscription.SubscriptionId);
            if (!byTenant.TryGetValue(subscription.TenantId, out var list))
            {
                byTenant[subscription.TenantId] = list = [];
            }

            list.Add(subscription);
        }

        var tenants = new Dictionary<Guid, TenantOnStamp>(byTenant.Count);
        foreach (var (tenantId, list) in byTenant)
        {
            var bySubscription = new Dictionary<Guid, decimal>();
            var total = 0m;
            foreach (var subscription in list)
            {
                if (usage.TryGetValue(subscription.SubscriptionId, out var quantity))
                {
                    bySubscription[subscription.SubscriptionId] = quantity;
                    total += quantity;
                }
            }

            tenants[tenantId] = new TenantOnStamp(tenantId, total, list, bySubscription)
            {
                NotVisible = [.. list.Where(s => !s.IsDirect(provider))],
            };
        }

        var unattributed = new Dictionary<Guid, decimal>();
        foreach (var (subscription, quantity) in usage)
        {
            if (!listed.Contains(subscription))
            {
                unattributed[subscription] = quantity;
            }
        }

        return (tenants, unattributed);
    }

    private static void Add(Dictionary<Guid, decimal> usage, Guid subscription, decimal quantity)
    {
        ref var total = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(usage, subscription, out _);
        total += quantity;
    }

    /// <summary>A failure to read (a status, an unusable page, no response, no token): the usage is unknown.</summary>
    private static bool IsReadFailure(ReconcilerException e) => e is ArmRequestException or TokenUnavailableException;

    private static string Unreadable(DesiredStamp stamp, ReconcilerException e) =>
        $"the stamp at {StampEndpoint.Base(stamp.AdminEndpoint)} could not be read: {OutsideText.Sanitize(e.Message)}";

    /// <summary>Cancels the reads still running and waits for them, ignoring how they end: their result is not used.</summary>
    private static async Task StopAsync(CancellationTokenSource stop, params Task[] reads)
    {
        await stop.CancelAsync().ConfigureAwait(false);
        foreach (var read in reads)
        {
            try
            {
                await read.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ReconcilerException)
            {
                // Not used.
            }
        }
    }
}
