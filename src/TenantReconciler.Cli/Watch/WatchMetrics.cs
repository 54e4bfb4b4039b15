using System.Diagnostics.Metrics;
using TenantReconciler.Applying;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// The service's instruments, on the meter <c>TenantReconciler</c>, exported at <c>/metrics</c> by OpenTelemetry's
/// Prometheus exporter. Counters and the histogram are fed by the loop; the gauges read <see cref="WatchStatus"/>.
/// </summary>
public sealed class WatchMetrics : IWatchObserver
{
    public const string MeterName = "TenantReconciler";

    private static readonly double[] DurationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Counter<long> _ticks;
    private readonly Histogram<double> _tickDuration;
    private readonly Counter<long> _changes;
    private readonly Counter<long> _results;
    private readonly Histogram<double> _reconcileDuration;

    public WatchMetrics(IMeterFactory meters, WatchStatus status, IWriteLeadership leadership)
    {
        var meter = meters.Create(MeterName, ToolInfo.Version);
        _ticks = meter.CreateCounter<long>("tenant_reconciler_ticks_total", description: "Ticks run, by outcome: ok, invalid (the desired-state file), error.");
        _tickDuration = Seconds(meter, "tenant_reconciler_tick_duration_seconds", "How long a tick took: read, list, plan and write every due registration.");
        _changes = meter.CreateCounter<long>("tenant_reconciler_changes_total", description: "Changes written, by action (add, overwrite, remove) and result (done, failed, not_attempted).");
        _results = meter.CreateCounter<long>("tenant_reconciler_registration_ticks_total", description: "Registrations reconciled, by registration and result.");
        _reconcileDuration = Seconds(meter, "tenant_reconciler_reconcile_duration_seconds", "How long one registration's reconcile took (list, plan, guards, writes), by registration.");
        meter.CreateObservableGauge(
            "tenant_reconciler_drift_changes",
            () => status.Registrations.Where(r => r.Listed).SelectMany(DriftByAction),
            description: "Changes pending per registration and action (add, overwrite, remove) after its last listing.");
        meter.CreateObservableGauge(
            "tenant_reconciler_registration_info",
            () => status.Registrations.Select(r => new Measurement<int>(1, Info(r, status.Suspended))),
            description: "1 per registration; its labels say whether it is Ready (true, false, unknown) and suspended (true, false).");
        meter.CreateObservableGauge(
            "tenant_reconciler_registration_stalled",
            () => status.Registrations.Select(r => new Measurement<int>(
                r.Health.Phase == HealthPhase.Stalled ? 1 : 0,
                new KeyValuePair<string, object?>("registration", r.Registration.Name),
                new KeyValuePair<string, object?>("reason", r.Health.Phase == HealthPhase.Stalled ? r.Health.Reason : ""))),
            description: "1 while a registration is Stalled (it failed for a reason a retry will not fix); the reason label says why.");
        meter.CreateObservableGauge(
            "tenant_reconciler_drift",
            () => status.Registrations.Where(r => r.Listed).Select(r => new Measurement<long>(r.Drift, Tags(r.Registration))),
            description: "Changes pending per registration after its last listing: drift not (yet) corrected.");
        meter.CreateObservableGauge(
            "tenant_reconciler_last_success_timestamp_seconds",
            () => status.Registrations
                .Where(r => r.LastSuccessAt is not null)
                .Select(r => new Measurement<double>(r.LastSuccessAt!.Value.ToUnixTimeMilliseconds() / 1000.0, Tags(r.Registration))),
            unit: "s",
            description: "Unix time of the last successful tick per registration.");
        meter.CreateObservableGauge("tenant_reconciler_leader", () => leadership.IsLeader ? 1 : 0, description: "1 while this replica may write.");
        meter.CreateObservableGauge("tenant_reconciler_suspended", () => status.Suspended == SuspendSource.None ? 0 : 1, description: "1 while writes are suspended (--suspend or suspend: true).");
        meter.CreateObservableGauge(
            "tenant_reconciler_desired_valid",
            () => status.Desired is { } desired ? [new Measurement<int>(desired.Valid ? 1 : 0)] : Array.Empty<Measurement<int>>(),
            description: "1 when the last read of the desired-state file was valid.");
    }

    /// <summary>A duration histogram in seconds, on <see cref="DurationBuckets"/>.</summary>
    private static Histogram<double> Seconds(Meter meter, string name, string description) =>
        meter.CreateHistogram(name, unit: "s", description: description, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public void OnTickCompleted(TickReport report)
    {
        var outcome = report.Error is not null ? "error" : !report.DesiredValid ? "invalid" : "ok";
        _ticks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _tickDuration.Record(report.Duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        foreach (var registration in report.Registrations)
        {
            var tags = Tags(registration.Registration);
            _reconcileDuration.Record(registration.Duration.TotalSeconds, tags[0]);
            _results.Add(1, [tags[0], tags[1], new("result", WatchStatus.Kebab(registration.Result))]);
            foreach (var write in registration.Writes)
            {
                _changes.Add(
                    1,
                    new KeyValuePair<string, object?>("action", Action(write.Change.Action)),
                    new KeyValuePair<string, object?>("result", write.Outcome switch
                    {
                        ChangeOutcome.Done => "done",
                        ChangeOutcome.Failed => "failed",
                        _ => "not_attempted",
                    }));
            }
        }
    }

    private static IEnumerable<Measurement<long>> DriftByAction(RegistrationStatus registration)
    {
        var summary = PlanSummary.Of(registration.Pending);
        var name = new KeyValuePair<string, object?>("registration", registration.Registration.Name);
        yield return new Measurement<long>(summary.Add, name, new("action", "add"));
        yield return new Measurement<long>(summary.Overwrite, name, new("action", "overwrite"));
        yield return new Measurement<long>(summary.Remove, name, new("action", "remove"));
    }

    private static KeyValuePair<string, object?>[] Info(RegistrationStatus registration, SuspendSource suspended) =>
    [
        new("registration", registration.Registration.Name),
        new("ready", (registration.Conditions.FirstOrDefault(c => c.Type == StatusConditions.Ready)?.Status ?? "Unknown").ToLowerInvariant()),
        new("suspended", suspended == SuspendSource.None ? "false" : "true"),
    ];

    private static string Action(ChangeAction action) => action switch
    {
        ChangeAction.Add => "add",
        ChangeAction.Overwrite => "overwrite",
        ChangeAction.Remove => "remove",
        _ => "unchanged",
    };

    private static KeyValuePair<string, object?>[] Tags(RegistrationRef registration) =>
    [
        new("registration", registration.Name),
        new("subscription", registration.SubscriptionId.ToString("D")),
    ];
}
