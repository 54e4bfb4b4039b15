using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace TenantReconciler.Live;

/// <summary>
/// <c>-v diagnostic</c>'s HTTP trace, as <c>az --debug</c> shows it: one line per attempt with the method, the URL
/// (through <see cref="SafeUrl"/>), the status, ARM's request ids and the time it took. It never prints a header's
/// value other than those ids: no token, no cookie, nothing a proxy might have added.
/// </summary>
internal sealed class HttpTracePolicy(Action<string> trace, TimeProvider time) : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: true);

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        var started = time.GetTimestamp();
        var what = $"HTTP {message.Request.Method} {SafeUrl.Redact(message.Request.Uri.ToString())}";
        var attempt = message.ProcessingContext.RetryNumber > 0
            ? string.Create(CultureInfo.InvariantCulture, $", retry {message.ProcessingContext.RetryNumber}")
            : string.Empty;
        try
        {
            if (async)
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            else
            {
                ProcessNext(message, pipeline);
            }
        }
        catch (Exception e)
        {
            trace($"{what} -> no response ({OutsideText.Sanitize(e.GetBaseException().Message)}) in {Milliseconds(started)}{attempt}");
            throw;
        }

        var response = message.Response;
        trace($"{what} -> {response.Status} {OutsideText.Sanitize(response.ReasonPhrase)} in {Milliseconds(started)} " +
            $"(x-ms-request-id: {Header(response, "x-ms-request-id")}, x-ms-correlation-request-id: {Header(response, "x-ms-correlation-request-id")}{attempt})");
    }

    private string Milliseconds(long started) =>
        string.Create(CultureInfo.InvariantCulture, $"{time.GetElapsedTime(started).TotalMilliseconds:0} ms");

    private static string Header(Azure.Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? OutsideText.Sanitize(value) : "none";
}
