using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using static TenantReconciler.Tests.Emulator.ArmCalls;

namespace TenantReconciler.Tests.Emulator;

public sealed class ArmEmulatorHostingTests
{
    [Fact]
    public async Task StartAsync_PortZero_ListensOnLoopbackOnly()
    {
        // Act
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions());

        // Assert
        Assert.Equal("https", emulator.BaseUri.Scheme);
        Assert.Equal("127.0.0.1", emulator.BaseUri.Host);
        Assert.NotEqual(0, emulator.BaseUri.Port);
        Assert.Equal("/", emulator.BaseUri.AbsolutePath);
        Assert.True(await CanConnectAsync(IPAddress.Loopback, emulator.BaseUri.Port));
        foreach (var address in NonLoopbackAddresses())
        {
            Assert.False(await CanConnectAsync(address, emulator.BaseUri.Port), $"reachable on {address}");
        }
    }

    [Fact]
    public async Task StartAsync_Always_CreatesALoopbackCertificateUsableAsTrustAnchor()
    {
        // Act
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions());

        // Assert
        var certificate = emulator.Certificate;
        Assert.Equal("CN=TenantReconciler Emulator", certificate.Subject);
        Assert.False(certificate.HasPrivateKey);
        Assert.True(certificate.NotBefore.ToUniversalTime() < DateTime.UtcNow.AddHours(-23));
        Assert.True(certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddDays(364));
        var basicConstraints = Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(basicConstraints.CertificateAuthority);
        var alternativeNames = Assert.Single(certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal([IPAddress.Loopback], alternativeNames.EnumerateIPAddresses());
        Assert.Equal(["localhost"], alternativeNames.EnumerateDnsNames());
        using var fromPem = X509Certificate2.CreateFromPem(emulator.CertificatePem);
        Assert.Equal(certificate.RawData, fromPem.RawData);
    }

    [Fact]
    public async Task Pipeline_TrustingAnotherEmulatorsCertificate_RefusesTheConnection()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        await using var impostor = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = State() });
        var pipeline = EmulatorPipeline.Create(emulator, maxRetries: 0);

        // Act
        var exception = await Record.ExceptionAsync(() => GetAsync(pipeline, Url(impostor, CollectionPath())));

        // Assert
        var failure = Assert.IsType<Azure.RequestFailedException>(exception);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(failure.InnerException?.InnerException);
        Assert.Empty(impostor.Requests);
    }

    [Fact]
    public async Task DisposeAsync_CalledTwice_StopsTheServer()
    {
        // Arrange
        var emulator = await ArmEmulator.StartAsync(new EmulatorOptions());
        var port = emulator.BaseUri.Port;

        // Act
        await emulator.DisposeAsync();
        await emulator.DisposeAsync();

        // Assert
        Assert.False(await CanConnectAsync(IPAddress.Loopback, port));
    }

    [Theory]
    [InlineData(0, 200, 0)]
    [InlineData(10, 202, 0)]
    [InlineData(10, 204, 0)]
    [InlineData(10, 200, -1)]
    [InlineData(10, 200, 65536)]
    public async Task StartAsync_InvalidOptions_ThrowsArgumentOutOfRange(int pageSize, int putStatus, int port)
    {
        // Act
        var exception = await Record.ExceptionAsync(() => ArmEmulator.StartAsync(new EmulatorOptions { PageSize = pageSize, PutStatus = putStatus, Port = port }));

        // Assert
        Assert.IsAssignableFrom<ArgumentOutOfRangeException>(exception);
    }

    /// <summary>True when a TCP connection is accepted; refused, unreachable or no answer within 5 s is false.</summary>
    private static async Task<bool> CanConnectAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await client.ConnectAsync(address, port, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static IEnumerable<IPAddress> NonLoopbackAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal)
            .Append(IPAddress.IPv6Loopback);
}
