using System.Globalization;
using Azure.Core;
using Azure.Core.Pipeline;

namespace TenantReconciler.Live;

/// <summary>The ARM throttling buckets a request draws from.</summary>
public enum RateLimitCategory
{
    Reads,
    Writes,
    Deletes,
}

/// <summary>
/// Paces requests so that ARM's per-subscription throttling buckets do not run dry: every response's
/// <c>x-ms-ratelimit-remaining-subscription-writes</c> (PUT, PATCH, POST), <c>-deletes</c> (DELETE) or <c>-reads</c>
/// (GET, HEAD) is recorded, and before an attempt is sent it waits while its bucket is predicted to be at its reserve
/// (see <see cref="RateLimitBucket"/>). ARM's token-bucket throttling also sends
/// <c>x-ms-ratelimit-remaining-subscription-global-*</c> (a limit shared by every principal); when both are present the
/// lower one is paced on. A server that sends neither is not paced at all (nothing to pace on), only its 429s are honoured. A 429 that still arrives is learnt from (nothing goes before its
/// <c>Retry-After</c>); retrying it is the retry policy's job. Place it per retry, so that it sees every attempt.
/// Requests without a subscription in their path share one bucket per category. Thread-safe; one instance per pipeline.
/// </summary>
public sealed class RateLimitPacingPolicy : HttpPipelinePolicy
{
    /// <summary>Parallelism 4 + 2.</summary>
    public const int DefaultReserve = 6;

    public const string RemainingReadsHeader = "x-ms-ratelimit-remaining-subscription-reads";
    public const string RemainingWritesHeader = "x-ms-ratelimit-remaining-subscription-writes";
    public const string RemainingDeletesHeader = "x-ms-ratelimit-remaining-subscription-deletes";
    public const string RemainingGlobalReadsHeader = "x-ms-ratelimit-remaining-subscription-global-reads";
    public const string RemainingGlobalWritesHeader = "x-ms-ratelimit-remaining-subscription-global-writes";
    public const string RemainingGlobalDeletesHeader = "x-ms-ratelimit-remaining-subscription-global-deletes";

    private readonly Lock gate = new();
    private readonly Dictionary<(string Subscription, RateLimitCategory Category), RateLimitBucket> buckets = [];
    private readonly TimeProvider time;
    private readonly int reserve;
    private readonly TimeSpan maxRetryWait;

    /// <param name="time">The clock waits use (the container's: a test's fake clock paces too).</param>
    /// <param name="reserve">Tokens kept in each bucket: about the requests in flight at once, plus 2.</param>
    /// <param name="maxRetryWait">
    /// The longest <c>Retry-After</c> that holds a bucket back (default 60 s). A longer one fails its own request at once
    /// (<see cref="ArmRetryPolicy"/>) and must not hold every other request of the subscription for that long.
    /// </param>
    public RateLimitPacingPolicy(TimeProvider time, int reserve = DefaultReserve, TimeSpan? maxRetryWait = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(reserve);
        this.reserve = reserve;
        this.maxRetryWait = maxRetryWait ?? ArmPipelineSettings.Default.MaxRetryWait;
        this.time = time;
    }

    /// <summary>The category of an HTTP method, or null for one ARM does not count (OPTIONS, for instance).</summary>
    public static RateLimitCategory? CategoryOf(RequestMethod method) =>
        method == RequestMethod.Get || method == RequestMethod.Head ? RateLimitCategory.Reads
        : method == RequestMethod.Put || method == RequestMethod.Patch || method == RequestMethod.Post ? RateLimitCategory.Writes
        : method == RequestMethod.Delete ? RateLimitCategory.Deletes
        : null;

    public static string HeaderOf(RateLimitCategory category) => category switch
    {
        RateLimitCategory.Reads => RemainingReadsHeader,
        RateLimitCategory.Writes => RemainingWritesHeader,
        _ => RemainingDeletesHeader,
    };

    /// <summary>The header of the limit shared by every principal (ARM's token-bucket throttling).</summary>
    public static string GlobalHeaderOf(RateLimitCategory category) => category switch
    {
        RateLimitCategory.Reads => RemainingGlobalReadsHeader,
        RateLimitCategory.Writes => RemainingGlobalWritesHeader,
        _ => RemainingGlobalDeletesHeader,
    };

