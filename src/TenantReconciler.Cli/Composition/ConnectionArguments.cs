namespace TenantReconciler.Cli.Composition;

/// <summary>
/// How to reach ARM, as given on the command line. <see cref="EmulatorStatePath"/> is set when <c>--emulator</c> was
/// given (with its file, or the default example state). <see cref="ApplicationId"/>, when set, prefixes the User-Agent
/// sent to ARM (Azure.Core's <c>ApplicationId</c>: at most 24 characters, no spaces), e.g. to tell replicas apart.
/// </summary>
public sealed record ConnectionArguments(
    string? EmulatorStatePath,
    AuthKind? Auth,
    Uri? ArmEndpoint,
    string? CaCertPath,
    string? ApplicationId = null)
{
    public bool UseEmulator => EmulatorStatePath is not null;

    /// <summary>
    /// The one rule for the credential of every request a command sends (ARM, the journal, the lock, the lease):
    /// <c>--auth</c> when given, else the emulator's with <c>--emulator</c>, else <see cref="AuthKind.Default"/>.
    /// </summary>
    public AuthKind EffectiveAuth => Auth ?? (UseEmulator ? AuthKind.Emulator : AuthKind.Default);

    /// <summary>
    /// With <c>--emulator</c> and no STATEFILE: the example state that seeds the git-ignored copy in
    /// <see cref="EmulatorStatePath"/> when the copy does not exist yet (read, never written). Null for a STATEFILE.
    /// </summary>
    public string? EmulatorSeedPath { get; init; }

    /// <summary><c>--emulator-reset</c>: discard the copy first and start again from <see cref="EmulatorSeedPath"/>.</summary>
    public bool EmulatorReset { get; init; }
}
