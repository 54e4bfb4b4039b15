namespace TenantReconciler.Tests.Live;

/// <summary>
/// A discrete-event model of an apply against one ARM token bucket, on a <see cref="FakeTimeProvider"/>: <c>workers</c>
/// loops each take a write, ask <see cref="RateLimitBucket"/> for leave (waiting as told, or until something is
/// learnt), and send it; the server takes a token half-way through the latency and answers at the end. A 429 is
/// retried after its Retry-After, as Azure.Core's retry policy would. Deterministic and instant.
/// </summary>
internal sealed class PacingSimulation
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly PriorityQueue<Action, (TimeSpan At, long Order)> events = new();
    private readonly int burst;
    private readonly double refillPerSecond;
    private readonly TimeSpan latency;
    private readonly RateLimitBucket bucket;
    private readonly HashSet<int> waiting = [];
    private readonly int[] wakeVersion;
    private readonly TimeSpan start;
    private long order;
    private double tokens;
    private TimeSpan tokensAt;
    private int left;

    public PacingSimulation(int burst, double refillPerSecond, TimeSpan latency, int workers, int reserve)
    {
        this.burst = burst;
        this.refillPerSecond = refillPerSecond;
        this.latency = latency;
        bucket = new RateLimitBucket(reserve, time);
        tokens = burst;
        wakeVersion = new int[workers];
        start = Now;
        tokensAt = Now;
    }

    public int Throttled { get; private set; }

    public int Sent { get; private set; }

    public int MinRemainingSeen { get; private set; } = int.MaxValue;

    public RateLimitBucket Bucket => bucket;

    private TimeSpan Now => TimeSpan.FromTicks(time.GetUtcNow().UtcTicks);

    /// <summary>Runs <paramref name="writes"/> writes to the end and returns how long they took.</summary>
    public TimeSpan Run(int writes)
    {
        left = writes;
        for (var worker = 0; worker < wakeVersion.Length; worker++)
        {
            var w = worker;
            Schedule(TimeSpan.Zero, () => Next(w));
        }

        var finished = start;
        while (events.TryDequeue(out var action, out var key))
        {
            if (key.At > Now)
            {
                time.Advance(key.At - Now);
            }

            action();
            finished = Now;
            if (events.Count > 100_000)
            {
                throw new InvalidOperationException("The simulation does not converge.");
            }
        }

        return finished - start;
    }

    private void Next(int worker)
    {
        if (left == 0)
        {
            return;
        }

        left--;
        Attempt(worker);
    }

    private void Attempt(int worker)
    {
        if (!bucket.TryAcquire(out var sequence, out var wait, out _))
        {
            // Woken by the timer, or earlier by the next response (as the policy's wait on "changed" would be).
            waiting.Add(worker);
            var version = ++wakeVersion[worker];
            Schedule(wait, () => Wake(worker, version));
            return;
        }

        Sent++;
        var half = latency / 2;
        Schedule(half, () =>
        {
            Refill();
            if (tokens >= 1)
            {
                tokens--;
                var remaining = (int)Math.Floor(tokens);
                MinRemainingSeen = Math.Min(MinRemainingSeen, remaining);
                Schedule(half, () =>
                {
                    bucket.Complete(sequence, remaining, throttled: false, retryAfter: null);
                    WakeAll();
                    Next(worker);
                });
            }
            else
            {
                Throttled++;
                var retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - tokens) / refillPerSecond)));
                Schedule(half, () =>
                {
                    bucket.Complete(sequence, 0, throttled: true, retryAfter);
                    WakeAll();
                    Schedule(retryAfter, () => Attempt(worker));
                });
            }
        });
    }

    private void Wake(int worker, int version)
    {
        if (wakeVersion[worker] == version && waiting.Remove(worker))
        {
            Attempt(worker);
        }
    }

    private void WakeAll()
    {
        foreach (var worker in waiting.ToList())
        {
            var version = ++wakeVersion[worker];
            Schedule(TimeSpan.Zero, () => Wake(worker, version));
        }
    }

    private void Refill()
    {
        tokens = Math.Min(burst, tokens + ((Now - tokensAt).TotalSeconds * refillPerSecond));
        tokensAt = Now;
    }

    private void Schedule(TimeSpan after, Action action) => events.Enqueue(action, (Now + after, order++));
}
