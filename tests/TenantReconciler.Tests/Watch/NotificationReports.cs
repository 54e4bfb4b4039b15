namespace TenantReconciler.Tests.Watch;

/// <summary>Tick reports as the loop makes them, for the observers' pure tests.</summary>
internal static class NotificationReports
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TickReport Tick(long number, params RegistrationReport[] registrations) => new()
    {
        Number = number,
        Reason = TickReason.Interval,
        StartedAt = Start.AddMinutes(5 * number),
        File = "tenants.yaml",
        DesiredSha256 = "sha256:gen-1",
        Desired = registrations.Select(r => r.Registration).ToArray(),
        Registrations = registrations,
        Mode = WatchMode.Apply,
        Leader = true,
    };

    public static TickReport Invalid(long number, string generation) => new()
    {
        Number = number,
        Reason = TickReason.FileChanged,
        StartedAt = Start.AddMinutes(5 * number),
        File = "tenants.yaml",
        DesiredSha256 = generation,
        Diagnostics = [new Diagnostic(new SourceLocation("tenants.yaml", 3, 5), "TR1001", "unknown key 'tenant'")],
        Mode = WatchMode.Apply,
        Leader = true,
    };

    public static PlannedChange Add(Guid subscription) => new()
    {
        Action = ChangeAction.Add,
        CustomerSubscriptionId = subscription,
        CustomerSubscriptionName = subscription.ToString("D"),
        TenantId = WatchHarness.TenantA,
    };

    public static RegistrationReport InSync(RegistrationRef registration) =>
        new() { Registration = registration, Result = RegistrationResult.InSync, Detected = new PlanSummary(0, 0, 0, 1) };

    public static RegistrationReport Drift(RegistrationRef registration, params PlannedChange[] pending) => new()
    {
        Registration = registration,
        Result = RegistrationResult.Drift,
        Detected = PlanSummary.Of(pending),
        Pending = pending,
        Blocked = WriteBlock.Suspended,
    };

    public static RegistrationReport Applied(RegistrationRef registration, params PlannedChange[] written) => new()
    {
        Registration = registration,
        Result = RegistrationResult.Applied,
        Detected = PlanSummary.Of(written),
        Writes = written.Select(c => new ChangeResult(registration, c, ChangeOutcome.Done, RequestId: "req-1")).ToArray(),
    };

    public static RegistrationReport ListFailed(RegistrationRef registration, int status) => new()
    {
        Registration = registration,
        Result = RegistrationResult.ListFailed,
        Error = WatchError.From(InMemoryArm.Failure(status)),
    };

    public static RegistrationReport GuardRefused(RegistrationRef registration, params PlannedChange[] pending) => new()
    {
        Registration = registration,
        Result = RegistrationResult.GuardRefused,
        Detected = PlanSummary.Of(pending),
        Pending = pending,
        Blocked = WriteBlock.Guard,
        Violations = [new GuardViolation("max-removals", registration, pending.Length, "too many removals.", "pass --allow-removals")],
    };
}
