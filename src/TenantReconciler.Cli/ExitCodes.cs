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
    /// A bug: an unexpected exception reached the command boundary (EX_SOFTWARE of sysexits.h). Expected failures,
    /// cancellation included, are <see cref="Error"/>.
    /// </summary>
    public const int InternalError = 70;
}
