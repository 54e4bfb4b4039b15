using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Output;

/// <summary>What one finished request means for its change, as <see cref="ChangesLeft.Complete"/> says.</summary>
internal enum RequestEffect
{
    /// <summary>Not a change of the plan being shown (or already finished).</summary>
    Unknown,

    /// <summary>Not sent (the apply was stopping, no token): the change is not attempted, neither done nor failed.</summary>
    NotSent,

    /// <summary>A move's PUT succeeded: the change is finished with its DELETE.</summary>
    Pending,

    /// <summary>The change's last request succeeded.</summary>
    Done,

    /// <summary>A request failed: the change is failed once (a failed PUT of a move means its DELETE is never sent).</summary>
    Failed,
}

/// <summary>
/// The changes of an apply that are not finished yet, with the requests each still waits for (two for a move), for the
/// progress views. Not thread-safe: the views call it under their own lock.
/// </summary>
internal sealed class ChangesLeft
{
    private readonly Dictionary<(RegistrationRef Registration, PlannedChange Change), int> requestsLeft = [];

    /// <summary>The changes not finished yet.</summary>
    public int Count => requestsLeft.Count;

    public void Add(Plan plan)
    {
        foreach (var registration in plan.Registrations)
        {
            foreach (var operation in registration.Operations())
            {
                var key = (registration.Registration, operation.Change);
                requestsLeft[key] = requestsLeft.GetValueOrDefault(key) + 1;
            }
        }
    }

    /// <summary>Counts the request as finished (<paramref name="error"/> null when it succeeded) and says what that means for its change.</summary>
    public RequestEffect Complete(RegistrationRef registration, PlannedOperation operation, ArmRequestException? error)
    {
        var key = (registration, operation.Change);
        if (!requestsLeft.TryGetValue(key, out var left))
        {
            return RequestEffect.Unknown;
        }

        if (error is null)
        {
            if (left > 1)
            {
                requestsLeft[key] = left - 1;
                return RequestEffect.Pending;
            }

            requestsLeft.Remove(key);
            return RequestEffect.Done;
        }

        if (error.ErrorCode == PlanApplier.NotSentErrorCode)
        {
            return RequestEffect.NotSent;
        }

        requestsLeft.Remove(key);
        return RequestEffect.Failed;
    }
}
