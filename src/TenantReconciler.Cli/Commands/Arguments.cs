using TenantReconciler.Cli.Composition;

namespace TenantReconciler.Cli.Commands;

public sealed record ValidateArguments(string File);

public sealed record PlanArguments(string File, string Output, bool DetailedExitCode, ConnectionArguments Connection);

public sealed record ApplyArguments(string File, bool AutoApprove, ConnectionArguments Connection);

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
