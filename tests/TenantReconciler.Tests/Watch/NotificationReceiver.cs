using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;

namespace TenantReconciler.Tests.Watch;

/// <summary>
/// A real webhook receiver: Kestrel on 127.0.0.1 (a free port), recording every POST in order. <see cref="Respond"/>
/// scripts the status code per request (and may await a gate); by default 200.
/// </summary>
public sealed class NotificationReceiver : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly WebApplication _app;
    private readonly Channel<Received> _channel = Channel.CreateUnbounded<Received>();
    private readonly ConcurrentQueue<Received> _all = new();
    private int _count;

    private NotificationReceiver(WebApplication app) => _app = app;

    /// <summary>The webhook URL: its path and query stand for the secret a real webhook URL carries.</summary>
    public Uri Url { get; private set; } = null!;

    public const string Secret = "T0SECRET/B0SECRET/xoxb-s3cr3t";

    /// <summary>Called per request (0-based): the status code to answer.</summary>
    public Func<int, Task<int>> Respond { get; set; } = _ => Task.FromResult(200);

    public IReadOnlyList<Received> All => [.. _all];

    public static async Task<NotificationReceiver> StartAsync()
    {
        var app = LoopbackServer.Create();
        var receiver = new NotificationReceiver(app);
        app.Run(async context =>
        {
            var number = Interlocked.Increment(ref receiver._count) - 1;
            using var reader = new StreamReader(context.Request.Body);
            var received = new Received(number, context.Request.Method, context.Request.ContentType ?? "", await reader.ReadToEndAsync(context.RequestAborted));
            var status = await receiver.Respond(number);
            received = received with { Status = status };
            receiver._all.Enqueue(received);
            context.Response.StatusCode = status;
            await context.Response.CompleteAsync();
            receiver._channel.Writer.TryWrite(received);
        });
        receiver.Url = new Uri(await LoopbackServer.StartAsync(app), "/services/" + Secret + "?token=s3cr3t");
        return receiver;
    }

    /// <summary>The next request received (whatever was answered).</summary>
    public async Task<Received> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return await _channel.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no notification within {Timeout}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Received(int Number, string Method, string ContentType, string Body)
    {
        public int Status { get; init; }
    }
}
