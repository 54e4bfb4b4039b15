using System.Globalization;
using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// An apply's progress where there is no terminal (a CI log): one line per finished change on stderr (symbol,
/// registration, customer subscription, tenant, result, request id), and, like terraform's "Still creating…", a line
/// every <see cref="StillEvery"/> in which nothing finished: <c>still applying: 3 done, 4 in flight, 93 left (waiting for ARM: throttled or slow)</c>.
/// The clock is the injected <see cref="TimeProvider"/>. Thread-safe: the calls come from the apply's parallel requests
/// and from the timer.
/// </summary>
internal sealed class ApplyProgressLog(TextWriter error, TimeProvider time) : IProgressView
{
    public static readonly TimeSpan StillEvery = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly ChangesLeft _changesLeft = new();
    private ITimer? _timer;
    private int _done;
    private int _inFlight;
    private long _lastNews;
    private bool _stopped;

    public Task StartAsync(Plan plan)
    {
        lock (_gate)
        {
            _changesLeft.Add(plan);

            _lastNews = time.GetTimestamp();
            _timer = time.CreateTimer(_ => Still(), null, StillEvery, StillEvery);
        }

        return Task.CompletedTask;
    }

    public void Starting()
    {
        lock (_gate)
        {
            _inFlight++;
        }
    }

    public void Completed(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? failure)
    {
        lock (_gate)
        {
            _inFlight--;
            if (_stopped)
            {
                return;
            }

            var effect = _changesLeft.Complete(registration, operation, failure);
            if (effect is not (RequestEffect.Done or RequestEffect.Failed))
            {
                // Not ours, not sent, or a move's PUT (the change is finished with its DELETE).
                return;
            }

            _lastNews = time.GetTimestamp();
            string outcome;
            if (failure is null)
            {
                _done++;
                outcome = "done";
            }
            else
            {
                outcome = failure.ErrorCode == PlanApplier.CancelledErrorCode ? ApplyReport.UnknownLabel
                    : failure.ErrorCode is { } code ? $"failed ({code})"
                    : failure.Status > 0 ? string.Create(CultureInfo.InvariantCulture, $"failed ({failure.Status})")
                    : "failed";
            }

            var change = operation.Change;
            var tenant = change.TenantId ?? change.PreviousTenantId;
            var requestId = result?.RequestId ?? failure?.RequestId;
            error.WriteLine(
                $"{Symbol(change.Action)} {registration.Name} customerSubscription {change.CustomerSubscriptionId:D}" +
                (tenant is { } t ? $" tenant {t:D}" : string.Empty) +
                $": {outcome}" +
                (requestId is null ? string.Empty : $" (x-ms-request-id: {requestId})"));
        }
    }

    public Task StopAsync()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer?.Dispose();
        }

        return Task.CompletedTask;
    }

    public void Say(string line)
    {
        lock (_gate)
        {
            error.WriteLine(line);
        }
    }

    /// <summary>When nothing finished for <see cref="StillEvery"/>: where the apply stands, and what it is waiting for.</summary>
    private void Still()
    {
        lock (_gate)
        {
            if (_stopped || time.GetElapsedTime(_lastNews) < StillEvery)
            {
                return;
            }

            var left = _changesLeft.Count - _inFlight;
            error.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"still applying: {_done} done, {_inFlight} in flight, {Math.Max(left, 0)} left ({(_inFlight > 0 ? "waiting for ARM: throttled or slow" : "waiting to start")})"));
            _lastNews = time.GetTimestamp();
        }
    }

    private static char Symbol(ChangeAction action) => action switch
    {
        ChangeAction.Add => '+',
        ChangeAction.Overwrite => '~',
        ChangeAction.Remove => '-',
        _ => ' ',
    };
}
