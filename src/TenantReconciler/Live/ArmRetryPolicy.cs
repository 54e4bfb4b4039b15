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
    private readonly TimeProvider _time;

    /// <param name="maxRetries">Retries of server errors and transport failures.</param>
    /// <param name="delayStrategy">The back-off between attempts.</param>
    /// <param name="maxRetryWait">The longest server-requested wait that is honoured.</param>
    /// <param name="maxThrottleRetries">
    /// Retries of 429 responses. ARM says when to come back, so a throttling storm is waited out (each wait bounded by
    /// <paramref name="maxRetryWait"/>) rather than failing the change after the few retries that suit a broken server.
    /// </param>
    /// <param name="time">The clock an HTTP-date <c>Retry-After</c> is read against.</param>
    public ArmRetryPolicy(int maxRetries, DelayStrategy delayStrategy, TimeSpan maxRetryWait, int maxThrottleRetries, TimeProvider time)
        : base(Math.Max(maxRetries, maxThrottleRetries), delayStrategy)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        ArgumentOutOfRangeException.ThrowIfNegative(maxThrottleRetries);
        ArgumentNullException.ThrowIfNull(delayStrategy);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRetryWait, TimeSpan.Zero);
        MaxRetryWait = maxRetryWait;
        MaxRetries = maxRetries;
        MaxThrottleRetries = maxThrottleRetries;
    }

    public TimeSpan MaxRetryWait { get; }

    public int MaxRetries { get; }

    public int MaxThrottleRetries { get; }

    /// <remarks>A TLS handshake that failed (an untrusted certificate) is never retried: the answer would be the same.</remarks>
    protected override async ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        !ArmRequestSender.IsTlsFailure(exception)
        && await base.ShouldRetryAsync(message, exception).ConfigureAwait(false) && WithinBudget(message, exception) && !RefuseLongWait(message, exception);

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        !ArmRequestSender.IsTlsFailure(exception)
        && base.ShouldRetry(message, exception) && WithinBudget(message, exception) && !RefuseLongWait(message, exception);

    private bool WithinBudget(HttpMessage message, Exception? exception)
    {
        var throttled = exception is null && message.HasResponse && message.Response.Status == 429;
        return message.ProcessingContext.RetryNumber < (throttled ? MaxThrottleRetries : MaxRetries);
    }

    /// <summary>The server's wait, the way Azure.Core's delay strategy reads it, against the limit.</summary>
    private bool RefuseLongWait(HttpMessage message, Exception? exception)
    {
        if (exception is not null || !message.HasResponse || RetryAfterHeader.Read(message.Response.Headers, _time.GetUtcNow()) is not { } retryAfter
            || retryAfter <= MaxRetryWait)
        {
            return false;
        }

        message.SetProperty(typeof(RetryAfterRefusal), new RetryAfterRefusal(retryAfter, MaxRetryWait));
        return true;
    }
}

/// <summary>
/// Exponential back-off, except after a 429 that carries a server-requested wait: then exactly that wait (Azure.Core
/// takes the larger of the server's wait and this delay), so a long throttling storm does not grow the back-off to its cap.
/// </summary>
public sealed class ArmDelayStrategy : DelayStrategy
{
    private readonly TimeSpan _initial;
    private readonly TimeProvider _time;

    /// <param name="time">The clock an HTTP-date <c>Retry-After</c> is read against.</param>
    public ArmDelayStrategy(TimeSpan initial, TimeSpan maxDelay, TimeProvider time)
        : base(maxDelay)
    {
        ArgumentNullException.ThrowIfNull(time);
        _initial = initial;
        _time = time;
    }

    protected override TimeSpan GetNextDelayCore(Azure.Response? response, int retryNumber)
    {
        if (response is { Status: 429 } && RetryAfterHeader.Read(response.Headers, _time.GetUtcNow()) is not null)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Clamp(retryNumber - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(_initial.Ticks * factor, TimeSpan.MaxValue.Ticks / 2.0));
    }
}

/// <summary>Set on a message whose retry <see cref="ArmRetryPolicy"/> refused because the server asked for too long a wait.</summary>
internal sealed record RetryAfterRefusal(TimeSpan RetryAfter, TimeSpan MaxRetryWait)
{
    public static RetryAfterRefusal? Of(HttpMessage message) =>
        message.TryGetProperty(typeof(RetryAfterRefusal), out var value) ? value as RetryAfterRefusal : null;

    public OptionText Describe() =>
        OptionText.Of($"ARM asked to retry after {Seconds(RetryAfter)}, more than {UserOption.MaxRetryWait} {Seconds(MaxRetryWait)}; giving up on this change.");

    private static string Seconds(TimeSpan value) =>
        value.TotalSeconds.ToString(value.TotalSeconds >= 10 ? "0" : "0.###", CultureInfo.InvariantCulture) + " s";
}
