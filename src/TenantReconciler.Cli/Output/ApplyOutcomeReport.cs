using TenantReconciler.Cli.Commands;
using TenantReconciler.Rendering;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Output;

/// <summary>Maps the engine's outcome of an apply to what the user reads and to the exit code.</summary>
public static class ApplyOutcomeReport
{
    /// <summary>The converged line after an undo plan: live now matches the undo plan, which tenants.yaml does not say.</summary>
    public const string UndoConverged =
        "Converged: the live registrations match the undo plan, not tenants.yaml. The next apply or watch tick will redo the change unless tenants.yaml is changed to match.";

    /// <param name="undo">The applied plan was an undo plan: convergence is to it, not to the desired state.</param>
    /// <param name="verbosity">At <see cref="Verbosity.Diagnostic"/>, a credential failure adds the credential's whole message.</param>
    public static int Write(IOContext io, ReconcileOutcome outcome, bool cancelled, bool undo = false, Verbosity verbosity = Verbosity.Normal)
    {
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(outcome);
        var error = io.Error;
        switch (outcome.Status)
        {
            case ReconcileStatus.InSync:
                return ExitCodes.Success;

            case ReconcileStatus.ListFailed:
                CommandBoundary.WriteError(error, outcome.Error!, verbosity);
                error.WriteLine("Nothing was changed in any registration: a listing that is not certainly complete is never planned on.");
                return ExitCodes.Error;

            case ReconcileStatus.Suspended:
                error.WriteLine($"Error: {OutsideText.Sanitize(outcome.Desired?.SourcePath)} sets 'suspend: true': nothing was changed in any registration. Remove it to resume writes, or pass --ignore-suspend for this run.");
                return ExitCodes.Error;

            case ReconcileStatus.GuardRefused:
                foreach (var violation in outcome.Violations)
                {
                    error.WriteLine($"Refused by guard {violation}");
                }

                error.WriteLine($"Error: the plan was refused by {outcome.Violations.Count} guard(s); nothing was changed in any registration.");
                return ExitCodes.Error;

            case ReconcileStatus.PlanMismatch:
                WriteMismatch(error, outcome);
                return ExitCodes.Error;

            case ReconcileStatus.ClaimRefused:
                error.WriteLine($"Error: {Commands.Options.OptionNames.Text(outcome.Error!)} Nothing was changed.");
                return ExitCodes.Error;

            case ReconcileStatus.NotApproved:
            case ReconcileStatus.Drift:
                return ExitCodes.Error;

            case ReconcileStatus.Interrupted when outcome.Applied is null:
                error.WriteLine(CommandBoundary.CancelledMessage);
                return ExitCodes.Interrupted;
        }

        if (outcome.Applied is { } applied)
        {
            ApplyReport.Write(io.Output, applied);
            if (applied.StoppedBy is { } noToken)
            {
                CommandBoundary.WriteError(error, noToken, verbosity);
                error.WriteLine("The apply stopped: a request could not get a token, so it was not sent and no new write was started; the changes not attempted are listed above. Fix the credential, then re-run to converge.");
                return ExitCodes.Error;
            }
        }

        if (outcome.Status == ReconcileStatus.Interrupted || cancelled)
        {
            error.WriteLine(outcome.Applied?.Results.Any(ApplyReport.IsUnknown) == true
                ? $"Error: apply was aborted: the requests in flight were cancelled, and their outcome is unknown ({ApplyReport.UnknownLabel} above); nothing else was started. Run plan to see where they stand, then re-run to converge."
                : "Error: apply was interrupted: the requests in flight finished and are reported above; nothing new was started. Re-run to converge.");
            return ExitCodes.Interrupted;
        }

        if (outcome.After is { } after)
        {
            var s = after.Summary;
            io.Output.WriteLine(outcome.Status == ReconcileStatus.Applied
                ? undo ? UndoConverged : "Converged: the live registrations match the desired state."
                : $"Not converged: a fresh plan still has {s.Add} to add, {s.Overwrite} to overwrite, {s.Remove} to remove.");
        }
        else if (outcome.Error is { } relist)
        {
            CommandBoundary.WriteError(error, relist, verbosity);
            error.WriteLine("The writes above were made, but the live state could not be listed again to check convergence. Run plan to see where it stands.");
        }

        return outcome.Status == ReconcileStatus.Applied ? ExitCodes.Success : ExitCodes.Error;
    }

    private static void WriteMismatch(TextWriter error, ReconcileOutcome outcome)
    {
        if (outcome.Error is { } derivation)
        {
            error.WriteLine($"Error: {derivation.Message}");
            error.WriteLine("Error: the saved plan could not be re-derived; nothing was changed.");
            return;
        }

        if (outcome.Stale.Count > 0)
        {
            error.WriteLine($"The live state of {string.Join(", ", outcome.Stale.Select(r => r.Name))} changed since the plan was made. What a fresh plan would do differently:");
        }
        else
        {
            error.WriteLine("The saved plan is not the plan that tenants.yaml and the live state give now (was it edited by hand?). The differences:");
        }

        // A stale plan: only what a fresh plan would do differently. An unchanged row is no difference to act on (the
        // adds this plan approved are unchanged once someone applied them); a hand-edited plan shows every row.
        var shown = outcome.Stale.Count > 0 && outcome.Mismatch is { } stale ? stale.WithoutUnchanged() : outcome.Mismatch;
        if (shown is { IsEmpty: false } delta)
        {
            PlanDeltaText.Write(delta, error);
        }
        else
        {
            error.WriteLine("  (the same changes, but from a different live state or registration set)");
        }

        error.WriteLine("Error: the saved plan is stale or does not match; nothing was changed. Review the differences above and run plan again.");
    }
}
