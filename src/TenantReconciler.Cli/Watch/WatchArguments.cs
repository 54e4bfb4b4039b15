using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Watch.Notifications;

namespace TenantReconciler.Cli.Watch;

/// <summary><c>--log-format</c>: JSON lines for a log pipeline, or lines for people on a terminal.</summary>
public enum WatchLogFormat
{
    Json,
    Console,
}

/// <summary>What the service may change on each tick.</summary>
public enum WatchMode
{
    /// <summary>Plan only: drift is reported, nothing is written.</summary>
    Observe,

    /// <summary>Adds and overwrites only; removals are reported and never sent.</summary>
    Apply,

    /// <summary>Adds, overwrites and removals, under the same prune guards as <c>apply</c> (with no overrides).</summary>
    Full,
}

/// <summary>
/// The arguments of <c>watch</c>, as parsed from the command line. The timing knobs that have no flag
/// (<see cref="JitterFraction"/>, <see cref="BackoffBase"/>, <see cref="BackoffMax"/>) keep their defaults outside tests.
/// <see cref="Files"/> are the <c>-f</c> paths (files and directories), as given.
/// </summary>
public sealed record WatchArguments(
    IReadOnlyList<string> Files,
    WatchMode Mode,
    TimeSpan Interval,
    bool Suspend,
    ListenAddress Listen,
    TimeSpan Debounce,
    TimeSpan ShutdownTimeout,
    string ReplicaId,
    ConnectionArguments Connection,
    LeaseArguments? Lease)
{
    public const double DefaultJitterFraction = 0.10;

    /// <summary>The <c>-f</c> paths for logs and reports: one as given, several joined with ", ".</summary>
    public string File => string.Join(", ", Files);

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(25);

    /// <summary>Each wait is the interval plus up to this share of it, so that replicas and registrations spread out.</summary>
    public double JitterFraction { get; init; } = DefaultJitterFraction;

    /// <summary>The first wait after a transient failure; it doubles with each further one, up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The apply journal (JSON lines, as <c>apply --journal</c> writes it; <c>undo</c> reads it). Null: none.</summary>
    public string? Journal { get; init; }

    /// <summary><c>--log-format</c>; null: <see cref="WatchLogFormat.Console"/> when stderr is a terminal, else <see cref="WatchLogFormat.Json"/>.</summary>
    public WatchLogFormat? LogFormat { get; init; }

    /// <summary><c>--registration</c>: the registrations the service is limited to; null for every registration of the files.</summary>
    public IReadOnlyList<string>? Registrations { get; init; }

    /// <summary>Registrations reconciled side by side on a tick, and requests in flight within one (<c>--parallelism</c>).</summary>
    public int Parallelism { get; init; } = Live.LiveReader.DefaultParallelism;

    /// <summary>The readiness window: every registration must have succeeded within this many intervals.</summary>
    public int ReadyIntervals { get; init; } = 3;

    /// <summary><c>--notify URL</c> (repeatable) and <c>--notify-format</c>: where transitions are sent. None by default.</summary>
    public NotifyArguments Notify { get; init; } = NotifyArguments.None;

    /// <summary>How the stamps of tenants.yaml are read (<c>--stamp-auth</c>, <c>--stamp-ca-cert</c>, <c>--usage-days</c>).</summary>
    public StampArguments Stamps { get; init; } = StampArguments.Default;

    /// <summary><c>--usage-interval</c>: a stamp's usage is read at most this often (it is daily data); default 6 hours.</summary>
    public TimeSpan UsageInterval { get; init; } = DefaultUsageInterval;

    public static readonly TimeSpan DefaultUsageInterval = TimeSpan.FromHours(6);
}
