using TenantReconciler.Desired;

namespace TenantReconciler.Live;

/// <summary>
/// Reads the live state of every desired registration before anything is planned. One failed listing fails the whole
/// read, so a run never writes on the basis of a partial picture.
/// </summary>
public static class LiveReader
{
    public static async Task<IReadOnlyList<LiveRegistration>> ReadAsync(
        ICustomerSubscriptionClient client,
        DesiredState desired,
        CancellationToken cancellationToken)
    {
        var live = new LiveRegistration[desired.Registrations.Count];
        for (var i = 0; i < live.Length; i++)
        {
            live[i] = await client.ListAsync(desired.Registrations[i].Registration, cancellationToken);
        }

        return live;
    }
}
