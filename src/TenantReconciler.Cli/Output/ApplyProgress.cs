using Spectre.Console;
using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// What an apply shows while it writes: on a terminal (stderr too) a progress bar; anywhere else (a CI log) one line
/// per finished change and a "still applying" line when nothing has finished for a while. Its window is also the one
/// in which Ctrl+C is graceful (<see cref="Interrupts.Graceful"/>): the first press finishes the requests in flight.
/// </summary>
public sealed class ApplyProgress : IApplyObserver
{
    private readonly IProgressView _view;
    private readonly Interrupts _interrupts;
    private int _inFlight;
    private IDisposable? _graceful;

    private ApplyProgress(IProgressView view, Interrupts interrupts)
    {
        _view = view;
        _interrupts = interrupts;
    }

    /// <summary>
    /// The progress of one apply: it lives exactly as long as the write phase, from <see cref="BeginAsync"/> (the plan
    /// to be written: the total) to <see cref="EndAsync"/>. Told after the journal (<see cref="ApplyObservers"/>), so a
    /// refused claim draws nothing, and a failing journal ends it at once: the terminal is given back.
    /// </summary>
    public static ApplyProgress For(IOContext io, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(time);
        IProgressView view = io is { Style: OutputStyle.Rich, ErrorTerminal: { } terminal }
            ? new ApplyProgressDisplay(terminal, time)
            : new ApplyProgressLog(io.Error, time);
        return new ApplyProgress(view, io.Interrupts);
    }

    public async Task BeginAsync(Plan plan, PlanClaim? claim, CancellationToken cancellationToken)
    {
        await _view.StartAsync(plan);
        _graceful = _interrupts.Graceful(() => Volatile.Read(ref _inFlight), _view.Say);
    }

    public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        _view.Starting();
        return ValueTask.CompletedTask;
    }

    public ValueTask OnCompletedAsync(
        RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
    {
        Interlocked.Decrement(ref _inFlight);
        _view.Completed(registration, operation, result, error);
        return ValueTask.CompletedTask;
    }

    /// <summary>Idempotent: the last line stays, the terminal is given back, Ctrl+C is no longer graceful.</summary>
    public async Task EndAsync(ApplyResult? result, CancellationToken cancellationToken)
    {
        _graceful?.Dispose();
        await _view.StopAsync();
    }
}

/// <summary>The progress of an apply as a view: the bar on a terminal, or the log lines of a CI job.</summary>
internal interface IProgressView
{
    Task StartAsync(Plan plan);

    void Starting();

    void Completed(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error);

    /// <summary>Idempotent.</summary>
    Task StopAsync();

    /// <summary>A line for the user while the view is up (Ctrl+C's message), where it does not break the view.</summary>
    void Say(string line);
}
