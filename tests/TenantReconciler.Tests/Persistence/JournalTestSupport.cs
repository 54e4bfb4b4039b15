using TenantReconciler.Tests.Applying;

namespace TenantReconciler.Tests.Persistence;

/// <summary>Applies made by hand: what <c>PlanApplier</c> tells a journal, without ARM.</summary>
internal static class JournalTestSupport
{
    public const string ArmEndpoint = "https://management.azure.com";

    /// <summary>The content hash the tests issue their plans with.</summary>
    public const string ContentHash = "sha256:00000000000000000000000000000000000000000000000000000000000000aa";

    /// <summary>A new plan id, issued in <paramref name="store"/> with <see cref="ContentHash"/> (as <c>plan --out</c> does).</summary>
    public static async Task<Guid> IssuedPlanAsync(JournalStore store)
    {
        var planId = Guid.NewGuid();
        await store.IssuePlanAsync(planId, ContentHash, new FakeTimeProvider(), CancellationToken.None);
        return planId;
    }

    /// <summary>A plan of <paramref name="adds"/> adds in registration A.</summary>
    public static Plan AddsPlan(int adds) => new(
    [
        new RegistrationPlan(
            ApplyTestSupport.RegistrationA,
            [.. Enumerable.Range(0, adds).Select(_ => ApplyTestSupport.Add(Guid.NewGuid(), Guid.NewGuid())).OrderBy(c => c.CustomerSubscriptionId)]),
    ]);

    /// <summary>
    /// Writes a whole apply of <paramref name="plan"/> (every request done) as the applier would: started, each request
    /// before and after, finished. Returns the number of entries written.
    /// </summary>
    public static async Task<int> WriteApplyAsync(IApplyJournal journal, Plan plan)
    {
        await journal.StartedAsync(plan, CancellationToken.None);
        var results = new List<ChangeResult>();
        var entries = 1;
        foreach (var registration in plan.Registrations)
        {
            foreach (var operation in registration.Operations())
            {
                await journal.OnStartingAsync(registration.Registration, operation, CancellationToken.None);
                var written = new ArmWriteResult(200, "request-" + operation.CustomerSubscriptionName, null);
                await journal.OnCompletedAsync(registration.Registration, operation, written, null, CancellationToken.None);
                entries += 2;
            }

            results.AddRange(registration.PendingChanges.Select(c => new ChangeResult(registration.Registration, c, ChangeOutcome.Done)));
        }

        await journal.FinishedAsync(new ApplyResult(results), CancellationToken.None);
        return entries + 1;
    }

    /// <summary>Every entry of <paramref name="applyId"/> is there once, numbered 0 to count-1 in file order.</summary>
    public static void AssertComplete(JournalContents contents, Guid applyId, int count)
    {
        var sequences = contents.Entries.Where(e => e.ApplyId == applyId).Select(e => e.Sequence!.Value).ToArray();
        Assert.Equal(Enumerable.Range(0, count), sequences);
    }
}
