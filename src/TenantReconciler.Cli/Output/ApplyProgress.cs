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
public static class ApplyProgress
{
    /// <summary>
    /// The policy with the progress attached. It lives exactly as long as the write phase: it wraps the
    /// <see cref="ReconcilePolicy.Recorder"/> (the journal), whose <see cref="IApplyRecorder.BeginAsync"/> gives the plan
    /// to be written (the total) and whose <see cref="IApplyRecorder.EndAsync"/> comes when the last request is done. The
    /// journal is always told first, and its failures propagate unchanged; <see cref="ReconcilePolicy.Observer"/> is left
    /// to the caller.
    /// </summary>
    public static ReconcilePolicy Attach(ReconcilePolicy policy, IOContext io, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(time);
        IProgressView view = io is { Style: OutputStyle.Rich, ErrorTerminal: { } terminal }
            ? new ApplyProgressDisplay(terminal, time)
            : new ApplyProgressLog(io.Error, time);
        return policy with { Recorder = new ProgressRecorder(policy.Recorder, view, io.Interrupts) };
    }

    /// <summary>The journal (if any) first, then the view; the requests in flight, for Ctrl+C's message.</summary>
    private sealed class ProgressRecorder(IApplyRecorder? inner, IProgressView view, Interrupts interrupts) : IApplyRecorder
    {
        private int _inFlight;
        private IDisposable? _graceful;

        public async Task BeginAsync(Plan plan, ApprovedPlan? approved, CancellationToken cancellationToken)
        {
            if (inner is not null)
            {
                await inner.BeginAsync(plan, approved, cancellationToken);
            }

            await view.StartAsync(plan);
            _graceful = interrupts.Graceful(() => Volatile.Read(ref _inFlight), view.Say);
        }

        public async ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
        {
            if (inner is not null)
            {
                await StopOnFailureAsync(() => inner.OnStartingAsync(registration, operation, cancellationToken));
            }

            Interlocked.Increment(ref _inFlight);
            view.Starting();
        }

        public async ValueTask OnCompletedAsync(
            RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
        {
            Interlocked.Decrement(ref _inFlight);
            if (inner is not null)
            {
                await StopOnFailureAsync(() => inner.OnCompletedAsync(registration, operation, result, error, cancellationToken));
            }

            view.Completed(registration, operation, result, error);
        }

        public async Task EndAsync(ApplyResult result, CancellationToken cancellationToken)
        {
            _graceful?.Dispose();
            try
            {
                if (inner is not null)
                {
                    await inner.EndAsync(result, cancellationToken);
                }
            }
            finally
            {
                await view.StopAsync();
            }
        }

        /// <summary>A failing journal stops the apply (it propagates): take the view down first, so the terminal is usable.</summary>
        private async ValueTask StopOnFailureAsync(Func<ValueTask> call)
        {
            try
            {
                await call();
            }
            catch
            {
                _graceful?.Dispose();
                await view.StopAsync();
                throw;
            }
        }
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
