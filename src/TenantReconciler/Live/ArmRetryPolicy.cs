using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace TenantReconciler.Live;

/// <summary>
/// Azure.Core's retry policy (408, 429, 500, 502, 503, 504 and transport failures; exponential back-off; a
/// <c>Retry-After</c>, <c>retry-after-ms</c> or <c>x-ms-retry-after-ms</c> honoured) with one change: when the server asks
/// for a wait longer than <see cref="MaxRetryWait"/>, the request is not retried and fails at once with that response.
/// The refusal is recorded on the message, and the client says why in its <see cref="ArmRequestException"/>.
/// </summary>
public sealed class ArmRetryPolicy : RetryPolicy
{
    public ArmRetryPolicy(int maxRetries, DelayStrategy delayStrategy, TimeSpan maxRetryWait)
        : base(maxRetries, delayStrategy)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentNullException.ThrowIfNull(delayStrategy);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetryWait, TimeSpan.Zero);
        MaxRetryWait = maxRetryWait;
    }

    public TimeSpan MaxRetryWait { get; }

    protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        await base.ShouldRetryAsync(message, exception).ConfigureAwait(false) && !RefuseLongWait(message, exception);

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        base.ShouldRetry(message, exception) && !RefuseLongWait(message, exception);

    /// <summary>The server's wait, the way Azure.Core's delay strategy reads it, against the limit.</summary>
    private bool RefuseLongWait(HttpMessage message, Exception? exception)
    {
        if (exception is not null || !message.HasResponse || RetryAfterHeader.Read(message.Response.Headers, DateTimeOffset.UtcNow) is not { } retryAfter
            || retryAfter <= MaxRetryWait)
        {
            return false;
        }

        message.SetProperty(typeof(RetryAfterRefusal), new RetryAfterRefusal(retryAfter, MaxRetryWait));
        return true;
    }
}

/// <summary>Set on a message whose retry <see cref="ArmRetryPolicy"/> refused because the server asked for too long a wait.</summary>
internal sealed record RetryAfterRefusal(TimeSpan RetryAfter, TimeSpan MaxRetryWait)
{
    public static RetryAfterRefusal? Of(HttpMessage message) =>
        message.TryGetProperty(typeof(RetryAfterRefusal), out var value) ? value as RetryAfterRefusal : null;

    public string Describe() =>
        $"ARM asked to retry after {Seconds(RetryAfter)}, more than --max-retry-wait {Seconds(MaxRetryWait)}; giving up on this change.";

    private static string Seconds(TimeSpan value) =>
        value.TotalSeconds.ToString(value.TotalSeconds >= 10 ? "0" : "0.###", CultureInfo.InvariantCulture) + " s";
}
