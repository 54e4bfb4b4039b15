using System.Text.Json;
using System.Text.Json.Serialization;
using TenantReconciler.Applying;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Watch;

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
    /// <summary>What the last judged tick means (see <see cref="OutcomeMapping.Judge"/>).</summary>
    public RegistrationHealth Health { get; init; } = RegistrationHealth.NotYetReconciled;

    /// <summary>Ready, plus Reconciling and Stalled when true.</summary>
    public IReadOnlyList<StatusCondition> Conditions { get; init; } = [];

    /// <summary>The SHA-256 of the desired-state file the last judged tick used.</summary>
    public string? ObservedGeneration { get; init; }

    public static RegistrationStatus New(RegistrationRef registration) => New(registration, DateTimeOffset.UnixEpoch);

    /// <summary>A registration first seen at <paramref name="at"/>: Ready Unknown, Reconciling.</summary>
    public static RegistrationStatus New(RegistrationRef registration, DateTimeOffset at) =>
        new(registration, null, null, null, [], WriteBlock.None, 0, [], null, null, null, 0)
        {
            Conditions = OutcomeMapping.Conditions([], RegistrationHealth.NotYetReconciled, at),
        };

    /// <summary>The health a tick judged, with the conditions it implies and the generation it used.</summary>
    public RegistrationStatus Judged(RegistrationHealth health, string? generation, DateTimeOffset now) => this with
    {
        Health = health,
        Conditions = OutcomeMapping.Conditions(Conditions, health, now),
        ObservedGeneration = generation ?? ObservedGeneration,
    };

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
            ConsecutiveFailures)
        {
            ObservedGeneration = ObservedGeneration,
            Conditions = Conditions,
        };
    }
}

public sealed record LastWrites(DateTimeOffset At, int Done, int Failed, int NotAttempted, IReadOnlyList<string> RequestIds);

/// <param name="File">The desired-state files, as given (sanitised when shown).</param>
/// <param name="Diagnostics">Each problem as <c>file:line:column: error CODE</c>, without its message: the message quotes the file's values, and /status shows no value of the file but a registration's identity. The log has the messages.</param>
public sealed record DesiredStatus(string File, string? Sha256, bool Valid, IReadOnlyList<string> Diagnostics, DateTimeOffset ReadAt);

public sealed record TickStatus(long Number, string Reason, DateTimeOffset StartedAt, double DurationSeconds, WatchError? Error);

public sealed record ServiceStatus(
    string Replica,
    string Version,
    string Mode,
    string Interval,
    bool Suspended,
    string? SuspendedBy,
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
    int ConsecutiveFailures)
{
    /// <summary>The SHA-256 of the desired-state file that the conditions describe (kstatus' observedGeneration).</summary>
    public string? ObservedGeneration { get; init; }

    /// <summary>Kubernetes-style conditions (kstatus): <c>Ready</c>, and <c>Reconciling</c> or <c>Stalled</c> when true.</summary>
    public IReadOnlyList<StatusCondition> Conditions { get; init; } = [];
}

/// <summary>The <c>/status</c> JSON document (camelCase).</summary>
/// <param name="Ready">What <c>/readyz</c> answers: the service serves. An invalid desired-state file does not make it false
/// (as with Flux and Argo CD, that is the <see cref="Conditions"/>' <c>Stalled</c>, and <see cref="Desired"/>).</param>
public sealed record StatusDocument(
    ServiceStatus Service,
    bool Ready,
    IReadOnlyList<string> NotReady,
    DesiredStatus? Desired,
    TickStatus? LastTick,
    IReadOnlyList<RegistrationDocument> Registrations)
{
    /// <summary>
    /// The service's own conditions (kstatus): <c>Ready</c>, and <c>Stalled</c> while the desired-state file is invalid
    /// (reason <c>DesiredStateInvalid</c>), which holds even before any registration is known.
    /// </summary>
    public IReadOnlyList<StatusCondition> Conditions { get; init; } = [];
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StatusDocument))]
internal sealed partial class WatchJsonContext : JsonSerializerContext;
