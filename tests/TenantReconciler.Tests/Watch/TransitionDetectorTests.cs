using TenantReconciler.Cli.Watch.Notifications;
using Xunit;
using static TenantReconciler.Tests.Watch.NotificationReports;

namespace TenantReconciler.Tests.Watch;

public sealed class TransitionDetectorTests
{
    private static readonly RegistrationRef A = WatchHarness.A;
    private static readonly RegistrationRef B = WatchHarness.B;

    [Fact]
    public void Next_ConvergedFromTheStart_SendsNothing()
    {
        // Arrange
        var detector = new TransitionDetector();

        // Act
        var sent = Enumerable.Range(1, 10).SelectMany(n => detector.Next(Tick(n, InSync(A), InSync(B)), Start)).ToArray();

        // Assert
        Assert.Empty(sent);
    }

    [Fact]
    public void Next_SameDriftSeenAgain_OneDriftDetectedAndAnotherForNewDrift()
    {
        // Arrange
        var detector = new TransitionDetector();
        var one = Add(WatchHarness.SubscriptionA);
        var two = Add(WatchHarness.Extra);

        // Act
        var first = detector.Next(Tick(1, Drift(A, one)), Start);
        var again = detector.Next(Tick(2, Drift(A, one)), Start);
        var more = detector.Next(Tick(3, Drift(A, one, two)), Start);

        // Assert
        Assert.Equal(NotificationKind.DriftDetected, Assert.Single(first).Kind);
        Assert.Empty(again);
        var news = Assert.Single(more);
        Assert.Equal(2, news.ChangeCount);
        Assert.Equal("sha256:gen-1", news.Generation);
    }

    [Fact]
    public void Next_PermanentFailureThenGuardThenRecovery_StalledOnceGuardRefusedOnceRecovered()
    {
        // Arrange
        var detector = new TransitionDetector();
        var change = Add(WatchHarness.SubscriptionA);

        // Act
        var kinds = new[]
        {
            detector.Next(Tick(1, ListFailed(A, 403)), Start),
            detector.Next(Tick(2, ListFailed(A, 403)), Start),
            detector.Next(Tick(3, GuardRefused(A, change)), Start),
            detector.Next(Tick(4, GuardRefused(A, change)), Start),
            detector.Next(Tick(5, ListFailed(A, 503)), Start),
            detector.Next(Tick(6, ListFailed(A, 503)), Start),
            detector.Next(Tick(7, InSync(A)), Start),
        }.Select(sent => sent.Select(n => n.Kind).ToArray()).ToArray();

        // Assert
        Assert.Equal(
            [[NotificationKind.Stalled], [], [NotificationKind.GuardRefused], [], [NotificationKind.ApplyFailed], [], [NotificationKind.Recovered]],
            kinds);
    }

    [Fact]
    public void Next_FileInvalidTwiceThenAnotherRevisionThenFixed_OnePerRevisionAndRecovered()
    {
        // Arrange
        var detector = new TransitionDetector();
        detector.Next(Tick(1, InSync(A)), Start);

        // Act
        var first = detector.Next(Invalid(2, "sha256:bad-1"), Start);
        var same = detector.Next(Invalid(3, "sha256:bad-1"), Start);
        var other = detector.Next(Invalid(4, "sha256:bad-2"), Start);
        var fixedAgain = detector.Next(Tick(5, InSync(A)), Start);

        // Assert
        var invalid = Assert.Single(first);
        Assert.Equal(NotificationKind.FileInvalid, invalid.Kind);
        Assert.Equal("tenants.yaml", invalid.Subject);
        Assert.Null(invalid.Registration);
        Assert.Contains("tenants.yaml:3:5", Assert.Single(invalid.Changes), StringComparison.Ordinal);
        Assert.Empty(same);
        Assert.Single(other);
        var recovered = Assert.Single(fixedAgain);
        Assert.Equal((NotificationKind.Recovered, "tenants.yaml"), (recovered.Kind, recovered.Subject));
    }

    [Fact]
    public void Next_NotTheLeader_SendsNothingButRemembers()
    {
        // Arrange
        var detector = new TransitionDetector();
        var change = Add(WatchHarness.SubscriptionA);

        // Act
        var follower = detector.Next(Tick(1, Drift(A, change)) with { Leader = false }, Start);
        var leader = detector.Next(Tick(2, Drift(A, change)), Start);
        var corrected = detector.Next(Tick(3, Applied(A, change)), Start);

        // Assert
        Assert.Empty(follower);
        Assert.Empty(leader);
        var sent = Assert.Single(corrected);
        Assert.Equal(NotificationKind.DriftCorrected, sent.Kind);
        Assert.Equal(1, sent.ChangeCount);
    }

    [Fact]
    public void Next_ManyChanges_ListsAtMostTheCapWithTheFullCount()
    {
        // Arrange
        var detector = new TransitionDetector();
        var changes = Enumerable.Range(0, 50).Select(_ => Add(Guid.NewGuid())).ToArray();

        // Act
        var sent = Assert.Single(detector.Next(Tick(1, Drift(A, changes)), Start));

        // Assert
        Assert.Equal(50, sent.ChangeCount);
        Assert.Equal(WatchNotification.MaxListedChanges, sent.Changes.Count);
    }
}
