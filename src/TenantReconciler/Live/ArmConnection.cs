using System.Security.Cryptography.X509Certificates;

namespace TenantReconciler.Live;

/// <summary>
/// Where and how to reach ARM. <see cref="Endpoint"/> is the only host a token is ever sent to: a <c>nextLink</c>
/// elsewhere is refused. <see cref="TrustedCertificate"/> is one extra certificate trusted for that endpoint only
/// (for example the emulator's), on top of the system store; validation is never turned off.
/// </summary>
public sealed record ArmConnection(
    Uri Endpoint,
    string ApiVersion,
    string Scope,
    X509Certificate2? TrustedCertificate = null)
{
    /// <summary>How the host spells the settings a failure's message points to (the CLI's flags; neutral by default).</summary>
    public IOptionNames OptionNames { get; init; } = NeutralOptionNames.Instance;
}
