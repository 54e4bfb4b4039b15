namespace TenantReconciler.Cli.Composition;

/// <summary>
/// How to reach ARM, as given on the command line. <see cref="EmulatorStatePath"/> is set when <c>--emulator</c> was
/// given (with its file, or the default example state).
/// </summary>
public sealed record ConnectionArguments(
    string? EmulatorStatePath,
    AuthKind? Auth,
    Uri? ArmEndpoint,
    string? CaCertPath)
{
    public bool UseEmulator => EmulatorStatePath is not null;
}
