using System.Diagnostics.Metrics;
using TenantReconciler.Live;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// Who pays, as one tick saw it for one registration with a <c>stamp:</c>: the tenants whose usage in the window is
/// billed to the registration subscription while nobody meant it (<c>audit</c>'s leak: unbilled tenants, and desired
/// tenants the registration does not map yet), or why that cannot be known. Built from the engine's outcome by
/// <see cref="OutcomeMapping.BillingLeak"/> (<c>audit</c>'s computation, on the listing after the tick's writes).
/// </summary>
/// <param name="Unbilled">Largest usage first; null when <see cref="UnknownReason"/> says why it is not known.</param>
public sealed record BillingLeakState(RegistrationRef Registration, UsageWindow? Window, IReadOnlyList<AuditTenant>? Unbilled, string? UnknownReason)
{
    public const string ConditionType = "BillingLeak";

    public bool IsKnown => Unbilled is not null;

    public decimal Usage => Unbilled?.Sum(t => t.Quantity) ?? 0;
}

/// <summary>
/// The service's view of who pays, per registration with a stamp, kept from tick to tick: the gauges
/// <c>tenant_reconciler_unbilled_tenants</c> and <c>tenant_reconciler_unbilled_usage</c> (only while the usage is
/// known: a series that is absent is unknown, never zero) and the <c>BillingLeak</c> condition of <c>/status</c>, which
/// keeps its <c>lastTransitionTime</c> while its status stays the same. Registrations not due on a tick keep theirs.
/// An observer of the loop; read by any request thread.
/// </summary>
public sealed class BillingLeakMonitor : IWatchObserver
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private Dictionary<RegistrationRef, (BillingLeakState State, StatusCondition Condition)> _registrations = [];

    public BillingLeakMonitor(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        var meter = meters.Create(WatchMetrics.MeterName, ToolInfo.Version);
        meter.CreateObservableGauge(
            "tenant_reconciler_unbilled_tenants",
            () => Known().Select(s => new Measurement<long>(s.Unbilled!.Count, new KeyValuePair<string, object?>("registration", s.Registration.Name))),
            description: "Tenants with usage on the registration's stamp in the window and no mapping (billed to the registration subscription), as audit counts them; absent while the usage is unknown.");
        meter.CreateObservableGauge(
            "tenant_reconciler_unbilled_usage",
            () => Known().Select(s => new Measurement<double>((double)s.Usage, new KeyValuePair<string, object?>("registration", s.Registration.Name))),
            description: "Those tenants' usage in the window, every meter summed; absent while the usage is unknown.");
    }

    /// <summary>Each registration's last state, in no particular order.</summary>
    public IReadOnlyList<BillingLeakState> States
    {
        get
        {
            lock (_lock)
            {
                return [.. _registrations.Values.Select(v => v.State)];
            }
        }
    }

    public void OnTickCompleted(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var next = report.Desired is { } desired
                ? _registrations.Where(p => desired.Contains(p.Key)).ToDictionary()
                : new Dictionary<RegistrationRef, (BillingLeakState State, StatusCondition Condition)>(_registrations);
            foreach (var registration in report.Registrations)
            {
                if (registration.Billing is not { } state)
                {
                    next.Remove(registration.Registration);
                    continue;
                }

                var condition = OutcomeMapping.BillingLeakCondition(state, now);
                if (next.TryGetValue(registration.Registration, out var previous))
                {
                    condition = condition.KeepingTransitionOf([previous.Condition]);
                }

                next[registration.Registration] = (state, condition);
            }

            _registrations = next;
        }
    }

    /// <summary><paramref name="document"/> with the <c>BillingLeak</c> condition on each registration that has a stamp.</summary>
    public StatusDocument AddTo(StatusDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Dictionary<string, StatusCondition> conditions;
        lock (_lock)
        {
            if (_registrations.Count == 0)
            {
                return document;
            }

            conditions = _registrations.ToDictionary(p => p.Key.Id.ToString(), p => p.Value.Condition, StringComparer.OrdinalIgnoreCase);
        }

        return document with
        {
            Registrations = [.. document.Registrations.Select(r => conditions.TryGetValue(r.Id, out var condition) ? r with { Conditions = [.. r.Conditions, condition] } : r)],
        };
    }

    private BillingLeakState[] Known()
    {
        lock (_lock)
        {
            return [.. _registrations.Values.Select(v => v.State).Where(s => s.IsKnown)];
        }
    }
}
