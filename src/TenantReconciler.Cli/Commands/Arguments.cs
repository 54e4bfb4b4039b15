using TenantReconciler.Cli.Composition;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Commands;

public sealed record ValidateArguments(string File);

public sealed record PlanArguments(string File, string Output, bool DetailedExitCode, string? Out, ConnectionArguments Connection);

/// <summary>How much a run may prune, and how hard it may push ARM. None of these can come from tenants.yaml.</summary>
public sealed record ApplySafety(
    GuardOverrides Guards,
    int Parallelism,
    TimeSpan MaxRetryWait,
    string Journal,
    LeaseArguments? Lock = null,
    TimeSpan LockWait = default);

/// <summary><paramref name="FileGiven"/>: -f was on the command line (with a saved plan, its hash must match).</summary>
public sealed record ApplyArguments(
    string File,
    bool FileGiven,
    string? PlanFile,
    bool AutoApprove,
    ApplySafety Safety,
    ConnectionArguments Connection);

public sealed record UndoArguments(string File, string Journal, string Out, string Output, ConnectionArguments Connection);

public sealed record EmulatorArguments(
    int Port,
    string? StatePath,
    string? CertOut,
    int PageSize,
    Emulator.OverwriteSemantics OverwriteSemantics,
    int PutStatus,
    string? FaultsPath = null,
    int? WriteLatencyMs = null,
    Emulator.TokenBucketLimit? ThrottleReads = null,
    Emulator.TokenBucketLimit? ThrottleWrites = null,
    Emulator.TokenBucketLimit? ThrottleDeletes = null,
    int? Seed = null);
