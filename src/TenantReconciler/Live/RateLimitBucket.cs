namespace TenantReconciler.Live;

/// <summary>
/// What we know of one ARM throttling bucket (one subscription, one category: writes, deletes or reads), learnt from the
/// <c>x-ms-ratelimit-remaining-subscription-*</c> header of every response. Thread-safe.
/// <para>
/// ARM does not announce the refill rate, so it is estimated from the remaining counts (<see cref="RefillRateEstimate"/>):
/// a window that ends with the bucket full only gives a lower bound, and until a rate has been measured, finding the
/// bucket full doubles the guess.
/// </para>
/// <para>
/// The tokens now are predicted as <c>R + rate × (now − t) − in flight</c> from the newest observation (newest by send
/// order, as the server mostly answers in that order); a request in flight counts as already spent, which errs low.
/// A request may go when at least <c>reserve + 1</c> tokens are predicted (the reserve is at most half the largest count
/// seen, for small buckets). Before the first response only one request may be in flight. A response without the
/// header is news too: a server that sends none (a proxy, an on-premises or sovereign ARM, a test double) gives nothing to
/// pace on, so from then on a bucket that has never seen the header holds nothing back (a 429's <c>Retry-After</c> still
/// does), and parallel requests reach their parallelism against any server. Until a rate is measured, one request may go every <see cref="LearningInterval"/> while two tokens
/// are predicted. After a 429 nothing goes before its <c>Retry-After</c>. An underestimated rate only costs a little
/// time (the tokens saved up show in the next response and are spent then); an overestimate is absorbed by the reserve.
/// </para>
/// </summary>
internal sealed class RateLimitBucket
{
    /// <summary>The longest single wait before the prediction is made again.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Until a rate has been measured, one request at a time may go this often below the reserve (while at least
    /// <see cref="LearningMinimum"/> tokens are predicted): a small bucket would otherwise fill up, and waste its refill,
    /// during the long waits the cautious first guess makes.
    /// </summary>
    internal static readonly TimeSpan LearningInterval = TimeSpan.FromSeconds(0.1);

    internal const double LearningMinimum = 2;

    /// <summary>With nothing in flight and no news for this long, one request may go to learn the state (it may get a 429).</summary>
    internal static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(5);

    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private readonly int reserve;
    private readonly RefillRateEstimate estimate;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long nextSequence;
    private int inFlight;
    private bool observed;
    private bool headerless;
    private long baseSequence = -1;
    private double baseRemaining;
    private long baseTimestamp;
    private long lastObservationTimestamp;
    private long counted;
    private int maxObserved;
    private long? blockedUntil;

