using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// When each registration is next due. Pure: the clock is passed in, the randomness comes from the injected
/// <see cref="Random"/> (seedable), and nothing here waits or does I/O.
/// <list type="bullet">
/// <item>After a tick that ran at the interval (or was forced: startup, a change of the file, leadership gained), the
/// next interval tick is due <see cref="Jittered"/> later: the interval plus up to 10% of it.</item>
/// <item>A registration that succeeded, or failed for a permanent reason (400, 403, invalid input), waits for that next
/// interval tick (or an earlier change of the file): it does not hammer ARM.</item>
/// <item>A registration whose outcome says <see cref="Requeue.Retry"/> (the engine's requeue hint: a transient failure,
/// 429, 5xx, no response) is retried on its own after an exponential <see cref="Backoff"/> with jitter, without moving
/// the interval of the others. The engine says whether; the schedule says when.</item>
/// </list>
/// </summary>
public sealed class WatchSchedule
{
    /// <summary>A timer may fire a little before the wall clock says it is due: anything due this close counts as due.</summary>
    internal static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(50);

    private readonly TimeSpan _interval;
    private readonly double _jitterFraction;
    private readonly TimeSpan _backoffBase;
    private readonly TimeSpan _backoffMax;
    private readonly Random _random;
    private readonly Dictionary<RegistrationRef, Entry> _entries = [];
    private DateTimeOffset _intervalDueAt = DateTimeOffset.MinValue;
    private DateTimeOffset _tickStart;
    private bool _tickForced;

    public WatchSchedule(WatchArguments arguments, Random random)
        : this(arguments.Interval, arguments.JitterFraction, arguments.BackoffBase, arguments.BackoffMax, random)
    {
    }

    public WatchSchedule(TimeSpan interval, double jitterFraction, TimeSpan backoffBase, TimeSpan backoffMax, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(jitterFraction);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(backoffBase, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffMax, backoffBase);
        ArgumentNullException.ThrowIfNull(random);
        _interval = interval;
        _jitterFraction = jitterFraction;
        _backoffBase = backoffBase;
        _backoffMax = backoffMax;
        _random = random;
    }

    /// <summary>When the next tick is due: the next interval tick, or an earlier retry of a registration.</summary>
    public DateTimeOffset NextWake
    {
        get
        {
            var next = _intervalDueAt;
            foreach (var entry in _entries.Values)
            {
                if (entry.DueAt < next)
                {
                    next = entry.DueAt;
                }
            }

            return next;
        }
    }

    /// <summary>True when <see cref="NextWake"/> is a retry after a transient failure, not the interval.</summary>
    public bool NextWakeIsRetry => NextWake < _intervalDueAt;

    /// <summary><paramref name="interval"/> plus <paramref name="fraction"/> × <paramref name="sample"/> of it; sample in [0, 1).</summary>
    public static TimeSpan Jittered(TimeSpan interval, double fraction, double sample) => interval + (interval * (fraction * sample));

    /// <summary>
    /// The wait after the <paramref name="failures"/>th transient failure in a row: the capped exponential
    /// <c>min(max, base × 2^(failures-1))</c>, of which a random half is kept ("equal jitter"): in [cap/2, cap).
    /// </summary>
    public static TimeSpan Backoff(int failures, TimeSpan @base, TimeSpan max, double sample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var exponent = Math.Min(failures - 1, 30);
        var cap = TimeSpan.FromTicks((long)Math.Min(max.Ticks, @base.Ticks * Math.Pow(2, exponent)));
        return (cap / 2) + (cap / 2 * sample);
    }

    /// <summary>How many transient failures in a row <paramref name="registration"/> has had.</summary>
    public int TransientFailures(RegistrationRef registration) =>
        _entries.TryGetValue(registration, out var entry) ? entry.TransientFailures : 0;

    /// <summary>When <paramref name="registration"/> is next due (null when it has never run).</summary>
    public DateTimeOffset? DueAt(RegistrationRef registration) =>
        _entries.TryGetValue(registration, out var entry) ? entry.DueAt : null;

    /// <summary>Starts a tick at <paramref name="now"/>. A forced tick runs every registration.</summary>
    public void Begin(DateTimeOffset now, bool forced)
    {
        _tickStart = now;
        _tickForced = forced;
    }

    /// <summary>Whether the tick begun last runs <paramref name="registration"/>. A registration never seen is due at once.</summary>
    public bool IsDue(RegistrationRef registration) =>
        _tickForced || !_entries.TryGetValue(registration, out var entry) || entry.DueAt <= _tickStart + Tolerance;

    /// <summary>
    /// Records the outcome of the tick begun last, at its end (<paramref name="now"/>). <paramref name="current"/>: the
    /// registrations of the file read in this tick (null when it could not be read: the known ones are kept).
    /// </summary>
    public void Complete(DateTimeOffset now, IEnumerable<(RegistrationRef Registration, Requeue Requeue)> outcomes, IReadOnlyCollection<RegistrationRef>? current)
    {
        if (_tickForced || _tickStart + Tolerance >= _intervalDueAt)
        {
            _intervalDueAt = now + Jittered(_interval, _jitterFraction, _random.NextDouble());
        }

        foreach (var (registration, requeue) in outcomes)
        {
            var entry = _entries.TryGetValue(registration, out var known) ? known : new Entry();
            if (requeue == Requeue.Retry)
            {
                entry.TransientFailures++;
                entry.DueAt = now + Backoff(entry.TransientFailures, _backoffBase, _backoffMax, _random.NextDouble());
            }
            else
            {
                entry.TransientFailures = 0;
                entry.DueAt = _intervalDueAt;
            }

            _entries[registration] = entry;
        }

        if (current is not null)
        {
            foreach (var gone in _entries.Keys.Where(r => !current.Contains(r)).ToArray())
            {
                _entries.Remove(gone);
            }
        }

        // Whatever was due and did not run (the file was invalid, the tick failed) waits for the next interval tick.
        foreach (var entry in _entries.Values)
        {
            if (entry.DueAt <= now + Tolerance)
            {
                entry.DueAt = _intervalDueAt;
            }
        }
    }

    private sealed class Entry
    {
        public DateTimeOffset DueAt { get; set; }

        public int TransientFailures { get; set; }
    }
}
