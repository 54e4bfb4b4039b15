using System.Text;

namespace TenantReconciler.Smoke;

/// <summary>GET on a loopback endpoint of the tool (watch's /healthz, /status, ...), with no proxy in between.</summary>
internal sealed class LoopbackHttp : IDisposable
{
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The status, the Content-Type as sent (null when none) and the body, whatever the status.</summary>
    public async Task<(int Status, string? ContentType, string Body)> GetAsync(string url)
    {
        using var response = await _client.GetAsync(new Uri(url));
        var contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : null;
        var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        return ((int)response.StatusCode, contentType, body);
    }

    public void Dispose() => _client.Dispose();
}