    public RateLimitBucket(int reserve, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reserve);
        ArgumentNullException.ThrowIfNull(time);
        this.reserve = reserve;
        this.time = time;
        estimate = new RefillRateEstimate(time);
    }

    /// <summary>The estimated refill rate, tokens per second.</summary>
    public double RefillPerSecond
    {
        get
        {
            lock (gate)
            {
                return estimate.PerSecond;
            }
        }
    }

    public int InFlight
    {
        get
        {
            lock (gate)
            {
                return inFlight;
            }
        }
    }

    /// <summary>
    /// True once a response came without the remaining-count header while none had ever come with it: nothing is held
    /// back (but a 429's <c>Retry-After</c>) until a header arrives.
    /// </summary>
    public bool Unpaced
    {
        get
        {
            lock (gate)
            {
                return headerless && !observed;
            }
        }
    }

    /// <summary>The tokens predicted now, or null before the first observation.</summary>
    public double? PredictedTokens
    {
        get
        {
            lock (gate)
            {
                return observed ? Predict(time.GetTimestamp()) : null;
            }
        }
    }

    /// <summary>The reserve in effect: the configured one, at most half of the largest remaining count seen (plus one).</summary>
    public int EffectiveReserve
    {
        get
        {
            lock (gate)
            {
                return Reserve();
            }
        }
    }

    /// <summary>
    /// Grants a request (true, with the sequence number to complete it with) or says how long to wait before asking
    /// again (false). <paramref name="changed"/> completes as soon as anything is learnt, which may end the wait early.
    /// </summary>
    public bool TryAcquire(out long sequence, out TimeSpan wait, out Task changed)
    {
        lock (gate)
        {
            changed = this.changed.Task;
            sequence = -1;
            var now = time.GetTimestamp();
            if (blockedUntil is { } until)
            {
                var left = time.GetElapsedTime(now, until);
                if (left > TimeSpan.Zero)
                {
                    wait = Clamp(left);
                    return false;
                }

                blockedUntil = null;
            }

            if (!observed)
            {
                if (inFlight == 0 || headerless)
                {
                    return Grant(out sequence, out wait);
                }

                wait = MaxWait;
                return false;
            }

            var predicted = Predict(now);
            var needed = Reserve() + 1 - predicted;
            var quiet = time.GetElapsedTime(lastObservationTimestamp, now);
            var learning = !estimate.IsMeasured && inFlight == 0 && predicted >= LearningMinimum;
            if (needed <= 0
                || (learning && quiet >= LearningInterval)
                || (inFlight == 0 && quiet >= ProbeInterval))
            {
                return Grant(out sequence, out wait);
            }

            wait = Clamp(TimeSpan.FromSeconds(needed / estimate.PerSecond));
            if (learning && LearningInterval - quiet < wait)
            {
                wait = Clamp(LearningInterval - quiet);
            }

            return false;
        }
    }

    /// <summary>
    /// A granted request got a response. <paramref name="remaining"/> is its remaining-count header (null when absent);
    /// <paramref name="throttled"/> is a 429: it was not counted, and its <paramref name="retryAfter"/> (pass null when it is
    /// not to be honoured) holds the bucket back until then. A 429 without the header may be another limit than this
    /// bucket's, so only its <c>Retry-After</c> is learnt from.
    /// </summary>
    public void Complete(long sequence, int? remaining, bool throttled, TimeSpan? retryAfter)
    {
        lock (gate)
        {
            inFlight--;
            var now = time.GetTimestamp();
            if (throttled && retryAfter is { } after && after > TimeSpan.Zero)
            {
                var until = now + (long)(after.TotalSeconds * time.TimestampFrequency);
                blockedUntil = blockedUntil is { } current && current > until ? current : until;
            }

            if (remaining is null && !throttled)
            {
                headerless = true;
            }

            if (remaining is { } value && value >= 0)
            {
                var full = false;
                if (!throttled)
                {
                    counted++;
                    full = value >= maxObserved;
                    maxObserved = Math.Max(maxObserved, value);
                }

                observed = true;
                lastObservationTimestamp = now;
                estimate.Observe(now, value, counted, full);
                if (throttled || sequence > baseSequence)
                {
                    SetBase(Math.Max(sequence, baseSequence), value, now);
                }
            }

            Signal();
        }
    }

    /// <summary>A granted request got no response (a transport failure or cancellation).</summary>
    public void Abandon()
    {
        lock (gate)
        {
            inFlight--;
            Signal();
        }
    }

    private bool Grant(out long sequence, out TimeSpan wait)
    {
        inFlight++;
        sequence = nextSequence++;
        wait = TimeSpan.Zero;
        return true;
    }

    private int Reserve() => Math.Min(reserve, Math.Max(1, (maxObserved + 1) / 2));

    private double Predict(long now) =>
        baseRemaining + (estimate.PerSecond * time.GetElapsedTime(baseTimestamp, now).TotalSeconds) - inFlight;

    private void SetBase(long sequence, int remaining, long now)
    {
        observed = true;
        baseSequence = sequence;
        baseRemaining = remaining;
        baseTimestamp = now;
    }

    private void Signal()
    {
        var previous = changed;
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.SetResult();
    }

    private static TimeSpan Clamp(TimeSpan wait) =>
        wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait > MaxWait ? MaxWait : wait;
}
