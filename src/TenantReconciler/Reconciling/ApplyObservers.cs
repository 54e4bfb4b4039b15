using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Reconciling;

/// <summary>
/// Tells several observers about an apply, in order: the journal first, then progress and logs. A failing observer
/// propagates unchanged; the others are ended at once (<see cref="IApplyObserver.EndAsync"/> with no result), so a
/// progress bar gives the terminal back. A refused <see cref="BeginAsync"/> begins none of those after it.
/// </summary>
public sealed class ApplyObservers : IApplyObserver
{
    private readonly IApplyObserver[] _observers;
    private int _begun = -1;
    private int _ended;

    public ApplyObservers(params IApplyObserver?[] observers)
    {
        ArgumentNullException.ThrowIfNull(observers);
        _observers = [.. observers.OfType<IApplyObserver>()];
    }

    public async Task BeginAsync(Plan plan, PlanClaim? claim, CancellationToken cancellationToken)
    {
        _begun = 0;
        foreach (var observer in _observers)
        {
            try
            {
                await observer.BeginAsync(plan, claim, cancellationToken);
            }
            catch
            {
                await EndOthersAsync(observer);
                throw;
            }

            _begun++;
        }
    }

    public async ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
    {
        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnStartingAsync(registration, operation, cancellationToken);
            }
            catch
            {
                await EndOthersAsync(observer);
                throw;
            }
        }
    }

    public async ValueTask OnCompletedAsync(
        RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
    {
        foreach (var observer in _observers)
        {
            try
            {
                await observer.OnCompletedAsync(registration, operation, result, error, cancellationToken);
            }
            catch
            {
                await EndOthersAsync(observer);
                throw;
            }
        }
    }

    /// <summary>Ends every observer, even after one failed: the first failure propagates once all were told.</summary>
    public async Task EndAsync(ApplyResult? result, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        Exception? first = null;
        foreach (var observer in _observers)
        {
            try
            {
                await observer.EndAsync(result, cancellationToken);
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }

    /// <summary>After <paramref name="failed"/> threw: end those begun (but it) with no result, once.</summary>
    private async Task EndOthersAsync(IApplyObserver failed)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        var begun = _begun < 0 ? _observers.Length : _begun;
        foreach (var observer in _observers.Take(begun).Where(o => !ReferenceEquals(o, failed)))
        {
            try
            {
                await observer.EndAsync(null, CancellationToken.None);
            }
            catch (Exception)
            {
                // The first failure is the one that propagates.
            }
        }
    }
}
