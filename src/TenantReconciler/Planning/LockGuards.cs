using TenantReconciler.Live;

namespace TenantReconciler.Planning;

/// <summary>
/// What the management locks on a registration (or above it) do to its plan: a <c>CanNotDelete</c> lock makes ARM
/// refuse every removal (and a move's DELETE) with 409 <c>ScopeLocked</c>, a <c>ReadOnly</c> lock every change. Pure:
/// the plan and the locks in, one warning per lock that refuses something the plan does. The lock's name and notes come
/// from ARM and are sanitised.
/// </summary>
public static class LockGuards
{
    public const string ScopeLocked = "scope-locked";

    /// <summary>The pending changes of <paramref name="plan"/> that <paramref name="managementLock"/> refuses.</summary>
    public static int Refused(RegistrationPlan plan, ManagementLock managementLock)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(managementLock);
        return plan.Operations()
            .Where(o => o.Kind == OperationKind.Delete ? managementLock.RefusesDeletes : managementLock.RefusesPuts)
            .Select(o => o.Change)
            .Distinct(ReferenceEqualityComparer.Instance)
            .Count();
    }

    /// <summary>One line for a lock: its name, level, where it sits and what it refuses (its notes, when it has some).</summary>
    public static string Describe(RegistrationRef registration, ManagementLock managementLock)
    {
        ArgumentNullException.ThrowIfNull(managementLock);
        var notes = string.IsNullOrWhiteSpace(managementLock.Notes) ? string.Empty : $"; notes: \"{OutsideText.Sanitize(managementLock.Notes.Trim())}\"";
        return $"lock {OutsideText.Sanitize(managementLock.Name)} ({managementLock.Level}, {managementLock.Where(registration)}) refuses {managementLock.Refuses}{notes}";
    }

    /// <summary>One warning per lock that refuses a change of its registration's plan, in plan order.</summary>
    public static IReadOnlyList<GuardViolation> Evaluate(Plan plan, IReadOnlyDictionary<RegistrationRef, IReadOnlyList<ManagementLock>> locks)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(locks);
        var warnings = new List<GuardViolation>();
        foreach (var registrationPlan in plan.Registrations)
        {
            if (!locks.TryGetValue(registrationPlan.Registration, out var held))
            {
                continue;
            }

            foreach (var managementLock in held)
            {
                if (Refused(registrationPlan, managementLock) is var count and > 0)
                {
                    warnings.Add(Warning(registrationPlan.Registration, managementLock, count));
                }
            }
        }

        return warnings;
    }

    private static GuardViolation Warning(RegistrationRef registration, ManagementLock managementLock, int count)
    {
        var what = managementLock.Level == LockLevel.ReadOnly ? "change(s)" : "removal(s) (and moves, which delete the old subscription)";
        return new GuardViolation(
            ScopeLocked,
            registration,
            count,
            $"registration {registration.Name}: {Describe(registration, managementLock)}. ARM will refuse the plan's {count} {what} with 409 ScopeLocked, "
            + "and apply stops that registration's writes at the first refusal.",
            $"remove the lock {OutsideText.Sanitize(managementLock.Name)} for the apply and put it back after (az lock delete / az lock create), or take those changes out of tenants.yaml");
    }
}
