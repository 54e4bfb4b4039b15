namespace TenantReconciler.Cli;

/// <summary>Process exit codes. Documented in README.md.</summary>
public static class ExitCodes
{
    /// <summary>Success: valid file, plan computed, or apply converged.</summary>
    public const int Success = 0;

    /// <summary>Any failure: invalid input, a failed listing, a failed or unconfirmed apply, a refused guard.</summary>
    public const int Error = 1;

    /// <summary>With <c>plan --detailed-exitcode</c>: success, and the plan has changes; with <c>audit --detailed-exitcode</c>: leaks found.</summary>
    public const int Changes = 2;

    /// <summary>Interrupted by Ctrl+C (SIGINT) or SIGTERM: 128 + SIGINT, as shells and terraform report it.</summary>
    public const int Interrupted = 130;

    /// <summary>
    /// An unexpected exception reached the command boundary (EX_SOFTWARE of sysexits.h): a bug, or a failure of the
    /// machine the tool does not expect (out of memory, say). Expected failures are <see cref="Error"/>; a
    /// cancellation the command was asked for (Ctrl+C, SIGTERM) is <see cref="Interrupted"/>.
    /// </summary>
    public const int InternalError = 70;
}
