using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TenantReconciler.Smoke;

/// <summary>
/// A loopback webhook receiver for <c>watch --notify</c>: Kestrel on 127.0.0.1 (a free port, HTTP/1.1 keep-alive, as a
/// webhook receiver is), recording every POST (its path, content type and body) and answering 204.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<Request> _requests = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;
    private int _port;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver._app = app;
        receiver._port = new Uri(address).Port;
        return receiver;
    }

    public string Url(string path) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}{path}");

    /// <summary>Whether <paramref name="count"/> requests to <paramref name="path"/> came within <paramref name="timeout"/> (a hang guard).</summary>
    public async Task<bool> WaitAsync(string path, int count, TimeSpan timeout)
    {
        using var guard = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_requests.Count(r => r.Path == path) >= count)
                {
                    return true;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(guard.Token);
            }
            catch (OperationCanceledException) when (guard.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    /// <summary>The requests to <paramref name="path"/> so far, in the order received, forgotten by the receiver.</summary>
    public IReadOnlyList<Request> Take(string path)
    {
        lock (_lock)
        {
            var taken = _requests.Where(r => r.Path == path).ToList();
            _requests.RemoveAll(r => r.Path == path);
            return taken;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var contentType = context.Request.Headers.ContentType is { Count: > 0 } value ? value.ToString() : null;
        lock (_lock)
        {
            _requests.Add(new Request(target, contentType, body.ToArray()));
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.SetResult();
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>One POST: its request target, its Content-Type (null when none) and its body.</summary>
    public sealed record Request(string Path, string? ContentType, byte[] Body);
}
