using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;
using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

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
    /// The client and the apply observer for one registration's writes on one tick. The observer, which the applier
    /// calls just before each request, takes the gate (and refuses once it is closed) before <paramref name="journal"/>
    /// records the request as started; the client then sends it under its own token, which ends only with
    /// <paramref name="term"/> (the leadership term the tick started in) or <see cref="Abort"/>. Request ids and
    /// failures are added to <paramref name="record"/>.
    /// </summary>
    public GatedWrites Open(ICustomerSubscriptionClient inner, IApplyObserver journal, WriteRecord record, CancellationToken term) =>
        new(this, inner, journal, record, term);

    public void Dispose()
    {
        _closed.Dispose();
        _abort.Dispose();
    }

    internal CancellationToken AbortToken => _abort.Token;

    internal void Finished(string method, RegistrationRef registration, string customerSubscription, string outcome, int status, string? requestId, string? errorCode) =>
        LogWriteFinished(_logger, method, registration.Name, customerSubscription, outcome, status, requestId, errorCode);

    /// <summary>Takes the gate for one write and logs its start, or returns false (nothing logged) once closed or out of term.</summary>
    internal bool TryEnter(string method, RegistrationRef registration, string customerSubscription, Guid? tenant, CancellationToken term)
    {
        lock (_lock)
        {
            if (_closed.IsCancellationRequested || term.IsCancellationRequested)
            {
                return false;
            }

            _inFlight++;
            LogWriteStarted(_logger, method, registration.Name, customerSubscription, tenant?.ToString("D"), registration.Id.ToString());
            return true;
        }
    }

    internal void Exit()
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
    private static partial void LogWriteStarted(ILogger logger, string method, string registration, string customerSubscription, string? tenant, string RegistrationId);

    [LoggerMessage(EventId = 32, EventName = "WriteFinished", Level = LogLevel.Information,
        Message = "Write finished: {Method} {Registration} customerSubscription {CustomerSubscription}: {Outcome} (status {Status}, x-ms-request-id {RequestId})")]
    private static partial void LogWriteFinished(ILogger logger, string method, string registration, string customerSubscription, string outcome, int status, string? requestId, string? ErrorCode);
}

/// <summary>
/// See <see cref="WriteGate.Open"/>. <see cref="Client"/> and this observer go to the same applier, which announces each
/// request to the observer just before sending it through the client. A request announced after the gate closed is
/// not journaled and not sent: the client fails it as <see cref="PlanApplier.NotSentErrorCode"/>.
/// </summary>
public sealed class GatedWrites : IApplyObserver
{
    private readonly WriteGate _gate;
    private readonly ICustomerSubscriptionClient _inner;
    private readonly IApplyObserver _journal;
    private readonly WriteRecord _record;
    private readonly CancellationToken _term;
    private readonly ConcurrentDictionary<(string Method, string Name), bool> _admitted = new();
    private readonly ConcurrentDictionary<(string Method, string Name), bool> _refused = new();

    internal GatedWrites(WriteGate gate, ICustomerSubscriptionClient inner, IApplyObserver journal, WriteRecord record, CancellationToken term)
    {
        _gate = gate;
        _inner = inner;
        _journal = journal;
        _record = record;
        _term = term;
        Client = new GatedClient(this);
    }

    public ICustomerSubscriptionClient Client { get; }

    public async ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
    {
        var key = Key(operation);
        var admitted = _gate.TryEnter(key.Method, registration, operation.CustomerSubscriptionName, operation.TenantId, _term);
        _admitted[key] = admitted;
        if (!admitted)
        {
            _refused[key] = true;
            return;
        }

        try
        {
            await _journal.OnStartingAsync(registration, operation, CancellationToken.None);
        }
        catch
        {
            _admitted.TryRemove(key, out _);
            _gate.Exit();
            throw;
        }
    }

    /// <summary>Journals the end of every request the gate let through (a refused one was never journaled as started).</summary>
    public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
        _refused.TryRemove(Key(operation), out _)
            ? ValueTask.CompletedTask
            : _journal.OnCompletedAsync(registration, operation, result, error, CancellationToken.None);

    private const string NotSentSuffix = "not sent: the service is stopping.";

    private static (string Method, string Name) Key(PlannedOperation operation) =>
        (operation.Kind == OperationKind.Put ? "PUT" : "DELETE", operation.CustomerSubscriptionName);

    /// <remarks>The caller's token is deliberately not used once the write is sent: stopping must not cut a write in half.</remarks>
    private async Task<ArmWriteResult> WriteAsync(
        string method, RegistrationRef registration, string name, Guid? tenant, Func<CancellationToken, Task<ArmWriteResult>> send)
    {
        var admitted = _admitted.TryRemove((method, name), out var announced)
            ? announced
            : _gate.TryEnter(method, registration, name, tenant, _term); // not announced through the observer
        if (!admitted)
        {
            throw new ArmRequestException($"{method} {name}: {NotSentSuffix}", 0, PlanApplier.NotSentErrorCode, null, null);
        }

        try
        {
            using var writeToken = CancellationTokenSource.CreateLinkedTokenSource(_term, _gate.AbortToken);
            var result = await send(writeToken.Token);
            _record.Add(result.RequestId);
            _gate.Finished(method, registration, name, "done", result.Status, result.RequestId, null);
            return result;
        }
        catch (ArmRequestException e)
        {
            _record.Add(e);
            _gate.Finished(method, registration, name, "failed", e.Status, e.RequestId, e.ErrorCode);
            throw;
        }
        catch (OperationCanceledException)
        {
            _gate.Finished(method, registration, name, "cancelled; outcome unknown", 0, null, null);
            throw;
        }
        finally
        {
            _gate.Exit();
        }
    }

    private sealed class GatedClient(GatedWrites writes) : ICustomerSubscriptionClient
    {
        public Task<LiveRegistration> ListAsync(RegistrationRef registration, CancellationToken cancellationToken) =>
            writes._inner.ListAsync(registration, cancellationToken);

        public Task<ArmWriteResult> PutAsync(RegistrationRef registration, string customerSubscriptionName, Guid tenantId, CancellationToken cancellationToken) =>
            writes.WriteAsync("PUT", registration, customerSubscriptionName, tenantId, token => writes._inner.PutAsync(registration, customerSubscriptionName, tenantId, token));

        public Task<ArmWriteResult> DeleteAsync(RegistrationRef registration, string customerSubscriptionName, CancellationToken cancellationToken) =>
            writes.WriteAsync("DELETE", registration, customerSubscriptionName, null, token => writes._inner.DeleteAsync(registration, customerSubscriptionName, token));
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
