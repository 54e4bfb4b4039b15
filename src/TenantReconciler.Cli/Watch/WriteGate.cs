using Microsoft.Extensions.Logging;
using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

// Arguments not named in a message are still logged as structured fields (the JSON log's "State"): that is the intent.
#pragma warning disable SYSLIB1015

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// The service's two stop signals for writes, and their log. <see cref="Closed"/> (the host is stopping) is the engine's
/// "start nothing new": writes already sent finish under <see cref="AbortToken"/>, which only <see cref="Abort"/> (the
/// host's shutdown timeout ran out) cancels. <see cref="Observer"/> logs each write as it starts and ends, with its
/// request id.
/// </summary>
public sealed partial class WriteGate : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ILogger<WriteGate> _logger;
    private int _inFlight;

    public WriteGate(ILogger<WriteGate> logger)
    {
        _logger = logger;
        Observer = new WriteLog(this);
    }

    /// <summary>Cancelled once no new write may start.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Cancelled when the writes in flight must be given up.</summary>
    public CancellationToken AbortToken => _abort.Token;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Logs every write of the service as it starts and as it ends.</summary>
    public IApplyObserver Observer { get; }

    /// <summary>No new write starts from now on. Safe to call more than once.</summary>
    public void Close(string reason)
    {
        // Under the lock that every logged start takes: in the log, no write ever starts after "writes closed".
        lock (_lock)
        {
            if (_closed.IsCancellationRequested)
            {
                return;
            }

            _closed.Cancel();
            LogClosed(_logger, reason, InFlight);
        }
    }

    /// <summary>Cancels the writes still in flight (the shutdown timeout ran out): their outcome is unknown.</summary>
    public void Abort()
    {
        Close("aborting");
        _abort.Cancel();
    }

    public void Dispose()
    {
        _closed.Dispose();
        _abort.Dispose();
    }

    private static string Method(PlannedOperation operation) => operation.Kind == OperationKind.Put ? "PUT" : "DELETE";

    /// <summary>
    /// A start announced after the close is not logged as started: the applier checks the close again after the
    /// announcement and does not send it.
    /// </summary>
    private sealed class WriteLog(WriteGate gate) : IApplyObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(RegistrationRef, PlannedOperation), bool> _started = new();

        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
        {
            lock (gate._lock)
            {
                if (gate._closed.IsCancellationRequested)
                {
                    return ValueTask.CompletedTask;
                }

                _started[(registration, operation)] = true;
                Interlocked.Increment(ref gate._inFlight);
                LogWriteStarted(gate._logger, Method(operation), registration.Name, operation.CustomerSubscriptionName, operation.TenantId?.ToString("D"), registration.Id.ToString());
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
        {
            if (!_started.TryRemove((registration, operation), out _))
            {
                return ValueTask.CompletedTask;
            }

            Interlocked.Decrement(ref gate._inFlight);
            var outcome = error is null ? "done"
                : error.ErrorCode == PlanApplier.NotSentErrorCode ? (error.InnerException is Live.TokenUnavailableException ? "not sent: no token" : "not sent: the service is stopping")
                : error.ErrorCode == PlanApplier.CancelledErrorCode ? "cancelled; outcome unknown"
                : "failed";
            LogWriteFinished(gate._logger, Method(operation), registration.Name, operation.CustomerSubscriptionName, outcome,
                result?.Status ?? error?.Status ?? 0, result?.RequestId ?? error?.RequestId, error?.ErrorCode);
            return ValueTask.CompletedTask;
        }
    }

    [LoggerMessage(EventId = 30, EventName = "WritesClosed", Level = LogLevel.Information,
        Message = "Writes closed ({Reason}): no new write starts; {InFlight} write(s) in flight finish")]
    private static partial void LogClosed(ILogger logger, string reason, int inFlight);

    [LoggerMessage(EventId = 31, EventName = "WriteStarted", Level = LogLevel.Information,
        Message = "Write started: {Method} {Registration} customerSubscription {CustomerSubscription} tenant {Tenant}")]
    private static partial void LogWriteStarted(ILogger logger, string method, string registration, string customerSubscription, string? tenant, string RegistrationId);

    [LoggerMessage(EventId = 32, EventName = "WriteFinished", Level = LogLevel.Information,
        Message = "Write finished: {Method} {Registration} customerSubscription {CustomerSubscription}: {Outcome} (status {Status}, x-ms-request-id {RequestId})")]
    private static partial void LogWriteFinished(ILogger logger, string method, string registration, string customerSubscription, string outcome, int status, string? requestId, string? ErrorCode);
}
