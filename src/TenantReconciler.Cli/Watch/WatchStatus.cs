using System.Text.Json;
using System.Text.Json.Serialization;
using TenantReconciler.Applying;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// What the service knows about each registration, kept from tick to tick: the data behind <c>/status</c>,
/// <c>/readyz</c> and the gauges. Updated by the loop (as an observer), read by any request thread: each read is an
/// immutable snapshot.
/// </summary>
public sealed class WatchStatus(WatchArguments arguments, IWriteLeadership leadership, TimeProvider time) : IWatchObserver
{
    /// <summary>At most this many pending changes are listed per registration (the counts are always complete).</summary>
    public const int MaxListedChanges = 100;

    private readonly Lock _lock = new();
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private Dictionary<RegistrationRef, RegistrationStatus> _registrations = [];
    private IReadOnlyList<RegistrationRef> _order = [];
    private DesiredStatus? _desired;
    private TickStatus? _lastTick;
    private SuspendSource _suspended = arguments.Suspend ? SuspendSource.Flag : SuspendSource.None;
    private IReadOnlyList<StatusCondition> _serviceConditions = [];

    public IReadOnlyCollection<RegistrationStatus> Registrations
    {
        get
        {
            lock (_lock)
            {
                return _order.Where(_registrations.ContainsKey).Select(r => _registrations[r]).ToArray();
            }
        }
    }

    public SuspendSource Suspended
    {
        get
        {
            lock (_lock)
            {
                return _suspended;
            }
        }
    }

    /// <summary>Null until the first tick has read the file.</summary>
    public DesiredStatus? Desired
    {
        get
        {
            lock (_lock)
            {
                return _desired;
            }
        }
    }

    public void OnTickCompleted(TickReport report)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _lastTick = new TickStatus(report.Number, Kebab(report.Reason), report.StartedAt, report.Duration.TotalSeconds, report.Error);
            if (report.DesiredSha256 is not null || report.Diagnostics.Count > 0 || report.Desired is not null)
            {
                _desired = new DesiredStatus(
                    report.File,
                    report.DesiredSha256,
                    report.DesiredValid,
                    // /status is unauthenticated: where and which code only, never the message (which quotes the file's values).
                    report.Diagnostics.Select(d => $"{d.Location}: error {d.Code}").ToArray(),
                    report.StartedAt);
            }

            if (report.Desired is not null)
            {
                _suspended = report.Suspended;
                _order = report.Desired;
                var kept = new Dictionary<RegistrationRef, RegistrationStatus>();
                foreach (var registration in report.Desired)
                {
                    kept[registration] = _registrations.TryGetValue(registration, out var known) ? known : RegistrationStatus.New(registration, now);
                }

                _registrations = kept;
            }

            foreach (var result in report.Registrations)
            {
                if (_registrations.TryGetValue(result.Registration, out var known))
                {
                    _registrations[result.Registration] = known.After(result, now);
                }
            }

            foreach (var (registration, health, _) in OutcomeMapping.Judge(report, _order))
            {
                if (_registrations.TryGetValue(registration, out var known))
                {
                    _registrations[registration] = known.Judged(health, report.DesiredSha256, now);
                }
            }
        }
    }

    /// <summary>The <c>/status</c> document.</summary>
    public StatusDocument Snapshot(TimeSpan? currentTick = null)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var registrations = _order.Where(_registrations.ContainsKey).Select(r => _registrations[r]).ToArray();
            var readiness = WatchReadiness.Evaluate(_desired, registrations, now, arguments.Interval * arguments.ReadyIntervals);
            return new StatusDocument(
                new ServiceStatus(
                    arguments.ReplicaId,
                    ToolInfo.Version,
                    Kebab(arguments.Mode),
                    DurationText.Format(arguments.Interval),
                    _suspended != SuspendSource.None,
                    _suspended == SuspendSource.None ? null : Kebab(_suspended),
                    leadership.IsLeader,
                    leadership.LeaseBlob?.ToString(),
                    _startedAt,
                    currentTick?.TotalSeconds),
                readiness.Ready,
                readiness.Reasons,
                _desired,
                _lastTick,
                registrations.Select(r => r.ToDocument()).ToArray())
            {
                Conditions = ServiceConditions(readiness.Ready, readiness.Reasons),
            };
        }
    }

    /// <summary><c>Ready</c> as <c>/readyz</c> judges it, and <c>Stalled</c> while the file is invalid; each since it last changed.</summary>
    private IReadOnlyList<StatusCondition> ServiceConditions(bool ready, IReadOnlyList<string> reasons)
    {
        var now = time.GetUtcNow();
        var next = new List<StatusCondition>
        {
            ready
                ? new StatusCondition(StatusConditions.Ready, "True", "Serving", "the service is reconciling the desired state", now)
                : new StatusCondition(StatusConditions.Ready, "False", "NotReady", string.Join("; ", reasons), now),
        };
        if (_desired is { Valid: false } desired)
        {
            var health = OutcomeMapping.InvalidFile(OutsideText.Sanitize(desired.File), desired.Diagnostics.Count);
            next.Add(new StatusCondition(StatusConditions.Stalled, "True", health.Reason, health.Message, now));
        }

        // A condition keeps the time of its last transition.
        _serviceConditions = next.Select(c => c.KeepingTransitionOf(_serviceConditions)).ToArray();
        return _serviceConditions;
    }

    /// <summary>An enum value as the status, the logs and the metrics spell it: <c>InSync</c> is <c>in-sync</c>.</summary>
    public static string Kebab<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}

/// <summary>
/// Readiness: a tick has read the desired-state file and, when it is valid, every registration in it succeeded within
/// the window (3 intervals). An invalid file is not a readiness failure: it is the Stalled condition in /status.
/// </summary>
public static class WatchReadiness
{
    public static (bool Ready, IReadOnlyList<string> Reasons) Evaluate(
        DesiredStatus? desired, IReadOnlyCollection<RegistrationStatus> registrations, DateTimeOffset now, TimeSpan window)
    {
        var reasons = new List<string>();
        if (desired is null)
        {
            reasons.Add("no tick has read the desired-state file yet");
        }
        else if (!desired.Valid)
        {
            // The service serves and says what is wrong (/status, the Stalled condition, the log): a file a human must
            // fix is no reason for the kubelet to take the pod out of service, or to restart it.
            return (true, reasons);
        }

        foreach (var registration in registrations)
        {
            if (registration.LastSuccessAt is not { } success)
            {
                reasons.Add($"{registration.Registration.Name}: no successful tick yet" + (registration.LastResult is { } last ? $" (last: {WatchStatus.Kebab(last)})" : ""));
            }
            else if (now - success > window)
            {
                reasons.Add($"{registration.Registration.Name}: last success at {success:O}, more than {DurationText.Format(window)} ago (last: {WatchStatus.Kebab(registration.LastResult!.Value)})");
            }
        }

        return (reasons.Count == 0, reasons);
    }
}
