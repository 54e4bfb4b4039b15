using Microsoft.Extensions.Logging;
using TenantReconciler.Live;

// Arguments not named in a message are still logged as structured fields (the JSON log's "State"): that is the intent.
#pragma warning disable SYSLIB1015

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// The one door every write of the service goes through. Once <see cref="Close"/>d (the host is stopping) no new write
/// starts; a write already sent is left to finish under its own token, cancelled only by <see cref="Abort"/> (the
/// host's shutdown timeout ran out) or by the end of the leadership term it started in. Each write is logged when it
/// starts and when it ends, with its request id, and the close is logged under the same lock: in the log, no write
/// ever starts after "writes closed".
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
    }

    /// <summary>Cancelled once no new write may start.</summary>
    public CancellationToken Closed => _closed.Token;

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>No new write starts from now on. Safe to call more than once.</summary>
    public void Close(string reason)
    {
        lock (_lock)
        {
            if (_closed.IsCancellationRequested)
            {
                return;
            }

            _closed.Cancel();
            LogClosed(_logger, reason, _inFlight);
        }
    }

    /// <summary>Cancels the writes still in flight (the shutdown timeout ran out): their outcome is unknown.</summary>
    public void Abort()
    {
        Close("aborting");
        _abort.Cancel();
    }

    /// <summary>
    /// A client whose writes pass through the gate and stop with <paramref name="term"/> (the leadership term the tick
    /// started in). Request ids and failures of the writes are added to <paramref name="record"/>.
    /// </summary>
    public ICustomerSubscriptionClient Wrap(ICustomerSubscriptionClient inner, WriteRecord record, CancellationToken term) =>
        new GatedClient(this, inner, record, term);

    public void Dispose()
    {
        _closed.Dispose();
        _abort.Dispose();
    }

    private void Enter(string method, RegistrationRef registration, string customerSubscription, Guid? tenant, CancellationToken term)
    {
        lock (_lock)
        {
            if (_closed.IsCancellationRequested)
            {
                throw new OperationCanceledException("The service is stopping: no new write starts.", _closed.Token);
            }

            term.ThrowIfCancellationRequested();
            _inFlight++;
            LogWriteStarted(_logger, method, registration.Name, customerSubscription, tenant?.ToString("D"), registration.Id.ToString());
        }
    }

    private void Exit()
    {
        lock (_lock)
        {
            _inFlight--;
        }
    }

    [LoggerMessage(EventId = 30, EventName = "WritesClosed", Level = LogLevel.Information,
        Message = "Writes closed ({Reason}): no new write starts; {InFlight} write(s) in flight finish")]
    private static partial void LogClosed(ILogger logger, string reason, int inFlight);

    [LoggerMessage(EventId = 31, EventName = "WriteStarted", Level = LogLevel.Information,
        Message = "Write started: {Method} {Registration} customerSubscription {CustomerSubscription} tenant {Tenant}")]
    private static partial void LogWriteStarted(ILogger logger, string method, string registration, string customerSubscription, string? tenant, string registrationId);

    [LoggerMessage(EventId = 32, EventName = "WriteFinished", Level = LogLevel.Information,
        Message = "Write finished: {Method} {Registration} customerSubscription {CustomerSubscription}: {Outcome} (status {Status}, x-ms-request-id {RequestId})")]
    private static partial void LogWriteFinished(ILogger logger, string method, string registration, string customerSubscription, string outcome, int status, string? requestId, string? errorCode);

    private sealed class GatedClient(WriteGate gate, ICustomerSubscriptionClient inner, WriteRecord record, CancellationToken term)
        : ICustomerSubscriptionClient
    {
        public Task<LiveRegistration> ListAsync(RegistrationRef registration, CancellationToken cancellationToken) =>
            inner.ListAsync(registration, cancellationToken);

        public Task<ArmWriteResult> PutAsync(RegistrationRef registration, string customerSubscriptionName, Guid tenantId, CancellationToken cancellationToken) =>
            WriteAsync("PUT", registration, customerSubscriptionName, tenantId, token => inner.PutAsync(registration, customerSubscriptionName, tenantId, token));

        public Task<ArmWriteResult> DeleteAsync(RegistrationRef registration, string customerSubscriptionName, CancellationToken cancellationToken) =>
            WriteAsync("DELETE", registration, customerSubscriptionName, null, token => inner.DeleteAsync(registration, customerSubscriptionName, token));

        /// <remarks>The caller's token is deliberately not used once the write is sent: stopping must not cut a write in half.</remarks>
        private async Task<ArmWriteResult> WriteAsync(
            string method, RegistrationRef registration, string name, Guid? tenant, Func<CancellationToken, Task<ArmWriteResult>> send)
        {
            gate.Enter(method, registration, name, tenant, term);
            try
            {
                using var writeToken = CancellationTokenSource.CreateLinkedTokenSource(term, gate._abort.Token);
                var result = await send(writeToken.Token);
                record.Add(result.RequestId);
                LogWriteFinished(gate._logger, method, registration.Name, name, "done", result.Status, result.RequestId, null);
                return result;
            }
            catch (ArmRequestException e)
            {
                record.Add(e);
                LogWriteFinished(gate._logger, method, registration.Name, name, "failed", e.Status, e.RequestId, e.ErrorCode);
                throw;
            }
            catch (OperationCanceledException)
            {
                LogWriteFinished(gate._logger, method, registration.Name, name, "cancelled; outcome unknown", 0, null, null);
                throw;
            }
            finally
            {
                gate.Exit();
            }
        }
    }
}

/// <summary>The request ids and the failures of one registration's requests on one tick (thread-safe).</summary>
public sealed class WriteRecord
{
    private readonly Lock _lock = new();
    private readonly List<string> _requestIds = [];
    private readonly List<ArmRequestException> _failures = [];

    public IReadOnlyList<string> RequestIds
    {
        get
        {
            lock (_lock)
            {
                return _requestIds.ToArray();
            }
        }
    }

    public IReadOnlyList<ArmRequestException> Failures
    {
        get
        {
            lock (_lock)
            {
                return _failures.ToArray();
            }
        }
    }

    public void Add(string? requestId)
    {
        if (requestId is null)
        {
            return;
        }

        lock (_lock)
        {
            _requestIds.Add(requestId);
        }
    }

    public void Add(ArmRequestException failure)
    {
        lock (_lock)
        {
            _failures.Add(failure);
            if (failure.RequestId is not null)
            {
                _requestIds.Add(failure.RequestId);
            }
        }
    }
}
