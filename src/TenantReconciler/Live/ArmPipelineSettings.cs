namespace TenantReconciler.Live;

/// <summary>
/// How the ARM pipeline retries and paces its requests; the composition root fills it from the command line
/// (<c>--max-retry-wait</c>, <c>--parallelism</c>). The defaults: exponential retries, at most 5, from 0.8 s up to 30 s
/// (a <c>Retry-After</c> takes precedence, up to <see cref="MaxRetryWait"/>), a 100 s network timeout per attempt, and pacing.
/// </summary>
public sealed record ArmPipelineSettings
{
    public static ArmPipelineSettings Default { get; } = new();

    /// <summary>Retries after the first attempt, for 408, 429, 500, 502, 503, 504 and transport failures.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The first exponential back-off delay (doubled per retry, with jitter) when the server sends no <c>Retry-After</c>.</summary>
    /// <summary>Retries of 429 responses, each waiting what ARM asked (bounded by <see cref="MaxRetryWait"/>).</summary>
    public int MaxThrottleRetries { get; init; } = 30;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(0.8);

    /// <summary>The longest back-off delay of our own. A <c>Retry-After</c> up to <see cref="MaxRetryWait"/> takes precedence.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest <c>Retry-After</c> honoured. A longer one fails the request at once (its change fails with a message
    /// saying so) instead of holding a worker for that long.
    /// </summary>
    public TimeSpan MaxRetryWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The timeout of one attempt (sending and reading the response).</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// When true, requests are paced by the <c>x-ms-ratelimit-remaining-subscription-*</c> headers so that the subscription's
    /// throttling buckets do not run dry: reads (the listings' GETs) as well as writes and deletes, each per subscription
    /// (see <see cref="RateLimitPacingPolicy"/>).
    /// </summary>
    public bool Pacing { get; init; } = true;

    /// <summary>
    /// Tokens pacing keeps in the bucket so that concurrent requests cannot overdraw it: about the number of requests in
    /// flight at once plus 2 (the default suits <c>--parallelism 4</c>; set it with <see cref="ForParallelism"/>). Small
    /// buckets lower it to half their size.
    /// </summary>
    public int PacingReserve { get; init; } = RateLimitPacingPolicy.DefaultReserve;

    /// <summary>When set, prefixes the User-Agent (Azure.Core's <c>ApplicationId</c>: at most 24 characters, no spaces).</summary>
    public string? ApplicationId { get; init; }

    /// <summary>
    /// The transport under the pipeline; null for Azure.Core's default (an <c>HttpClient</c>). Tests set a recording one.
    /// A connection's trusted certificate replaces it (see <see cref="ArmPipeline.Create"/>).
    /// </summary>
    public Azure.Core.Pipeline.HttpPipelineTransport? Transport { get; init; }

    /// <summary>With <c>-v diagnostic</c>: told one line per HTTP attempt (method, URL, status, request ids, time; no other header).</summary>
    public Action<string>? HttpTrace { get; init; }

    /// <summary>
    /// The pacing reserve for the requests a command has in flight at once: the larger of <paramref name="listing"/>
    /// (registrations listed side by side, one GET each) and <paramref name="writes"/> (writes in flight; 0 for a command
    /// that only reads), plus 2. Reads and writes are paced alike, per subscription, so every command that lists or
    /// writes sets its reserve here.
    /// </summary>
    public static int ReserveFor(int listing, int writes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(listing, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(writes);
        return Math.Max(listing, writes) + 2;
    }

    /// <summary>These settings with <see cref="PacingReserve"/> = <see cref="ReserveFor"/>(<paramref name="listing"/>, <paramref name="writes"/>).</summary>
    public ArmPipelineSettings ForParallelism(int listing, int writes = 0) => this with { PacingReserve = ReserveFor(listing, writes) };

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a negative count or a negative or zero duration.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfNegative(PacingReserve, nameof(PacingReserve));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, TimeSpan.Zero, nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryWait, TimeSpan.Zero, nameof(MaxRetryWait));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(NetworkTimeout, TimeSpan.Zero, nameof(NetworkTimeout));
    }
}
