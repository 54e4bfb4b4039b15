using System.Runtime.CompilerServices;
using TenantReconciler.Live;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Preflight;

/// <summary>
/// Checks 3-7 of <c>check</c> against ARM, with reads only: the endpoint answers; each registration exists (its GET);
/// its billing model allows customer subscriptions; its customer subscriptions can be listed; the management locks
/// that hold for it, one line each, failing where one refuses a change the file plans there. A check that depends on a
/// failed one is reported as skipped, and locks that could not be read as not checked (○), never as "no locks".
/// Results come as they are found, so a slow answer shows where it is.
/// </summary>
public static class PreflightChecks
{
    public static async IAsyncEnumerable<CheckResult> CheckArmAsync(
        Uri endpoint,
        IRegistrationClient registrations,
        ICustomerSubscriptionClient customerSubscriptions,
        IReadOnlyList<RegistrationRef> names,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var result in CheckArmAsync(endpoint, registrations, customerSubscriptions, names, [], cancellationToken))
        {
            yield return result;
        }
    }

    /// <summary>As above; with <paramref name="desired"/>, the locks are judged against the plan of each registration.</summary>
    public static async IAsyncEnumerable<CheckResult> CheckArmAsync(
        Uri endpoint,
        IRegistrationClient registrations,
        ICustomerSubscriptionClient customerSubscriptions,
        IReadOnlyList<RegistrationRef> names,
        IReadOnlyList<Desired.DesiredRegistration> desired,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(registrations);
        ArgumentNullException.ThrowIfNull(customerSubscriptions);
        ArgumentNullException.ThrowIfNull(names);

        // The first registration's GET is also the endpoint's probe: any HTTP answer means the endpoint answers.
        var found = new (RegistrationInfo? Info, ArmRequestException? Error)[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            found[i] = await GetAsync(registrations, names[i], cancellationToken);
            if (i == 0 && found[0].Error is { Kind: ArmFailureKind.NoResponse } unreachable)
            {
                yield return Failed(CheckKind.Endpoint, $"ARM endpoint {endpoint} answers", unreachable) with
                {
                    Fix = OptionText.Of($"Check the network path to the endpoint (proxy, firewall, DNS), {UserOption.ArmEndpoint}, and {UserOption.CaCert} for a private certificate."),
                };
                foreach (var skipped in SkipRegistrations(names, "the endpoint does not answer"))
                {
                    yield return skipped;
                }

                yield break;
            }

            if (i == 0)
            {
                yield return new CheckResult(CheckKind.Endpoint, CheckStatus.Passed, $"ARM endpoint {endpoint} answers");
            }
        }

        for (var i = 0; i < names.Count; i++)
        {
            yield return found[i] switch
            {
                ({ } info, _) => new CheckResult(
                    CheckKind.RegistrationExists,
                    CheckStatus.Passed,
                    $"registration {names[i].Name} exists (billing model {info.BillingModel}, Cloud ID {info.CloudId ?? "none"}, object id {info.ObjectId ?? "none"})"),
                (_, var error) => Failed(CheckKind.RegistrationExists, $"registration {names[i].Name} exists", error!) with
                {
                    Fix = FixForMissing(names[i], error!),
                },
            };
        }

        for (var i = 0; i < names.Count; i++)
        {
            yield return found[i].Info switch
            {
                null => CheckResult.Skip(CheckKind.BillingModel, $"registration {names[i].Name} allows customer subscriptions", "the registration was not read"),
                { AllowsCustomerSubscriptions: true } info => new CheckResult(
                    CheckKind.BillingModel,
                    CheckStatus.Passed,
                    $"registration {names[i].Name} allows customer subscriptions (billing model {info.BillingModel})"),
                var info => new CheckResult(
                    CheckKind.BillingModel,
                    CheckStatus.Failed,
                    $"registration {names[i].Name} allows customer subscriptions: it does not. Its billing model is {info.BillingModel}, " +
                    $"and ARM refuses every customer subscription of a {info.BillingModel} registration ({ArmErrorHints.CustomerSubscriptionsNotAllowed})")
                {
                    ErrorCode = ArmErrorHints.CustomerSubscriptionsNotAllowed,
                    Fix = $"Map these tenants through a pay-as-you-use registration, or remove {names[i].Name} from the file.",
                },
            };
        }

        var listed = new LiveRegistration?[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            if (found[i].Info is null)
            {
                yield return CheckResult.Skip(CheckKind.Listing, $"the customer subscriptions of registration {names[i].Name} can be listed", "the registration was not read");
                continue;
            }

            var (result, live) = await ListAsync(customerSubscriptions, names[i], cancellationToken);
            listed[i] = live;
            yield return result;
        }

        for (var i = 0; i < names.Count; i++)
        {
            if (found[i].Info is null)
            {
                yield return CheckResult.Skip(CheckKind.Locks, $"the management locks of registration {names[i].Name}", "the registration was not read");
                continue;
            }

            var plan = listed[i] is { } live && desired.FirstOrDefault(d => d.Registration.Equals(names[i])) is { } wanted
                ? Planning.Planner.ComputeRegistration(wanted, live)
                : null;
            foreach (var result in LockResults(await RegistrationLocks.ReadAsync(registrations, names[i], cancellationToken), plan))
            {
                yield return result;
            }
        }
    }

    /// <summary>
    /// One line per lock (passed, or failed when it refuses a change <paramref name="plan"/> makes); one line for none;
    /// not checked (○) when they could not be read.
    /// </summary>
    private static IEnumerable<CheckResult> LockResults(LockListing listing, Planning.RegistrationPlan? plan)
    {
        var name = listing.Registration.Name;
        if (!listing.Read)
        {
            yield return new CheckResult(CheckKind.Locks, CheckStatus.Skipped, RegistrationLocks.Unreadable(listing));
            yield break;
        }

        if (listing.Locks.Count == 0)
        {
            yield return new CheckResult(CheckKind.Locks, CheckStatus.Passed, $"registration {name} carries no management lock (on it or above)");
            yield break;
        }

        foreach (var held in listing.Locks)
        {
            var text = $"registration {name}: {Planning.LockGuards.Describe(listing.Registration, held)}";
            var refused = plan is null ? 0 : Planning.LockGuards.Refused(plan, held);
            if (refused == 0)
            {
                yield return new CheckResult(CheckKind.Locks, CheckStatus.Passed, plan is null ? text : $"{text}; the file plans no such change here");
                continue;
            }

            yield return new CheckResult(
                CheckKind.Locks,
                CheckStatus.Failed,
                $"{text}: ARM will refuse {refused} change(s) that the file plans here (409 ScopeLocked)")
            {
                ErrorCode = ArmErrorHints.ScopeLocked,
                Fix = $"Remove the lock {OutsideText.Sanitize(held.Name)} for the apply and put it back after (az lock delete / az lock create), or take those changes out of the file.",
            };
        }
    }

    /// <summary>Checks 3-6 reported as skipped, for when a check before them failed.</summary>
    public static IEnumerable<CheckResult> Skipped(IReadOnlyList<RegistrationRef> names, string because)
    {
        ArgumentNullException.ThrowIfNull(names);
        yield return CheckResult.Skip(CheckKind.Endpoint, "ARM endpoint answers", because);
        if (names.Count == 0)
        {
            // The registrations are not known (the file is not valid): one line per check.
            yield return CheckResult.Skip(CheckKind.RegistrationExists, "each registration exists", because);
            yield return CheckResult.Skip(CheckKind.BillingModel, "each registration allows customer subscriptions", because);
            yield return CheckResult.Skip(CheckKind.Listing, "the customer subscriptions of each registration can be listed", because);
            yield return CheckResult.Skip(CheckKind.Locks, "the management locks of each registration", because);
            yield break;
        }

        foreach (var skipped in SkipRegistrations(names, because))
        {
            yield return skipped;
        }
    }

    private static IEnumerable<CheckResult> SkipRegistrations(IReadOnlyList<RegistrationRef> names, string because)
    {
        foreach (var name in names)
        {
            yield return CheckResult.Skip(CheckKind.RegistrationExists, $"registration {name.Name} exists", because);
        }

        foreach (var name in names)
        {
            yield return CheckResult.Skip(CheckKind.BillingModel, $"registration {name.Name} allows customer subscriptions", because);
        }

        foreach (var name in names)
        {
            yield return CheckResult.Skip(CheckKind.Listing, $"the customer subscriptions of registration {name.Name} can be listed", because);
        }

        foreach (var name in names)
        {
            yield return CheckResult.Skip(CheckKind.Locks, $"the management locks of registration {name.Name}", because);
        }
    }

    private static async Task<(RegistrationInfo?, ArmRequestException?)> GetAsync(IRegistrationClient client, RegistrationRef name, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetRegistrationAsync(name, cancellationToken), null);
        }
        catch (ArmRequestException e)
        {
            return (null, e);
        }
    }

    private static async Task<(CheckResult Result, LiveRegistration? Live)> ListAsync(ICustomerSubscriptionClient client, RegistrationRef name, CancellationToken cancellationToken)
    {
        var text = $"the customer subscriptions of registration {name.Name} can be listed";
        try
        {
            var live = await client.ListAsync(name, cancellationToken);
            return (new CheckResult(CheckKind.Listing, CheckStatus.Passed, $"{text} ({live.Mappings.Count} mapping(s))"), live);
        }
        catch (ArmRequestException e)
        {
            return (Failed(CheckKind.Listing, text, e) with
            {
                Fix = e.Status is 401 or 403
                    ? "Give the identity read access to the registration's customerSubscriptions (Microsoft.AzureStack/registrations/customerSubscriptions/read)."
                    : "Run check again; if it keeps failing, quote the request id to Azure support.",
            }, null);
        }
    }

    private static CheckResult Failed(CheckKind kind, string text, ArmRequestException error) =>
        new(kind, CheckStatus.Failed, text) { Detail = error.Message, ErrorCode = error.ErrorCode, RequestId = error.RequestId };

    private static OptionText FixForMissing(RegistrationRef name, ArmRequestException error) => error.Status switch
    {
        401 => OptionText.Of($"ARM refused the token: sign in ({UserOption.Auth}) to the tenant that holds the registration's subscription."),
        403 => $"Give the identity read access (for example Reader) on {name.Id}.",
        404 => $"Check subscriptionId, resourceGroup and name of {name.Id} in the file: the registration whose Cloud ID is your Azure Stack's.",
        _ => "Run check again; if it keeps failing, quote the request id to Azure support.",
    };
}
