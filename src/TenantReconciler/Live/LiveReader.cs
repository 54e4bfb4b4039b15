using TenantReconciler.Desired;

namespace TenantReconciler.Live;

/// <summary>
/// Reads the live state of every desired registration before anything is planned. One failed listing fails the whole
/// read, so a run never writes on the basis of a partial picture.
/// </summary>
public static class LiveReader
{
    public static Task<IReadOnlyList<LiveRegistration>> ReadAsync(
        ICustomerSubscriptionClient client,
        DesiredState desired,
        CancellationToken cancellationToken) =>
        ReadAsync(client, desired.Registrations.Select(r => r.Registration).ToArray(), cancellationToken);

    /// <summary>Lists each registration in turn; the first failure fails the whole read.</summary>
    public static async Task<IReadOnlyList<LiveRegistration>> ReadAsync(
        ICustomerSubscriptionClient client,
        IReadOnlyList<RegistrationRef> registrations,
        CancellationToken cancellationToken)
    {
        var live = new LiveRegistration[registrations.Count];
        for (var i = 0; i < live.Length; i++)
        {
            live[i] = await client.ListAsync(registrations[i], cancellationToken);
        }

        return live;
    }
}
