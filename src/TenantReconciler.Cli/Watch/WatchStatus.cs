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
                    report.Diagnostics.Select(d => d.ToString()).ToArray(),
                    report.StartedAt);
            }

            if (report.Desired is not null)
            {
                _suspended = report.Suspended;
                _order = report.Desired;
                var kept = new Dictionary<RegistrationRef, RegistrationStatus>();
                foreach (var registration in report.Desired)
                {
                    kept[registration] = _registrations.TryGetValue(registration, out var known) ? known : RegistrationStatus.New(registration);
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
                    Kebab(_suspended),
                    leadership.IsLeader,
                    leadership.LeaseBlob?.ToString(),
                    _startedAt,
                    currentTick?.TotalSeconds),
                readiness.Ready,
                readiness.Reasons,
                _desired,
                _lastTick,
                registrations.Select(r => r.ToDocument()).ToArray());
        }
    }

    public static string Kebab<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(name[i]));
        }

        return text.ToString();
    }
}

/// <summary>Readiness: the file is valid and every registration in it succeeded within the window (3 intervals).</summary>
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
            reasons.Add($"{desired.File} is invalid ({desired.Diagnostics.Count} problem(s)); nothing is written until it is fixed");
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

/// <summary>One registration's state between ticks.</summary>
public sealed record RegistrationStatus(
    RegistrationRef Registration,
    RegistrationResult? LastResult,
    DateTimeOffset? LastTickAt,
    DateTimeOffset? LastSuccessAt,
    IReadOnlyList<PlannedChange> Pending,
    WriteBlock Blocked,
    int Withheld,
    IReadOnlyList<string> Violations,
    LastWrites? LastWrites,
    WatchError? LastError,
    DateTimeOffset? LastErrorAt,
    int ConsecutiveFailures,
    bool Listed = false)
{
    public static RegistrationStatus New(RegistrationRef registration) =>
        new(registration, null, null, null, [], WriteBlock.None, 0, [], null, null, null, 0);

    /// <summary>Pending drift as of the last successful listing (<see cref="Listed"/>: there has been one).</summary>
    public int Drift => Pending.Count;

    public RegistrationStatus After(RegistrationReport report, DateTimeOffset now)
    {
        var listed = report.Detected is not null;
        return this with
        {
            LastResult = report.Result,
            LastTickAt = now,
            LastSuccessAt = report.Succeeded ? now : LastSuccessAt,
            Pending = listed ? report.Pending : Pending,
            Blocked = listed ? report.Blocked : Blocked,
            Withheld = listed ? report.Withheld.Count : Withheld,
            Violations = listed ? report.Violations.Select(v => v.ToString()).ToArray() : Violations,
            LastWrites = report.Writes.Count > 0
                ? new LastWrites(now, report.Count(ChangeOutcome.Done), report.Count(ChangeOutcome.Failed), report.Count(ChangeOutcome.NotAttempted), report.RequestIds)
                : LastWrites,
            LastError = report.Error ?? LastError,
            LastErrorAt = report.Error is not null ? now : LastErrorAt,
            ConsecutiveFailures = report.Succeeded ? 0 : ConsecutiveFailures + 1,
            Listed = Listed || listed,
        };
    }

    public RegistrationDocument ToDocument()
    {
        var summary = PlanSummary.Of(Pending);
        return new RegistrationDocument(
            Registration.Id.ToString(),
            Registration.Name,
            LastResult is { } result ? WatchStatus.Kebab(result) : null,
            LastTickAt,
            LastSuccessAt,
            Listed ? new DriftDocument(summary.Add, summary.Overwrite, summary.Remove, Pending.Count) : null,
            Pending.Take(WatchStatus.MaxListedChanges).Select(Rendering.PlanDeltaText.Describe).Select(d => d.Trim()).ToArray(),
            Blocked == WriteBlock.None ? null : WatchStatus.Kebab(Blocked),
            Withheld,
            Violations,
            LastWrites,
            LastError is null ? null : new ErrorDocument(LastError.Message, LastError.Code, LastError.Status, LastError.RequestId, LastError.CorrelationId, LastError.Transient, LastErrorAt),
            ConsecutiveFailures);
    }
}

public sealed record LastWrites(DateTimeOffset At, int Done, int Failed, int NotAttempted, IReadOnlyList<string> RequestIds);

public sealed record DesiredStatus(string File, string? Sha256, bool Valid, IReadOnlyList<string> Diagnostics, DateTimeOffset ReadAt);

public sealed record TickStatus(long Number, string Reason, DateTimeOffset StartedAt, double DurationSeconds, WatchError? Error);

public sealed record ServiceStatus(
    string Replica,
    string Version,
    string Mode,
    string Interval,
    string Suspended,
    bool Leader,
    string? LeaseBlob,
    DateTimeOffset StartedAt,
    double? CurrentTickSeconds);

public sealed record DriftDocument(int Add, int Overwrite, int Remove, int Total);

public sealed record ErrorDocument(string Message, string? Code, int? Status, string? RequestId, string? CorrelationId, bool Transient, DateTimeOffset? At);

public sealed record RegistrationDocument(
    string Id,
    string Name,
    string? LastResult,
    DateTimeOffset? LastTickAt,
    DateTimeOffset? LastSuccessAt,
    DriftDocument? PendingDrift,
    IReadOnlyList<string> PendingChanges,
    string? Blocked,
    int WithheldRemovals,
    IReadOnlyList<string> GuardViolations,
    LastWrites? LastWrites,
    ErrorDocument? LastError,
    int ConsecutiveFailures);

/// <summary>The <c>/status</c> JSON document (camelCase).</summary>
public sealed record StatusDocument(
    ServiceStatus Service,
    bool Ready,
    IReadOnlyList<string> NotReady,
    DesiredStatus? Desired,
    TickStatus? LastTick,
    IReadOnlyList<RegistrationDocument> Registrations);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StatusDocument))]
internal sealed partial class WatchJsonContext : JsonSerializerContext;
