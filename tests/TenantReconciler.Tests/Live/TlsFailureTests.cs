using System.Net.Sockets;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// A certificate the client does not trust is no transient failure: no retry will change the answer, so it fails at
/// once (one connection, not one per retry and 27 s of back-off) with the fix, "pass --ca-cert FILE for this endpoint".
/// </summary>
public sealed class TlsFailureTests
{
    [Fact]
    public async Task Plan_EndpointCertificateNotTrusted_OneConnectionAndTheCaCertHint()
    {
        // Arrange: the emulator behind a loopback TCP relay that counts connections; no --ca-cert.
        await using var bed = await CliTestBed.StartAsync();
        await using var relay = CountingRelay.Start(bed.Emulator.BaseUri.Port);

        // Act: one listing at a time, so the first failure is the only request (a retry would open another connection).
        var result = await CliRunner.RunAsync(
            "plan", "-f", RepoFiles.Path("tenants.yaml"), "--parallelism", "1", "--arm-endpoint", $"https://127.0.0.1:{relay.Port}/", "--auth", "emulator");

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("the TLS handshake failed", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("pass --ca-cert FILE for this endpoint", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, relay.Connections);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public void IsTransient_TlsHandshakeFailed_False()
    {
        // Arrange
        var error = new TenantReconciler.Live.ArmRequestException("x", 0, TenantReconciler.Live.ArmRequestException.TlsFailureCode, null, null);

        // Act + Assert: a watch stalls on it instead of backing off and retrying.
        Assert.False(error.IsTransient);
        Assert.True(new TenantReconciler.Live.ArmRequestException("no response", 0, null, null, null).IsTransient);
    }

    /// <summary>Accepts on loopback and pipes each connection to the target port, counting them.</summary>
    private sealed class CountingRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly int _target;
        private Task _loop = Task.CompletedTask;
        private int _connections;

        private CountingRelay(int target) => _target = target;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref _connections);

        public static CountingRelay Start(int target)
        {
            var relay = new CountingRelay(target);
            relay._listener.Start();
            relay._loop = relay.AcceptAsync();
            return relay;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                _ = PipeAsync(client);
            }
        }

        private async Task PipeAsync(TcpClient client)
        {
            using (client)
            using (var server = new TcpClient())
            {
                try
                {
                    await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                    var a = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
                    var b = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                    await Task.WhenAny(a, b);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }
        }
    }
}
