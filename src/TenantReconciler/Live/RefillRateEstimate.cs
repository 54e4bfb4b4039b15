namespace TenantReconciler.Live;

/// <summary>
/// The refill rate of one ARM throttling bucket, estimated from its remaining counts (see <see cref="RateLimitBucket"/>):
/// between two observations <c>A</c> and <c>B</c> the bucket went from <c>R_A</c> to <c>R_B</c> while <c>n</c> counted
/// requests were answered, so it refilled <c>R_B - R_A + n</c> tokens in <c>t_B - t_A</c>, over a window up to
/// <see cref="Window"/> long. Not thread-safe: the bucket's lock guards it.
/// </summary>
internal sealed class RefillRateEstimate(TimeProvider time)
{
    /// <summary>The rate assumed until one is measured: slower than any ARM bucket refills, so the guess errs on the safe side.</summary>
    internal const double InitialPerSecond = 1;

    internal const double MinPerSecond = 0.05;

    internal const double MaxPerSecond = 10_000;

    internal static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    /// <summary>The shortest span a rate is measured over when the bucket was not seen full (shorter ones are mostly rounding noise).</summary>
    internal static readonly TimeSpan MinSpan = TimeSpan.FromSeconds(0.5);

    /// <summary>The shortest span a lower bound is taken from (it is corrected for rounding, so it may be short).</summary>
    internal static readonly TimeSpan MinLowerBoundSpan = TimeSpan.FromSeconds(0.05);

    private readonly Queue<Observation> history = new();

    /// <summary>The estimated refill rate, tokens per second.</summary>
    public double PerSecond { get; private set; } = InitialPerSecond;

    /// <summary>True once a rate has been measured (not only bounded from below).</summary>
    public bool IsMeasured { get; private set; }

    /// <summary>
    /// Records an observation (<paramref name="counted"/>: the requests counted against the bucket so far) and measures
    /// the rate since the window's start. A bucket as <paramref name="full"/> as it has been seen may have stopped
    /// refilling before, so such an observation only gives a lower bound (it may raise the estimate, never lower it),
    /// and the window restarts there.
    /// </summary>
    public void Observe(long now, int remaining, long counted, bool full)
    {
        var observation = new Observation(now, remaining, counted);
        history.Enqueue(observation);
        while (history.Count > 2 && time.GetElapsedTime(history.Peek().Timestamp, now) > Window)
        {
            history.Dequeue();
        }

        var anchor = history.Peek();
        var span = time.GetElapsedTime(anchor.Timestamp, now);
        var refilled = remaining - anchor.Remaining + (counted - anchor.Counted);
        if (full)
        {
            if (span >= MinLowerBoundSpan)
            {
                // A lower bound, less one token for the rounding of the two counts: safe to learn from at once. Until a
                // rate has been measured, a bucket found full after a wait means the waits are too long: double the
                // guess. (An overestimate costs at most one wait's worth of tokens, which the reserve covers, and every
                // response corrects the prediction.)
                var bound = (refilled - 1) / span.TotalSeconds;
                PerSecond = Math.Min(MaxPerSecond, Math.Max(IsMeasured ? PerSecond : PerSecond * 2, bound));
            }

            history.Clear();
            history.Enqueue(observation);
        }
        else if (span >= MinSpan)
        {
            PerSecond = Math.Clamp(refilled / span.TotalSeconds, MinPerSecond, MaxPerSecond);
            IsMeasured = true;
        }
    }

    private readonly record struct Observation(long Timestamp, int Remaining, long Counted);
}
