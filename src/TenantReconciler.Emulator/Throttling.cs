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
/// <c>x-ms-ratelimit-remaining-subscription-*</c> header. The <c>Global…</c> buckets are ARM's limit shared by every
/// principal (15× the per-principal one in the public cloud): when set, they throttle too and report
/// <c>x-ms-ratelimit-remaining-subscription-global-*</c>; a request needs a token of both.
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

    /// <summary>The reads limit shared by every principal; null sends no <c>-global-reads</c> header.</summary>
    public TokenBucketLimit? GlobalReads { get; init; }

    public TokenBucketLimit? GlobalWrites { get; init; }

    public TokenBucketLimit? GlobalDeletes { get; init; }

    internal TokenBucketLimit? LimitFor(QuotaCategory category) => category switch
    {
        QuotaCategory.Reads => Reads,
        QuotaCategory.Writes => Writes,
        _ => Deletes,
    };

    internal TokenBucketLimit? GlobalLimitFor(QuotaCategory category) => category switch
    {
        QuotaCategory.Reads => GlobalReads,
        QuotaCategory.Writes => GlobalWrites,
        _ => GlobalDeletes,
    };

    internal void Validate()
    {
        foreach (var (name, limit) in new[]
        {
            (nameof(Reads), Reads), (nameof(Writes), Writes), (nameof(Deletes), Deletes),
            (nameof(GlobalReads), GlobalReads), (nameof(GlobalWrites), GlobalWrites), (nameof(GlobalDeletes), GlobalDeletes),
        })
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

    public static string GlobalHeaderName(QuotaCategory category) => category switch
    {
        QuotaCategory.Reads => "x-ms-ratelimit-remaining-subscription-global-reads",
        QuotaCategory.Writes => "x-ms-ratelimit-remaining-subscription-global-writes",
        _ => "x-ms-ratelimit-remaining-subscription-global-deletes",
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
/// The token buckets behind <see cref="EmulatorOptions.Throttling"/>, keyed by subscription, category and scope
/// (per principal or global), on the injected clock. A request that finds one of its buckets empty is answered 429 here
/// and never reaches the handlers (and takes no token of the other). With <paramref name="sendHeaders"/> false no
/// remaining-count header is sent, as by a proxy or an on-premises ARM.
/// </summary>
internal sealed class ArmThrottle(ThrottlingOptions options, TimeProvider time, bool sendHeaders = true)
{
    // Tolerance for refill arithmetic in doubles: 10 s at 0.1/s must give exactly one token, not 0.9999999999.
    private const double Epsilon = 1e-9;

    private readonly Lock gate = new();
    private readonly Dictionary<(string Subscription, QuotaCategory Category, bool Global), Bucket> buckets = [];
    private int throttled;

    public int ThrottledCount => Volatile.Read(ref throttled);

    public Task ThrottleAsync(HttpContext context, RequestDelegate next)
    {
        if (Quota.CategoryOf(context.Request.Method) is not { } category
            || (options.LimitFor(category) is null && options.GlobalLimitFor(category) is null)
            || SubscriptionOf(context.Request.Path) is not { } subscription)
        {
            return next(context);
        }

        var (taken, own, global, retryAfter) = Take(subscription, category, options.LimitFor(category), options.GlobalLimitFor(category));
        var headers = context.Response.Headers;
        if (sendHeaders)
        {
            if (own is { } remaining)
            {
                headers[Quota.HeaderName(category)] = remaining.ToString(CultureInfo.InvariantCulture);
            }

            if (global is { } globalRemaining)
            {
                headers[Quota.GlobalHeaderName(category)] = globalRemaining.ToString(CultureInfo.InvariantCulture);
            }
        }

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

    /// <summary>
    /// Refills both buckets (each one that is configured), then takes one token of each if both have one. Remaining is
    /// after the take (null for a bucket not configured); retry-after (whole seconds, at least 1) when one was empty.
    /// </summary>
    private (bool Taken, long? Own, long? Global, long RetryAfterSeconds) Take(string subscription, QuotaCategory category, TokenBucketLimit? own, TokenBucketLimit? global)
    {
        var now = time.GetTimestamp();
        lock (gate)
        {
            var ownBucket = own is null ? null : Refilled((subscription, category, false), own, now);
            var globalBucket = global is null ? null : Refilled((subscription, category, true), global, now);
            var wait = Math.Max(Wait(ownBucket, own), Wait(globalBucket, global));
            if (wait > 0)
            {
                return (false, Floor(ownBucket), Floor(globalBucket), Math.Max(1, (long)Math.Ceiling(wait - Epsilon)));
            }

            foreach (var bucket in new[] { ownBucket, globalBucket })
            {
                if (bucket is not null)
                {
                    bucket.Tokens = Math.Max(0, bucket.Tokens - 1);
                }
            }

            return (true, Floor(ownBucket), Floor(globalBucket), 0);
        }

        static long? Floor(Bucket? bucket) => bucket is null ? null : (long)Math.Floor(bucket.Tokens + Epsilon);

        // Seconds until the bucket holds a whole token; 0 when it does (or is not configured).
        static double Wait(Bucket? bucket, TokenBucketLimit? limit) =>
            bucket is null || limit is null || bucket.Tokens >= 1 - Epsilon ? 0 : (1 - bucket.Tokens) / limit.RefillPerSecond;
    }

    private Bucket Refilled((string, QuotaCategory, bool) key, TokenBucketLimit limit, long now)
    {
        if (!buckets.TryGetValue(key, out var bucket))
        {
            bucket = new Bucket { Tokens = limit.Burst, Stamp = now };
            buckets[key] = bucket;
        }

        var elapsed = Math.Max(0, time.GetElapsedTime(bucket.Stamp, now).TotalSeconds);
        bucket.Tokens = Math.Min(limit.Burst, bucket.Tokens + (elapsed * limit.RefillPerSecond));
        bucket.Stamp = now;
        return bucket;
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
