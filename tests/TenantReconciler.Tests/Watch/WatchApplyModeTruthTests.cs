using TenantReconciler.Cli.Watch.Notifications;
using static TenantReconciler.Tests.Watch.NotificationReports;

namespace TenantReconciler.Tests.Watch;

/// <summary><c>watch --mode apply</c> says what it did: a move is a move, and the removals it withholds are drift it detected.</summary>
public sealed class WatchApplyModeTruthTests : IDisposable
{
    private static readonly RegistrationRef A = WatchHarness.A;
    private static readonly RegistrationRef B = WatchHarness.B;
    private readonly Cli.TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Watch_ApplyModeMovesATenant_WrittenAsAMoveInTheReportAndTheMetrics()
    {
        // Arrange: TenantA is live on Extra; the file wants it on SubscriptionA: a move (PUT, and the DELETE withheld).
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = WatchEndToEndTests.State((A, [(WatchHarness.Extra, WatchHarness.TenantA)]), (B, [(WatchHarness.SubscriptionB, WatchHarness.TenantB)])),
            OverwriteSemantics = OverwriteSemantics.Independent,
        });
        var file = _temp.Write("tenants.yaml", WatchHarness.Yaml());

        // Act
        await using var watch = await WatchRun.StartAsync(emulator, _temp, file, options: ["--mode", "apply"]);
        var tick = await watch.Events.NextAsync<TickReport>();
        var (_, metrics) = await watch.GetAsync("/metrics");

        // Assert
        var a = tick.Registrations.Single(r => r.Registration == A);
        var written = Assert.Single(a.Writes);
        Assert.Equal(ChangeAction.Overwrite, written.Change.Action);
        Assert.Equal(WatchHarness.Extra, written.Change.MovedFromSubscriptionId);
        var counted = metrics.Split('\n').Where(l => l.StartsWith("tenant_reconciler_changes_total{", StringComparison.Ordinal)).ToArray();
        Assert.Contains(counted, l => l.Contains("action=\"overwrite\",result=\"done\"", StringComparison.Ordinal));
        Assert.DoesNotContain(counted, l => l.Contains("action=\"add\"", StringComparison.Ordinal));
        Assert.DoesNotContain(emulator.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public void Next_WritesThatLeaveRemovalsWithheld_DriftCorrectedAndDriftDetectedThenNothing()
    {
        // Arrange: a tick that wrote an add and left a removal withheld; then the same removal left again.
        var detector = new TransitionDetector();
        var add = Add(WatchHarness.SubscriptionA);
        var removal = new PlannedChange
        {
            Action = ChangeAction.Remove,
            CustomerSubscriptionId = WatchHarness.Extra,
            CustomerSubscriptionName = WatchHarness.Extra.ToString("D"),
            PreviousTenantId = WatchHarness.ExtraTenant,
        };
        var applied = Applied(A, add) with { Pending = [removal], Withheld = [removal] };
        var withheld = Drift(A, removal) with { Blocked = WriteBlock.None, Withheld = [removal] };

        // Act
        var first = detector.Next(Tick(1, applied), Start);
        var again = detector.Next(Tick(2, withheld), Start);

        // Assert
        Assert.Equal([NotificationKind.DriftCorrected, NotificationKind.DriftDetected], first.Select(n => n.Kind));
        Assert.Equal(1, first[1].ChangeCount);
        Assert.Empty(again);
    }

    [Fact]
    public void Evaluate_ProtectedTenantRemoved_TheSafeFixFirst()
    {
        // Arrange
        var registration = A;
        var tenant = WatchHarness.TenantA;
        var plan = new Plan([new RegistrationPlan(registration, [new PlannedChange
        {
            Action = ChangeAction.Remove,
            CustomerSubscriptionId = WatchHarness.SubscriptionA,
            CustomerSubscriptionName = WatchHarness.SubscriptionA.ToString("D"),
            PreviousTenantId = tenant,
            BillingFallbackTenantId = tenant,
        }])]);
        var desired = new TenantReconciler.Desired.DesiredState(
            "tenants.yaml", AzureCloud.AzureCloud, "2017-06-01",
            [new TenantReconciler.Desired.DesiredRegistration(registration, [new TenantReconciler.Desired.DesiredTenant(WatchHarness.TenantB, WatchHarness.SubscriptionB, null, new TenantReconciler.Desired.SourceLocation("tenants.yaml", 2, 1))], new TenantReconciler.Desired.SourceLocation("tenants.yaml", 1, 1))],
            Protect: [tenant]);

        // Act
        var violation = Assert.Single(PruneGuards.Evaluate(plan, desired, new GuardOverrides()), v => v.Guard == PruneGuards.ProtectedTenant);

        // Assert
        var keep = violation.Message.IndexOf("To keep it, add it back to tenants.yaml", StringComparison.Ordinal);
        var unprotect = violation.Message.IndexOf("take it off 'protect:'", StringComparison.Ordinal);
        Assert.True(keep >= 0 && keep < unprotect, violation.Message);
    }
}
