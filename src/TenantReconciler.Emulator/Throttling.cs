using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace TenantReconciler.Emulator;

/// <summary>
/// One token bucket: <see cref="Burst"/> tokens when full, refilled at <see cref="RefillPerSecond"/>. A request
/// takes one token; an empty bucket answers 429.
/// </summary>
public sealed record TokenBucketLimit(int Burst, double RefillPerSecond)
{
    /// <summary>"BURST:RATE", for example <c>200:10</c> (invariant culture); the format of <c>--throttle-writes</c>.</summary>
    public static bool TryParse(string? text, out TokenBucketLimit? limit)
    {
        limit = null;
        var parts = text?.Split(':') ?? [];
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var burst)
            || !double.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate))
        {
            return false;
        }

        var parsed = new TokenBucketLimit(burst, rate);
        if (parsed.Problem() is not null)
        {
            return false;
        }

        limit = parsed;
        return true;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Burst} burst, {RefillPerSecond}/s");

    internal string? Problem() =>
        Burst < 1 ? "Burst must be at least 1."
        : !double.IsFinite(RefillPerSecond) || RefillPerSecond <= 0 ? "RefillPerSecond must be a positive number."
        : null;
}

/// <summary>
/// ARM's subscription throttling: one token bucket per category (reads: GET and HEAD; writes: PUT, PATCH and POST;
/// deletes: DELETE) per subscription in the request path. A null bucket is unlimited and keeps the constant
/// <c>x-ms-ratelimit-remaining-subscription-*</c> header.
/// </summary>
public sealed record ThrottlingOptions
{
    /// <summary>The public cloud's limits (per subscription and principal): writes and deletes 200 burst, 10/s; reads 250 burst, 25/s.</summary>
    public static ThrottlingOptions PublicCloud { get; } = new()
    {
        Reads = new TokenBucketLimit(250, 25),
        Writes = new TokenBucketLimit(200, 10),
        Deletes = new TokenBucketLimit(200, 10),
    };

    public TokenBucketLimit? Reads { get; init; }

    public TokenBucketLimit? Writes { get; init; }

    public TokenBucketLimit? Deletes { get; init; }

    internal TokenBucketLimit? LimitFor(QuotaCategory category) => category switch
    {
        QuotaCategory.Reads => Reads,
        QuotaCategory.Writes => Writes,
        _ => Deletes,
    };

    internal void Validate()
    {
        foreach (var (name, limit) in new[] { (nameof(Reads), Reads), (nameof(Writes), Writes), (nameof(Deletes), Deletes) })
        {
            if (limit?.Problem() is { } problem)
            {
                throw new ArgumentOutOfRangeException(nameof(EmulatorOptions.Throttling), limit, $"Throttling.{name}: {problem}");
            }
        }
    }
}

/// <summary>The three quotas ARM reports, by HTTP method.</summary>
internal enum QuotaCategory
{
    Reads,
    Writes,
    Deletes,
}

internal static class Quota
{
    public static QuotaCategory? CategoryOf(string method) => method switch
    {
        _ when HttpMethods.IsGet(method) || HttpMethods.IsHead(method) => QuotaCategory.Reads,
        _ when HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsPost(method) => QuotaCategory.Writes,
        _ when HttpMethods.IsDelete(method) => QuotaCategory.Deletes,
        _ => null,
    };

    public static string HeaderName(QuotaCategory category) => category switch
    {
        QuotaCategory.Reads => "x-ms-ratelimit-remaining-subscription-reads",
        QuotaCategory.Writes => "x-ms-ratelimit-remaining-subscription-writes",
        _ => "x-ms-ratelimit-remaining-subscription-deletes",
    };

    /// <summary>ARM's word for the category in its throttling message.</summary>
    public static string OperationType(QuotaCategory category) => category switch
    {
        QuotaCategory.Reads => "Read",
        QuotaCategory.Writes => "Write",
        _ => "Delete",
    };
}

/// <summary>
/// The token buckets behind <see cref="EmulatorOptions.Throttling"/>, keyed by subscription and category, on the
/// injected clock. A request that finds its bucket empty is answered 429 here and never reaches the handlers.
/// </summary>
internal sealed class ArmThrottle(ThrottlingOptions options, TimeProvider time)
{
    // Tolerance for refill arithmetic in doubles: 10 s at 0.1/s must give exactly one token, not 0.9999999999.
    private const double Epsilon = 1e-9;

    private readonly Lock gate = new();
    private readonly Dictionary<(string Subscription, QuotaCategory Category), Bucket> buckets = [];
    private int throttled;

    public int ThrottledCount => Volatile.Read(ref throttled);

    public Task ThrottleAsync(HttpContext context, RequestDelegate next)
    {
        if (Quota.CategoryOf(context.Request.Method) is not { } category
            || options.LimitFor(category) is not { } limit
            || SubscriptionOf(context.Request.Path) is not { } subscription)
        {
            return next(context);
        }

        var (taken, remaining, retryAfter) = Take(subscription, category, limit);
        var headers = context.Response.Headers;
        headers[Quota.HeaderName(category)] = remaining.ToString(CultureInfo.InvariantCulture);
        if (taken)
        {
            return next(context);
        }

        Interlocked.Increment(ref throttled);
        headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return ArmResponses.WriteErrorAsync(context, new ArmError(
            StatusCodes.Status429TooManyRequests,
            "TooManyRequests",
            $"The request is being throttled as the limit has been reached for operation type - {Quota.OperationType(category)}. For more information, see - https://aka.ms/armthrottling"));
    }

    /// <summary>Refills, then takes one token. Remaining is after the take; retry-after (whole seconds, at least 1) when none was left.</summary>
    private (bool Taken, long Remaining, long RetryAfterSeconds) Take(string subscription, QuotaCategory category, TokenBucketLimit limit)
    {
        var now = time.GetTimestamp();
        lock (gate)
        {
            if (!buckets.TryGetValue((subscription, category), out var bucket))
            {
                bucket = new Bucket { Tokens = limit.Burst, Stamp = now };
                buckets[(subscription, category)] = bucket;
            }

            var elapsed = Math.Max(0, time.GetElapsedTime(bucket.Stamp, now).TotalSeconds);
            bucket.Tokens = Math.Min(limit.Burst, bucket.Tokens + (elapsed * limit.RefillPerSecond));
            bucket.Stamp = now;
            if (bucket.Tokens >= 1 - Epsilon)
            {
                bucket.Tokens = Math.Max(0, bucket.Tokens - 1);
                return (true, (long)Math.Floor(bucket.Tokens + Epsilon), 0);
            }

            var wait = (1 - bucket.Tokens) / limit.RefillPerSecond;
            return (false, 0, Math.Max(1, (long)Math.Ceiling(wait - Epsilon)));
        }
    }

    /// <summary>The subscription of <c>/subscriptions/{id}/…</c> (a GUID in one spelling), or null for any other path.</summary>
    private static string? SubscriptionOf(PathString path)
    {
        var segments = path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (segments.Length < 2 || !segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var id = segments[1];
        return Guid.TryParse(id, out var guid) ? guid.ToString("D") : id.ToUpperInvariant();
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Stamp { get; set; }
    }
}
