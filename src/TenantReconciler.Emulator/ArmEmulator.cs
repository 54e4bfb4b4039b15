using System.Security.Cryptography.X509Certificates;

namespace TenantReconciler.Emulator;

/// <summary>
/// A local ARM emulator for <c>Microsoft.AzureStack/registrations/*/customerSubscriptions</c>: ASP.NET Core minimal API
/// over Kestrel, HTTPS with an in-process self-signed certificate, bound to 127.0.0.1 only.
/// </summary>
public sealed class ArmEmulator : IAsyncDisposable
{
    private ArmEmulator()
    {
        throw new NotImplementedException();
    }

    /// <summary>https://127.0.0.1:{port}/ — the ARM endpoint to point a client at.</summary>
    public Uri BaseUri => throw new NotImplementedException();

    /// <summary>The server certificate (public part), to trust for <see cref="BaseUri"/>.</summary>
    public X509Certificate2 Certificate => throw new NotImplementedException();

    /// <summary>The certificate in PEM, as written by <c>--cert-out</c>.</summary>
    public string CertificatePem => throw new NotImplementedException();

    /// <summary>Every request received, in order (method, path and query, status).</summary>
    public IReadOnlyList<EmulatorRequest> Requests => throw new NotImplementedException();

    public static Task<ArmEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>A deep copy of the current state.</summary>
    public EmulatorState Snapshot() => throw new NotImplementedException();

    /// <summary>Replaces the state (tests use it to change things behind a client's back).</summary>
    public void Reset(EmulatorState state) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}

/// <summary>One request as the emulator saw it.</summary>
public sealed record EmulatorRequest(string Method, string PathAndQuery, int Status, DateTimeOffset Time);
