using TenantReconciler.Reconciling;
using static TenantReconciler.Tests.Support.Scenario;

namespace TenantReconciler.Tests.Reconciling;

/// <summary>
/// Every status of the engine's outcome, directly, on the in-memory ARM: what the engine decides from the desired state,
/// the listings and the policy, read from its public result (status, plan, results, violations) and from what reached ARM.
/// The wire is the emulator tests' job.
/// </summary>
public sealed class ReconcileStatusTests
{
    private static readonly Guid T1 = Id("10000000", 1);
    private static readonly Guid T2 = Id("10000000", 2);
    private static readonly Guid T3 = Id("10000000", 3);
    private static readonly Guid S1 = Id("20000000", 1);
    private static readonly Guid S2 = Id("20000000", 2);
    private static readonly Guid S3 = Id("20000000", 3);
    private static readonly Guid S9 = Id("20000000", 9);

    // InSync

    [Fact]
    public async Task ReconcileAsync_LiveMatchesDesired_InSyncWithNoChangeAndNoRequestButTheListing()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1), (S2, T2)).Have(A, (S1, T1), (S2, T2));
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.InSync, outcome.Status);
        Assert.False(outcome.Plan!.HasChanges);
        Assert.Empty(outcome.Violations);
        Assert.Null(outcome.Applied);
        Assert.Equal((1, 0, 0), (arm.Lists, arm.Puts, arm.Deletes));
    }

    [Fact]
    public async Task ReconcileAsync_ArmNamesTheSubscriptionsInUpperCase_InSync()
    {
        // Arrange: the file spells the ids in lower case, ARM in upper case; GUIDs compare case-insensitively.
        var world = new Scenario().Want(A, (S1, T1)).Have(A, (S1, T1)).UpperCase(A);
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.InSync, outcome.Status);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_FileSaysSuspendButNothingDrifted_InSync()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A, (S1, T1)).Suspend();

        // Act
        var outcome = await ReconcileAsync(world.Arm(), world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.InSync, outcome.Status);
    }

    // Applied

    [Fact]
    public async Task ReconcileAsync_AddOverwriteAndRemoval_AppliedEveryChangeDoneAndArmMatchesTheFile()
    {
        // Arrange: S1→T1 is an add, S2 T3→T2 an overwrite, S9 a removal.
        var world = new Scenario().Want(A, (S1, T1), (S2, T2)).Have(A, (S2, T3), (S9, T3));
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.Applied, outcome.Status);
        Assert.Equal(3, outcome.Applied!.Results.Count);
        Assert.All(outcome.Applied.Results, r => Assert.Equal(ChangeOutcome.Done, r.Outcome));
        Assert.False(outcome.After!.HasChanges);
        Assert.Equal(new Dictionary<Guid, Guid> { [S1] = T1, [S2] = T2 }, arm.Get(A));
        Assert.Equal(2, arm.Lists); // the listing, and the fresh one after the writes
    }

    [Fact]
    public async Task ReconcileAsync_RemovalOfAnUpperCaseName_DeleteAddressesTheResourceAsArmSpellsIt()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A, (S1, T1), (S9, T3)).UpperCase(A);
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.Applied, outcome.Status);
        var delete = Assert.Single(arm.Writes);
        Assert.Equal(("DELETE", S9.ToString("D").ToUpperInvariant()), (delete.Method, delete.Name));
    }

    [Fact]
    public async Task ReconcileAsync_ListingOverSeveralPages_EveryPageReadAndApplied()
    {
        // Arrange: 5 live mappings at 2 a page are 3 pages; the mapping on the last page is the one to remove.
        var kept = Enumerable.Range(1, 4).Select(i => (Id("30000000", i), Id("40000000", i))).ToArray();
        var world = new Scenario().Want(A, kept).Have(A, [.. kept, (Id("30000000", 5), T3)]);
        var arm = world.Arm();
        arm.PageSize = 2;

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.Applied, outcome.Status);
        Assert.Equal(Id("30000000", 5), Assert.Single(outcome.Plan!.Registrations.Single().Changes, c => c.Action == ChangeAction.Remove).CustomerSubscriptionId);
        Assert.Equal(3 + 2, arm.PagesRead); // 3 pages, then 2 after the removal
    }

    [Fact]
    public async Task ReconcileAsync_NoRemovalsScope_AppliesAddsAndOverwritesAndWithholdsTheRemoval()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1), (S2, T2)).Have(A, (S2, T3), (S9, T3));
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy(WriteScope.NoRemovals));

        // Assert
        Assert.Equal(ReconcileStatus.Applied, outcome.Status);
        Assert.Equal([S9], outcome.Withheld.Select(w => w.Change.CustomerSubscriptionId));
        Assert.All(arm.Writes, w => Assert.Equal("PUT", w.Method));
        Assert.Equal(new Dictionary<Guid, Guid> { [S1] = T1, [S2] = T2, [S9] = T3 }, arm.Get(A));
    }

    // Drift

    [Fact]
    public async Task ReconcileAsync_NoneScope_DriftWithTheGuardsJudgedAndNothingWritten()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1), (S2, T2)).Have(A, (S2, T3), (S9, T3)).Protect(T3);
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy(WriteScope.None));

        // Assert
        Assert.Equal(ReconcileStatus.Drift, outcome.Status);
        Assert.Contains(outcome.Violations, v => v.Guard == PruneGuards.ProtectedTenant);
        Assert.Equal(3, outcome.Withheld.Count);
        Assert.True(outcome.Plan!.HasChanges);
        Assert.Null(outcome.Applied);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_NoRemovalsScopeAndOnlyARemovalPending_DriftAndNothingWritten()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A, (S1, T1), (S9, T3));
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy(WriteScope.NoRemovals));

        // Assert
        Assert.Equal(ReconcileStatus.Drift, outcome.Status);
        Assert.Equal([S9], outcome.Withheld.Select(w => w.Change.CustomerSubscriptionId));
        Assert.Empty(arm.Writes);
    }

    // Suspended

    [Fact]
    public async Task ReconcileAsync_FileSaysSuspend_SuspendedWithNothingWrittenUnlessIgnored()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A, (S2, T3)).Suspend();
        var arm = world.Arm();

        // Act
        var suspended = await ReconcileAsync(arm, world.Desired(), Policy());
        var writesWhileSuspended = arm.Writes.Count;
        var ignored = await ReconcileAsync(arm, world.Desired(), Policy() with { IgnoreSuspend = true });

        // Assert
        Assert.Equal(ReconcileStatus.Suspended, suspended.Status);
        Assert.True(suspended.Plan!.HasChanges);
        Assert.Equal(0, writesWhileSuspended);
        Assert.Equal(ReconcileStatus.Applied, ignored.Status);
    }

    [Fact]
    public async Task ReconcileAsync_CallerSuspends_SuspendedEvenWithIgnoreSuspend()
    {
        // Arrange: watch --suspend is the caller's; --ignore-suspend only overrides the file's.
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy() with { Suspended = true, IgnoreSuspend = true });

        // Assert
        Assert.Equal(ReconcileStatus.Suspended, outcome.Status);
        Assert.Empty(arm.Writes);
    }

    // GuardRefused

    [Fact]
    public async Task ReconcileAsync_MoreRemovalsThanTheDefaultThresholdAndTheFileRaisesIt_GuardRefusedUntilTheCommandLineRaisesIt()
    {
        // Arrange: 6 removals; the same file says maxRemovals: 50, which may only tighten the guard.
        var live = Enumerable.Range(1, 6).Select(i => (Id("30000000", i), Id("40000000", i))).ToArray();
        var world = new Scenario().Want(A).Have(A, live).MaxRemovals(A, 50);
        var arm = world.Arm();

        // Act
        var refused = await ReconcileAsync(arm, world.Desired(), Policy(guards: new GuardOverrides(AllowEmpty: true)));
        var writesWhenRefused = arm.Writes.Count;
        var raised = await ReconcileAsync(arm, world.Desired(), Policy(guards: new GuardOverrides(AllowEmpty: true, MaxRemovals: 6)));

        // Assert
        Assert.Equal(ReconcileStatus.GuardRefused, refused.Status);
        Assert.Contains(refused.Violations, v => v.Guard == PruneGuards.RemovalThreshold && v.Registration == A && v.Count == 6);
        Assert.Null(refused.Applied);
        Assert.Equal(0, writesWhenRefused);
        Assert.Equal(ReconcileStatus.Applied, raised.Status);
        Assert.Empty(arm.Get(A));
    }

    [Fact]
    public async Task ReconcileAsync_DesiredEmptiesARegistration_GuardRefusedWithoutAllowEmpty()
    {
        // Arrange
        var world = new Scenario().Want(A).Have(A, (S1, T1));
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.GuardRefused, outcome.Status);
        Assert.Contains(outcome.Violations, v => v.Guard == PruneGuards.EmptyRegistration && v.Registration == A);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_NoRemovalsScopeAndAProtectedTenantMoves_GuardRefusedOnTheFullPlan()
    {
        // Arrange: T1 moves from S1 (not desired) to S3. The scope drops the DELETE, but under replace semantics the PUT
        // alone moves the mapping: the guard must judge the full plan (issue 7, item 5).
        var world = new Scenario().Want(A, (S3, T1)).Have(A, (S1, T1)).Protect(T1);
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy(WriteScope.NoRemovals));

        // Assert
        Assert.Equal(ReconcileStatus.GuardRefused, outcome.Status);
        Assert.Contains(outcome.Violations, v => v.Guard == PruneGuards.ProtectedTenant);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_GuardRefuses_TheApprovalIsNeverAsked()
    {
        // Arrange
        var world = new Scenario().Want(A).Have(A, (S1, T1));
        var asked = 0;

        // Act
        var outcome = await ReconcileAsync(world.Arm(), world.Desired(), Policy(), new Confirming(_ => { asked++; return true; }));

        // Assert
        Assert.Equal(ReconcileStatus.GuardRefused, outcome.Status);
        Assert.Equal(0, asked);
    }

    // PlanMismatch

    [Fact]
    public async Task ReconcileAsync_ApprovedPlanAndArmChangedSince_PlanMismatchNamingTheStaleRegistrationAndNothingWritten()
    {
        // Arrange: the plan is approved on one listing; then someone maps S2 by hand.
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var arm = world.Arm();
        var approved = await ApproveAsync(arm, world.Desired());
        arm.Set(A, (S2, T2));

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy() with { Approved = approved });

        // Assert
        Assert.Equal(ReconcileStatus.PlanMismatch, outcome.Status);
        Assert.Equal([A], outcome.Stale);
        Assert.NotNull(outcome.Mismatch);
        Assert.False(outcome.Mismatch!.IsEmpty);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_ApprovedPlanOnTheSameListing_AppliedAsApproved()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var arm = world.Arm();
        var approved = await ApproveAsync(arm, world.Desired());

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy() with { Approved = approved });

        // Assert
        Assert.Equal(ReconcileStatus.Applied, outcome.Status);
        Assert.Equal(("PUT", S1, (Guid?)T1), (Assert.Single(arm.Writes).Method, arm.Writes[0].Subscription, arm.Writes[0].Tenant));
    }

    [Fact]
    public async Task ReconcileAsync_ApprovedPlanForOtherRegistrations_PlanMismatch()
    {
        // Arrange: the plan was approved for A alone; the run is for A and B (B in sync, so no change differs).
        var world = new Scenario().Want(A, (S1, T1)).Have(A).Want(B, (S2, T2)).Have(B, (S2, T2));
        var arm = world.Arm();
        var approved = await ApproveAsync(arm, new Scenario().Want(A, (S1, T1)).Desired());

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy() with { Approved = approved });

        // Assert
        Assert.Equal(ReconcileStatus.PlanMismatch, outcome.Status);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_DesiredStateCannotBeDerivedFromTheListing_PlanMismatchWithTheReason()
    {
        // Arrange: an undo derives its desired state from the listing and the journal; here that fails.
        var arm = new Scenario().Have(A, (S1, T1)).Arm();
        var request = new ReconcileRequest([A], _ => throw new ReconcilerException("the journal's entries do not match the listing."));

        // Act
        var outcome = await new Reconciler(arm).ReconcileAsync(request, Policy(), CancellationToken.None);

        // Assert
        Assert.Equal(ReconcileStatus.PlanMismatch, outcome.Status);
        Assert.Equal("the journal's entries do not match the listing.", outcome.Error!.Message);
        Assert.Null(outcome.Plan);
        Assert.Empty(arm.Writes);
    }

    // ClaimRefused

    [Fact]
    public async Task ReconcileAsync_RecorderRefusesTheClaim_ClaimRefusedWithTheReasonAndNothingWritten()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy(), new UnattendedCaller { Observer = new RefusingJournal("plan was already applied.") });

        // Assert
        Assert.Equal(ReconcileStatus.ClaimRefused, outcome.Status);
        Assert.Equal("plan was already applied.", outcome.Error!.Message);
        Assert.Null(outcome.Applied);
        Assert.Empty(arm.Writes);
    }

    // NotApproved

    [Fact]
    public async Task ReconcileAsync_ApprovalRefused_NotApprovedAndNothingWritten()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A, (S9, T3));
        var arm = world.Arm();
        ReconcileReview? review = null;

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy(WriteScope.NoRemovals), new Confirming(r => { review = r; return false; }));

        // Assert: asked about the full plan and what of it this run writes.
        Assert.Equal(ReconcileStatus.NotApproved, outcome.Status);
        Assert.Equal(2, review!.Plan.Registrations.Single().Changes.Count(c => c.Action != ChangeAction.Unchanged));
        Assert.Equal(ChangeAction.Add, Assert.Single(review.Permitted.Registrations.Single().Changes, c => c.Action != ChangeAction.Unchanged).Action);
        Assert.Empty(arm.Writes);
    }

    // ListFailed

    [Fact]
    public async Task ReconcileAsync_OneOfTwoListingsFails_ListFailedWithItsErrorNoPlanAndNothingWrittenAnywhere()
    {
        // Arrange: B's listing is refused; A alone would need a write.
        var world = new Scenario().Want(A, (S1, T1)).Have(A).Want(B, (S2, T2)).Have(B);
        var arm = world.Arm();
        arm.BeforeList = r => r == B ? Task.FromException(InMemoryArm.Failure(403)) : Task.CompletedTask;

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.ListFailed, outcome.Status);
        Assert.Equal("AuthorizationFailed", Assert.IsType<ArmRequestException>(outcome.Error).ErrorCode);
        Assert.Null(outcome.Plan);
        Assert.Empty(outcome.Live);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_RegistrationMissingInArm_ListFailed()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1));
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.ListFailed, outcome.Status);
        Assert.Equal(404, Assert.IsType<ArmRequestException>(outcome.Error).Status);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_ListingTruncatedAfterThePage_ListFailedFailClosed()
    {
        // Arrange: page 2 comes back empty; page 1 alone would make S2 and S3 look unmapped (and removable).
        var world = new Scenario().Want(A, (S1, T1), (S2, T2), (S3, T3)).Have(A, (S1, T1), (S2, T2), (S3, T3), (S9, T3));
        var arm = world.Arm();
        arm.PageSize = 2;
        arm.TruncateListing(A, page: 2);

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.ListFailed, outcome.Status);
        Assert.Equal(ArmCustomerSubscriptionClient.EmptyPageErrorCode, Assert.IsType<ArmRequestException>(outcome.Error).ErrorCode);
        Assert.Null(outcome.Plan);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_ListingChangesBetweenPages_ListFailedOnTheDuplicateAndNothingWritten()
    {
        // Arrange: after page 1 someone maps a subscription that sorts first, so page 2 repeats page 1's last item.
        var world = new Scenario().Want(A, (S2, T2), (S3, T3)).Have(A, (S2, T2), (S3, T3), (S9, T3));
        var arm = world.Arm();
        arm.PageSize = 2;
        arm.BetweenPages = (r, page) => arm.Set(r, (S1, T1), (S2, T2), (S3, T3), (S9, T3));

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.ListFailed, outcome.Status);
        Assert.Equal(ArmRequestException.DuplicateListItemCode, Assert.IsType<ArmRequestException>(outcome.Error).ErrorCode);
        Assert.Empty(arm.Writes);
    }

    // WriteFailed

    [Fact]
    public async Task ReconcileAsync_OneWriteFails_WriteFailedThatChangeFailedAndTheOthersDone()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1), (S2, T2), (S3, T3)).Have(A);
        var arm = world.Arm();
        arm.FailWrite(A, S2, new ArmRequestException("PUT failed: 400 (BadCustomerSubscriptionId).", 400, "BadCustomerSubscriptionId", "req-bad", null));

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.WriteFailed, outcome.Status);
        var failed = Assert.Single(outcome.Applied!.Results, r => r.Outcome == ChangeOutcome.Failed);
        Assert.Equal((S2, "BadCustomerSubscriptionId"), (failed.Change.CustomerSubscriptionId, failed.ErrorCode));
        Assert.Equal(2, outcome.Applied.Count(ChangeOutcome.Done));
        Assert.Equal(new Dictionary<Guid, Guid> { [S1] = T1, [S3] = T3 }, arm.Get(A));
        Assert.True(outcome.After!.HasChanges);
    }

    [Fact]
    public async Task ReconcileAsync_CanNotDeleteLockOnTheRegistration_WriteFailedAddsDoneRemovalsRefusedOrNotAttempted()
    {
        // Arrange: a lock refuses DELETE with 409 ScopeLocked; after the first refusal no other write of A starts.
        var world = new Scenario().Want(A, (S1, T1)).Have(A, (S2, T2), (S9, T3)).Lock(A, "CanNotDelete");
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy() with { Parallelism = 1 });

        // Assert
        Assert.Equal(ReconcileStatus.WriteFailed, outcome.Status);
        var results = outcome.Applied!.Results;
        Assert.Equal(ChangeOutcome.Done, Assert.Single(results, r => r.Change.Action == ChangeAction.Add).Outcome);
        var removals = results.Where(r => r.Change.Action == ChangeAction.Remove).ToArray();
        Assert.Equal(PlanApplier.ScopeLockedErrorCode, removals[0].ErrorCode);
        Assert.Equal([ChangeOutcome.Failed, ChangeOutcome.NotAttempted], removals.Select(r => r.Outcome));
        Assert.Equal(new Dictionary<Guid, Guid> { [S1] = T1, [S2] = T2, [S9] = T3 }, arm.Get(A));
    }

    [Fact]
    public async Task ReconcileAsync_ReadOnlyLock_WriteFailedAndNothingChanges()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1)).Have(A).Lock(A, "ReadOnly");
        var arm = world.Arm();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.WriteFailed, outcome.Status);
        Assert.Equal(PlanApplier.ScopeLockedErrorCode, Assert.Single(outcome.Applied!.Results).ErrorCode);
        Assert.Empty(arm.Get(A));
    }

    [Fact]
    public async Task ReconcileAsync_WriteLandsButItsAnswerIsLost_WriteFailedAndTheFreshListingShowsItDone()
    {
        // Arrange: the PUT reaches ARM, the answer never comes back: the outcome is unknown until a fresh listing.
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var arm = world.Arm();
        arm.LoseAnswer(A, S1);

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert: reported as failed (it was not confirmed), and the re-listing is the truth.
        Assert.Equal(ReconcileStatus.WriteFailed, outcome.Status);
        Assert.Equal(ChangeOutcome.Failed, Assert.Single(outcome.Applied!.Results).Outcome);
        Assert.False(outcome.After!.HasChanges);
        Assert.Equal(new Dictionary<Guid, Guid> { [S1] = T1 }, arm.Get(A));
    }

    [Fact]
    public async Task ReconcileAsync_FreshListingFailsAfterTheWrites_WriteFailedWithTheListingError()
    {
        // Arrange: the first listing passes, the one after the writes is refused.
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var arm = world.Arm();
        var listings = 0;
        arm.BeforeList = _ => ++listings > 1 ? Task.FromException(InMemoryArm.Failure(503)) : Task.CompletedTask;

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy());

        // Assert
        Assert.Equal(ReconcileStatus.WriteFailed, outcome.Status);
        Assert.Equal(ChangeOutcome.Done, Assert.Single(outcome.Applied!.Results).Outcome);
        Assert.Equal(503, Assert.IsType<ArmRequestException>(outcome.Error).Status);
        Assert.Null(outcome.After);
    }

    [Fact]
    public async Task ReconcileAsync_CredentialStopsGivingTokens_WriteFailedTheRestNotAttemptedAndNoReListing()
    {
        // Arrange
        var world = new Scenario().Want(A, (S1, T1), (S2, T2), (S3, T3)).Have(A);
        var arm = world.Arm();
        var noToken = new TokenUnavailableException(new ReconcilerException("the federated token expired."));
        arm.FailWrite(A, S1, noToken);

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy() with { Parallelism = 1 });

        // Assert
        Assert.Equal(ReconcileStatus.WriteFailed, outcome.Status);
        Assert.Same(noToken, outcome.Error);
        Assert.Equal(3, outcome.Applied!.Count(ChangeOutcome.NotAttempted));
        Assert.Empty(arm.Writes);
        Assert.Equal(1, arm.Lists);
    }

    // Interrupted

    [Fact]
    public async Task ReconcileAsync_StopStartingBeforeTheWrites_InterruptedAndNothingStarts()
    {
        // Arrange: the listing passes; the stop comes when the first write is announced.
        var world = new Scenario().Want(A, (S1, T1), (S2, T2), (S3, T3)).Have(A);
        var arm = world.Arm();
        using var stop = new CancellationTokenSource();

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy() with { Parallelism = 1 }, new UnattendedCaller { StopStarting = stop.Token, Observer = new StopOnFirstStart(stop) });

        // Assert
        Assert.Equal(ReconcileStatus.Interrupted, outcome.Status);
        Assert.All(outcome.Applied!.Results, r => Assert.Equal(ChangeOutcome.NotAttempted, r.Outcome));
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_StopStartingWhileListing_InterruptedWithNoPlan()
    {
        // Arrange: the listing is held until the stop.
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var arm = world.Arm();
        using var stop = new CancellationTokenSource();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        arm.BeforeList = _ =>
        {
            stop.Cancel();
            return held.Task;
        };

        // Act
        var outcome = await ReconcileAsync(arm, world.Desired(), Policy(), new UnattendedCaller { StopStarting = stop.Token });

        // Assert
        Assert.Equal(ReconcileStatus.Interrupted, outcome.Status);
        Assert.Null(outcome.Plan);
        Assert.Empty(arm.Writes);
    }

    [Fact]
    public async Task ReconcileAsync_CancelledWhileAWriteIsInFlight_InterruptedAndThatChangeFailedAsCancelled()
    {
        // Arrange: the PUT is held in ARM until the caller cancels.
        var world = new Scenario().Want(A, (S1, T1)).Have(A);
        var arm = world.Arm();
        using var cancel = new CancellationTokenSource();
        arm.BeforeWrite = async _ =>
        {
            await cancel.CancelAsync();
            cancel.Token.ThrowIfCancellationRequested();
        };

        // Act
        var outcome = await new Reconciler(arm).ReconcileAsync(world.Desired(), Policy(), cancel.Token);

        // Assert
        Assert.Equal(ReconcileStatus.Interrupted, outcome.Status);
        var result = Assert.Single(outcome.Applied!.Results);
        Assert.Equal((ChangeOutcome.Failed, PlanApplier.CancelledErrorCode), (result.Outcome, result.ErrorCode));
        Assert.Empty(arm.Writes);
    }

    private static Task<ReconcileOutcome> ReconcileAsync(InMemoryArm arm, DesiredState desired, ReconcilePolicy policy, IReconcileCaller? caller = null) =>
        new Reconciler(arm).ReconcileAsync(desired, policy, caller ?? UnattendedCaller.None, CancellationToken.None);

    private static ReconcilePolicy Policy(WriteScope? scope = null, GuardOverrides? guards = null) =>
        new() { Scope = scope ?? WriteScope.Full, Guards = guards ?? new GuardOverrides() };

    /// <summary>The plan a reviewer saw: made from a listing that writes nothing, with that listing's fingerprints.</summary>
    private static async Task<ApprovedPlan> ApproveAsync(InMemoryArm arm, DesiredState desired)
    {
        var seen = await ReconcileAsync(arm, desired, Policy(WriteScope.None));
        return new ApprovedPlan(Guid.NewGuid(), "sha256:reviewed", seen.Plan!, seen.Live.ToDictionary(l => l.Registration, LiveFingerprint.Of));
    }

    private sealed class StopOnFirstStart(CancellationTokenSource stop) : IApplyObserver
    {
        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
        {
            stop.Cancel();
            return ValueTask.CompletedTask;
        }

        public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;
    }

    /// <summary>A journal whose claim is refused (a saved plan applied before).</summary>
    private sealed class RefusingJournal(string reason) : IApplyObserver
    {
        public Task BeginAsync(Plan plan, PlanClaim? claim, CancellationToken cancellationToken) => throw new ReconcilerException(reason);

        public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;
    }

    /// <summary>A caller that answers the confirmation with <paramref name="answer"/>.</summary>
    private sealed class Confirming(Func<ReconcileReview, bool> answer) : IReconcileCaller
    {
        public CancellationToken StopStarting => CancellationToken.None;

        public IApplyObserver? Observer => null;

        public ValueTask<bool> ConfirmAsync(ReconcileReview review, CancellationToken cancellationToken) => ValueTask.FromResult(answer(review));
    }
}
