using System.Net.Sockets;

namespace TenantReconciler.Tests.Leasing;

/// <summary>
/// A loopback TCP proxy in front of a service (Azurite), which the test can cut: once <see cref="Cut"/> is called,
/// no byte gets through in either direction, on the connections already open (a pooled keep-alive one too) and on new
/// ones, and nothing is refused either — the service simply stops answering, as a storage account behind a dead
/// network does. <see cref="Restore"/> drops the frozen connections and forwards new ones again.
/// </summary>
public sealed class CuttableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly DnsEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _accepting;
    private volatile bool _cut;

    private CuttableProxy(Uri upstream)
    {
        _upstream = new DnsEndPoint(upstream.Host, upstream.Port);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect: <c>http://127.0.0.1:PORT</c>.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes when the first bytes were held back because the proxy is cut (a request is hanging).</summary>
    public Task Held => _held.Task;

    /// <summary>A proxy for <paramref name="upstream"/>'s host and port.</summary>
    public static CuttableProxy Start(Uri upstream) => new(upstream);

    /// <summary><paramref name="endpoint"/> with its host and port replaced by the proxy's.</summary>
    public Uri Through(Uri endpoint) => new UriBuilder(endpoint) { Host = "127.0.0.1", Port = Port }.Uri;

    public void Cut() => _cut = true;

    public void Restore()
    {
        _cut = false;
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections.Keys)
        {
            connection.Close();
        }

        try
        {
            await _accepting;
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
            var connection = new Connection(client);
            _connections[connection] = 0;
            _ = RunAsync(connection);
        }
    }

    private async Task RunAsync(Connection connection)
    {
        try
        {
            if (!_cut)
            {
                await connection.Upstream.ConnectAsync(_upstream.Host, _upstream.Port, connection.Closed);
            }

            var client = connection.Client.GetStream();
            var upstream = _cut ? null : connection.Upstream.GetStream();
            await Task.WhenAll(PumpAsync(client, upstream, connection), upstream is null ? Task.CompletedTask : PumpAsync(upstream, client, connection));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            connection.Close();
            _connections.TryRemove(connection, out _);
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until cut; then holds the bytes until the connection is closed.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream? to, Connection connection)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, connection.Closed);
            if (read == 0)
            {
                return;
            }

            if (_cut || to is null)
            {
                _held.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, connection.Closed);
            }

            await to!.WriteAsync(buffer.AsMemory(0, read), connection.Closed);
        }
    }

    private sealed class Connection(TcpClient client)
    {
        private readonly CancellationTokenSource _closed = new();

        public TcpClient Client { get; } = client;

        public TcpClient Upstream { get; } = new();

        public CancellationToken Closed => _closed.Token;

        public void Close()
        {
            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }

            Client.Dispose();
            Upstream.Dispose();
        }
    }
}