    /// <summary>
    /// The remaining count a response reports for <paramref name="category"/>: the lower of the per-principal and the
    /// global header when both are there, either one alone, or null when neither is (or neither is a count).
    /// </summary>
    public static int? RemainingOf(ResponseHeaders headers, RateLimitCategory category)
    {
        var own = Count(headers, HeaderOf(category));
        var global = Count(headers, GlobalHeaderOf(category));
        return own is { } a && global is { } b ? Math.Min(a, b) : own ?? global;

        static int? Count(ResponseHeaders headers, string name) =>
            headers.TryGetValue(name, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : null;
    }

    /// <summary>The subscription segment of an ARM path (lower case), or an empty string when there is none.</summary>
    public static string SubscriptionOf(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i + 1 < segments.Length; i++)
        {
            if (string.Equals(segments[i], "subscriptions", StringComparison.OrdinalIgnoreCase))
            {
                return Uri.UnescapeDataString(segments[i + 1]).ToLowerInvariant();
            }
        }

        return string.Empty;
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var category = CategoryOf(message.Request.Method);
        if (category is null)
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            return;
        }

        var bucket = BucketFor(message, category.Value);
        var sequence = await AcquireAsync(bucket, message).ConfigureAwait(false);
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch
        {
            bucket.Abandon();
            throw;
        }

        Complete(bucket, sequence, message, category.Value);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var category = CategoryOf(message.Request.Method);
        if (category is null)
        {
            ProcessNext(message, pipeline);
            return;
        }

        var bucket = BucketFor(message, category.Value);
        var sequence = AcquireAsync(bucket, message).AsTask().GetAwaiter().GetResult();
        try
        {
            ProcessNext(message, pipeline);
        }
        catch
        {
            bucket.Abandon();
            throw;
        }

        Complete(bucket, sequence, message, category.Value);
    }

    /// <summary>The bucket of a subscription and category (created on first use).</summary>
    internal RateLimitBucket Bucket(string subscription, RateLimitCategory category)
    {
        lock (gate)
        {
            if (!buckets.TryGetValue((subscription, category), out var bucket))
            {
                bucket = new RateLimitBucket(reserve, time);
                buckets.Add((subscription, category), bucket);
            }

            return bucket;
        }
    }

    /// <summary>
    /// Waits until <paramref name="bucket"/> grants the request. Cancelled before the first attempt was sent, it throws
    /// <see cref="RequestNotSentException"/>: the caller knows nothing reached the server.
    /// </summary>
    internal async ValueTask<long> AcquireAsync(RateLimitBucket bucket, HttpMessage message)
    {
        var cancellationToken = message.CancellationToken;
        while (true)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw message.ProcessingContext.RetryNumber == 0
                    ? new RequestNotSentException(cancellationToken)
                    : new OperationCanceledException(cancellationToken);
            }

            if (bucket.TryAcquire(out var sequence, out var wait, out var changed))
            {
                return sequence;
            }

            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(wait, time, stopWaiting.Token);
            await Task.WhenAny(delay, changed).ConfigureAwait(false);
            await stopWaiting.CancelAsync().ConfigureAwait(false);
        }
    }

    private RateLimitBucket BucketFor(HttpMessage message, RateLimitCategory category) =>
        Bucket(SubscriptionOf(message.Request.Uri.Path), category);

    private void Complete(RateLimitBucket bucket, long sequence, HttpMessage message, RateLimitCategory category)
    {
        if (!message.HasResponse)
        {
            bucket.Abandon();
            return;
        }

        var response = message.Response;
        var remaining = RemainingOf(response.Headers, category);
        var throttled = response.Status == 429;
        var retryAfter = throttled ? RetryAfterHeader.Read(response.Headers, time.GetUtcNow()) : null;
        bucket.Complete(sequence, remaining, throttled, retryAfter <= maxRetryWait ? retryAfter : null);
    }
}

/// <summary>
/// The caller cancelled while <see cref="RateLimitPacingPolicy"/> held the first attempt back: nothing was sent.
/// An <see cref="OperationCanceledException"/>, so it propagates as cancellation does.
/// </summary>
internal sealed class RequestNotSentException(CancellationToken cancellationToken)
    : OperationCanceledException("The request was cancelled before it was sent.", cancellationToken);
