using TenantReconciler.Desired;

namespace TenantReconciler.Planning;

/// <summary>The overrides a user gave for this run. None of them can come from tenants.yaml.</summary>
public sealed record GuardOverrides(bool AllowEmpty = false, int? MaxRemovals = null, int? ConfirmRemovals = null)
{
    public const int DefaultMaxRemovals = 5;

    /// <summary><c>--allow-billed-removals</c>: let changes leave tenants with usage (or unknown usage) unmapped.</summary>
    public bool AllowBilledRemovals { get; init; }

    /// <summary><c>--confirm-billed-removals N</c>: as <see cref="AllowBilledRemovals"/>, for exactly N such changes in the plan.</summary>
    public int? ConfirmBilledRemovals { get; init; }

    /// <summary>
    /// How the host that took these overrides spells them, for the verdicts' <see cref="GuardViolation.Override"/>
    /// (the CLI's flags; neutral by default): a verdict names the override as the user gives it.
    /// </summary>
    public IOptionNames OptionNames { get; init; } = NeutralOptionNames.Instance;
}

/// <summary>
/// One verdict: which guard, for which registration (null: the whole run), how many mappings, the limit they were
/// judged against (null when the guard has no number), and how to override it (null when it cannot be).
/// </summary>
public sealed record GuardViolation(string Guard, RegistrationRef? Registration, int Count, string Message, string? Override)
{
    /// <summary>The number <see cref="Count"/> went over (the removal threshold); null for a guard without one.</summary>
    public int? Limit { get; init; }

    /// <summary>
    /// True when apply refuses the plan for it (every guard but a management lock's warning: ARM refuses those
    /// changes, not apply).
    /// </summary>
    public bool RefusesApply => Guard != LockGuards.ScopeLocked;

    public override string ToString() => Override is null ? $"{Guard}: {Message}" : $"{Guard}: {Message} To proceed, {Override}.";
}

/// <summary>
/// Refuses plans that would prune too much. Pure: evaluated on the plan, the desired state and the command-line
/// overrides. Deleting lines from tenants.yaml can make a plan larger, never less guarded:
/// <list type="bullet">
/// <item><b>empty registration</b>: the desired tenant list is empty while live has mappings (needs <c>--allow-empty</c>);</item>
/// <item><b>removal threshold</b>: removals plus overwrites that drop a mapping above the threshold need
/// <c>--confirm-removals N</c> with the exact total. The threshold is <c>--max-removals</c> (default 5), lowered by the
/// YAML's <c>maxRemovals</c> when that is smaller: the file can only tighten it, because a change that raised it in the
/// same commit as the removals would loosen the very guard meant to catch them (see <see cref="Threshold"/>);</item>
/// <item><b>protected tenants</b>: a change that removes or moves the mapping of a tenant in <c>protect:</c> is refused,
/// with no override: the tenant must be taken off <c>protect:</c> first.</item>
/// </list>
/// </summary>
public static class PruneGuards
{
    public const string EmptyRegistration = "empty-registration";
    public const string RemovalThreshold = "removal-threshold";
    public const string ProtectedTenant = "protected-tenant";
    public const string Suspended = "suspend";
    public const string BilledRemoval = "billed-removal";

    /// <summary>
    /// The verdict of <c>suspend: true</c> in <paramref name="source"/> on a plan with <paramref name="pending"/>
    /// changes: apply writes nothing (for the whole run, so no registration).
    /// </summary>
    public static GuardViolation Suspend(string source, int pending, IOptionNames names) => new(
        Suspended,
        null,
        pending,
        $"{source} sets 'suspend: true', so apply writes none of the plan's {pending} change(s).",
        OptionText.Of($"remove 'suspend: true', or pass {UserOption.IgnoreSuspend} for this run").Spell(names));

    /// <summary>Removals plus overwrites that leave a tenant with no mapping.</summary>
    public static int Drops(RegistrationPlan plan) =>
        plan.PendingChanges.Count(c => c.Action == ChangeAction.Remove || (c.Action == ChangeAction.Overwrite && c.BillingFallbackTenantId is not null));

