using TenantReconciler.Desired;
using TenantReconciler.Live;

namespace TenantReconciler.Planning;

/// <summary>The pure diff of desired against live. No I/O, no logging, no clock.</summary>
public static class Planner
{
    public static Plan Compute(DesiredState desired, IReadOnlyList<LiveRegistration> live)
    {
        throw new NotImplementedException();
    }

    public static RegistrationPlan ComputeRegistration(DesiredRegistration desired, LiveRegistration live)
    {
        throw new NotImplementedException();
    }
}
