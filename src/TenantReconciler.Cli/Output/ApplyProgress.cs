using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// The apply's progress bar on stderr, when stderr is a terminal (<see cref="IOContext.ErrorTerminal"/>); nothing otherwise.
/// </summary>
public static class ApplyProgress
{
    /// <summary>
    /// The policy with a progress bar attached, or <paramref name="policy"/> itself when the output is plain. The bar
    /// lives exactly as long as the write phase: it wraps the <see cref="ReconcilePolicy.Recorder"/> (the journal), whose
    /// <see cref="IApplyRecorder.BeginAsync"/> gives the plan to be written (the total) and whose
    /// <see cref="IApplyRecorder.EndAsync"/> comes when the last request is done. The journal is always told first, and
    /// its failures propagate unchanged; <see cref="ReconcilePolicy.Observer"/> is left to the caller.
    /// </summary>
    public static ReconcilePolicy Attach(ReconcilePolicy policy, IOContext io, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(time);
        return io is { Style: OutputStyle.Rich, ErrorTerminal: { } terminal }
            ? policy with { Recorder = new ProgressRecorder(policy.Recorder, new ApplyProgressDisplay(terminal, time)) }
            : policy;
    }

    /// <summary>The journal (if any) first, then the bar.</summary>
    private sealed class ProgressRecorder(IApplyRecorder? inner, ApplyProgressDisplay display) : IApplyRecorder
    {
        public async Task BeginAsync(Plan plan, ApprovedPlan? approved, CancellationToken cancellationToken)
        {
            if (inner is not null)
            {
                await inner.BeginAsync(plan, approved, cancellationToken);
            }

            await display.StartAsync(plan);
        }

        public async ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
        {
            if (inner is not null)
            {
                await StopOnFailureAsync(() => inner.OnStartingAsync(registration, operation, cancellationToken));
            }

            display.Starting();
        }

        public async ValueTask OnCompletedAsync(
            RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
        {
            if (inner is not null)
            {
                await StopOnFailureAsync(() => inner.OnCompletedAsync(registration, operation, result, error, cancellationToken));
            }

            display.Completed(registration, operation, error);
        }

        public async Task EndAsync(ApplyResult result, CancellationToken cancellationToken)
        {
            try
            {
                if (inner is not null)
                {
                    await inner.EndAsync(result, cancellationToken);
                }
            }
            finally
            {
                await display.StopAsync();
            }
        }

        /// <summary>A failing journal stops the apply (it propagates): take the bar down first, so the terminal is usable.</summary>
        private async ValueTask StopOnFailureAsync(Func<ValueTask> call)
        {
            try
            {
                await call();
            }
            catch
            {
                await display.StopAsync();
                throw;
            }
        }
    }
}