    /// <summary>
    /// The removal threshold of a registration: the command line's (<c>--max-removals</c>, default 5), or the YAML's
    /// <c>maxRemovals</c> when it is smaller. Raising it takes the command line, never the file under review.
    /// </summary>
    public static int Threshold(DesiredRegistration? registration, GuardOverrides overrides)
    {
        var limit = overrides.MaxRemovals ?? GuardOverrides.DefaultMaxRemovals;
        return registration?.MaxRemovals is { } fromFile && fromFile < limit ? fromFile : limit;
    }

    public static IReadOnlyList<GuardViolation> Evaluate(Plan plan, DesiredState desired, GuardOverrides overrides)
    {
        var violations = new List<GuardViolation>();
        var byRegistration = desired.Registrations.ToDictionary(r => r.Registration);
        var protectedTenants = desired.Protect.ToHashSet();
        var totalDrops = plan.Registrations.Sum(Drops);

        foreach (var registrationPlan in plan.Registrations)
        {
            var registration = registrationPlan.Registration;
            byRegistration.TryGetValue(registration, out var desiredRegistration);
            var drops = Drops(registrationPlan);

            if (desiredRegistration is { Tenants.Count: 0 } && drops > 0 && !overrides.AllowEmpty)
            {
                violations.Add(new GuardViolation(
                    EmptyRegistration,
                    registration,
                    drops,
                    $"registration {registration.Name} lists no tenants, so the plan would remove all {drops} live mapping(s).",
                    OptionText.Of($"pass {UserOption.AllowEmpty}").Spell(overrides.OptionNames)) { Limit = 0 });
            }

            var threshold = Threshold(desiredRegistration, overrides);
            if (drops > threshold && overrides.ConfirmRemovals != totalDrops)
            {
                violations.Add(new GuardViolation(
                    RemovalThreshold,
                    registration,
                    drops,
                    $"registration {registration.Name}: the plan drops {drops} mapping(s) (removals and overwrites that leave a tenant unmapped), more than the threshold of {threshold}.",
                    OptionText.Of($"pass {UserOption.ConfirmRemovals} {totalDrops} (the exact number of dropped mappings in this plan)").Spell(overrides.OptionNames)) { Limit = threshold });
            }

            foreach (var change in registrationPlan.PendingChanges)
            {
                foreach (var tenant in ProtectedTenantsTouched(change, protectedTenants))
                {
                    violations.Add(new GuardViolation(
                        ProtectedTenant,
                        registration,
                        1,
                        $"registration {registration.Name}: tenant {tenant:D} is protected, and the plan would {Verb(change)} its mapping on customer subscription {(change.MovedFromSubscriptionId ?? change.CustomerSubscriptionId):D}. " +
                        $"To keep it, add it back to tenants.yaml (tenant {tenant:D} on customer subscription {(change.MovedFromSubscriptionId ?? change.CustomerSubscriptionId):D}); " +
                        "to let it go, also take it off 'protect:' (deleting its entry alone does not unprotect it).",
                        null));
                }
            }
        }

        BilledRemovals.Evaluate(plan, byRegistration, overrides, violations);
        return violations;
    }

    private static IEnumerable<Guid> ProtectedTenantsTouched(PlannedChange change, HashSet<Guid> protectedTenants)
    {
        if (protectedTenants.Count == 0)
        {
            yield break;
        }

        // The tenant that loses its mapping on this subscription (removal or in-place overwrite).
        if (change.PreviousTenantId is { } previous && previous != change.TenantId && protectedTenants.Contains(previous))
        {
            yield return previous;
        }

        // The tenant whose mapping moves from another subscription.
        if (change.IsMove && change.TenantId is { } moved && protectedTenants.Contains(moved))
        {
            yield return moved;
        }
    }

    private static string Verb(PlannedChange change) => change.Action == ChangeAction.Remove ? "remove" : change.IsMove ? "move" : "overwrite";
}
