using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Applying;

/// <summary>
/// The applier through the real pipeline against the real emulator over HTTPS: what needs the wire (pacing, request ids,
/// an in-flight request aborted, Retry-After). Its logic alone is <see cref="PlanApplierTests"/>, on the in-memory ARM.
/// </summary>
public sealed class PlanApplierEmulatorTests
{
    [Fact]
    public async Task ApplyAsync_TwoRegistrationsFiftyChanges_ConvergesPutsBeforeDeletesWithinTheParallelismLimit()
    {
        // Arrange: per registration 10 live mappings, of which 2 kept, 3 overwritten, 5 removed, and 15 added: 23 changes.
        var live = new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>>
        {
            [RegistrationA] = Mappings(10),
            [RegistrationB] = Mappings(10),
        };
        var desired = live.ToDictionary(r => r.Key, r =>
        {
            var kept = r.Value.Take(5).ToDictionary(m => m.Key, m => m.Value);
            foreach (var subscription in kept.Keys.Skip(2).ToList())
            {
                kept[subscription] = Guid.NewGuid();
            }

            foreach (var (subscription, tenant) in Mappings(15))
            {
                kept[subscription] = tenant;
            }

            return (IReadOnlyDictionary<Guid, Guid>)kept;
        });
        var probe = new ConcurrencyProbe(holdUntil: 4, skip: 2); // the first PUT of each registration goes alone
        await using var emulator = await StartEmulatorAsync(live, probe.Middleware);
        var plan = new Plan([.. live.Keys.Select(r => Diff(r, desired[r], live[r]))]);
        var observer = new RecordingObserver();
        var applier = new PlanApplier(CreateClient(emulator), new ApplyOptions { Parallelism = 4 }, observer);

        // Act
        var result = await applier.ApplyAsync(plan, CancellationToken.None);

        // Assert
        Assert.Equal(46, result.Results.Count);
        Assert.True(result.Succeeded, string.Join("\n", result.Results.Where(r => r.Outcome != ChangeOutcome.Done).Select(r => r.Error)));
        Assert.All(result.Results, r => Assert.NotNull(r.RequestId));
        Assert.Equal(plan.Registrations.SelectMany(r => r.PendingChanges), result.Results.Select(r => r.Change));
        Assert.Equal(desired[RegistrationA], State(emulator, RegistrationA));
        Assert.Equal(desired[RegistrationB], State(emulator, RegistrationB));
        Assert.True(probe.Reached, "four requests were never in flight together");
        Assert.Equal(4, probe.Max);
        foreach (var registration in live.Keys)
        {
            var methods = emulator.Requests
                .Where(r => r.PathAndQuery.Contains($"/registrations/{registration.Name}/", StringComparison.Ordinal))
                .Select(r => r.Method)
                .ToList();
            Assert.Equal(18, methods.Count(m => m == "PUT"));
            Assert.Equal(5, methods.Count(m => m == "DELETE"));
            Assert.True(methods.LastIndexOf("PUT") < methods.IndexOf("DELETE"), $"{registration.Name}: a DELETE was answered before the last PUT");
        }

        Assert.Equal(92, observer.Events.Count);
        Assert.All(observer.Events.Where(e => e.Event == "completed"), e => Assert.Null(e.Error));
    }

    [Fact]
    public async Task ApplyAsync_ForbiddenAndBadRequestOnSomeChanges_TheyFailWithCodeAndRequestIdOthersAreDoneAndARerunConverges()
    {
        // Arrange
        var live = Mappings(6);
        var desired = live.Take(3).ToDictionary(m => m.Key, m => m.Value);
        foreach (var (subscription, tenant) in Mappings(12))
        {
            desired[subscription] = tenant;
        }

        var added = desired.Keys.Except(live.Keys).OrderBy(s => s).ToList();
        var forbidden = new HashSet<Guid> { added[1], added[7] };
        var badRequest = live.Keys.Except(desired.Keys).OrderBy(s => s).First();
        var failing = true;
        var requestIds = new System.Collections.Concurrent.ConcurrentDictionary<Guid, string>();
        await using var emulator = await StartEmulatorAsync(
            new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = live },
            (context, next) =>
            {
                var subscription = SubscriptionOf(context.Request.Path + context.Request.QueryString);
                if (Volatile.Read(ref failing) && subscription is { } id && (forbidden.Contains(id) || id == badRequest))
                {
                    requestIds[id] = context.Response.Headers["x-ms-request-id"].ToString();
                    return forbidden.Contains(id)
                        ? WriteErrorAsync(context, 403, "AuthorizationFailed")
                        : WriteErrorAsync(context, 400, "InvalidRequest");
                }

                return next(context);
            });
        var client = CreateClient(emulator);
        var applier = new PlanApplier(client, new ApplyOptions { Parallelism = 3 });

        // Act
        var first = await applier.ApplyAsync(new Plan([Diff(RegistrationA, desired, live)]), CancellationToken.None);
        Volatile.Write(ref failing, false);
        var relisted = (await client.ListAsync(RegistrationA, CancellationToken.None)).Mappings.ToDictionary(m => m.CustomerSubscriptionId, m => m.TenantId);
        var second = await applier.ApplyAsync(new Plan([Diff(RegistrationA, desired, relisted)]), CancellationToken.None);

        // Assert
        Assert.Equal(15, first.Results.Count);
        Assert.Equal(12, first.Count(ChangeOutcome.Done));
        Assert.Equal(3, first.Count(ChangeOutcome.Failed));
        Assert.Equal(0, first.Count(ChangeOutcome.NotAttempted));
        foreach (var failed in first.Results.Where(r => r.Outcome == ChangeOutcome.Failed))
        {
            var id = failed.Change.CustomerSubscriptionId;
            Assert.Equal(forbidden.Contains(id) ? "AuthorizationFailed" : "InvalidRequest", failed.ErrorCode);
            Assert.Equal(requestIds[id], failed.RequestId);
            Assert.Contains(id.ToString("D"), failed.Error, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(3, second.Results.Count);
        Assert.True(second.Succeeded);
        Assert.Equal(desired, State(emulator, RegistrationA));
        Assert.Single(emulator.Requests, r => SubscriptionOf(r.PathAndQuery) == forbidden.First() && r.Status == 403);
    }

    [Fact]
    public async Task ApplyAsync_CancelledWhenTheTenthRequestArrives_NothingStartsAfterAndEveryChangeIsAccountedFor()
    {
        // Arrange: the 10th request cancels the apply and is held until the client gives up on it.
        const int Parallelism = 4;
        var adds = Mappings(40);
        using var cancellation = new CancellationTokenSource();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        var arrivedAfterCancel = 0;
        Guid? heldSubscription = null;
        await using var emulator = await StartEmulatorAsync(
            new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = new Dictionary<Guid, Guid>() },
            async (context, next) =>
            {
                if (cancellation.IsCancellationRequested)
                {
                    Interlocked.Increment(ref arrivedAfterCancel);
                }

                if (Interlocked.Increment(ref arrived) == 10)
                {
                    heldSubscription = SubscriptionOf(context.Request.Path.Value!);
                    await cancellation.CancelAsync();
                    await Task.WhenAny(release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
                    return;
                }

                await next(context);
            });
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);
        var observer = new RecordingObserver();
        var applier = new PlanApplier(CreateClient(emulator), new ApplyOptions { Parallelism = Parallelism }, observer);

        // Act
        var result = await applier.ApplyAsync(plan, cancellation.Token);
        release.SetResult();

        // Assert
        Assert.InRange(arrivedAfterCancel, 0, Parallelism - 1);
        Assert.Equal(40, result.Results.Count);
        Assert.Equal(40, result.Count(ChangeOutcome.Done) + result.Count(ChangeOutcome.Failed) + result.Count(ChangeOutcome.NotAttempted));
        // When the 10th arrived, at most Parallelism requests were in flight (it included); each of those ends either way.
        Assert.InRange(result.Count(ChangeOutcome.Done), 10 - Parallelism, 9 + Parallelism - 1);
        Assert.InRange(result.Count(ChangeOutcome.Failed), 1, Parallelism);
        Assert.InRange(result.Count(ChangeOutcome.NotAttempted), 40 - 10 - (Parallelism - 1), 40 - 10);
        var held = Assert.Single(result.Results, r => r.Change.CustomerSubscriptionId == heldSubscription);
        Assert.Equal(ChangeOutcome.Failed, held.Outcome);
        Assert.Equal(PlanApplier.CancelledInFlightMessage, held.Error);
        Assert.Equal(PlanApplier.CancelledErrorCode, held.ErrorCode);
        Assert.All(result.Results.Where(r => r.Outcome == ChangeOutcome.Failed), r => Assert.Equal(PlanApplier.CancelledInFlightMessage, r.Error));

        var state = State(emulator, RegistrationA);
        var reached = emulator.Requests.Select(r => SubscriptionOf(r.PathAndQuery)).ToHashSet();
        Assert.All(result.Results.Where(r => r.Outcome == ChangeOutcome.Done), r => Assert.True(state.ContainsKey(r.Change.CustomerSubscriptionId)));
        Assert.All(result.Results.Where(r => r.Outcome == ChangeOutcome.NotAttempted), r => Assert.DoesNotContain(r.Change.CustomerSubscriptionId, reached));
        // A request started just as the token fired may be stopped by pacing before it is sent: the observer hears "not sent".
        var started = observer.Events.Count(e => e.Event == "starting");
        var completed = observer.Events.Where(e => e.Event == "completed").ToList();
        var notSent = completed.Count(e => e.Error?.ErrorCode == PlanApplier.NotSentErrorCode);
        Assert.Equal(started, completed.Count);
        Assert.Equal(result.Count(ChangeOutcome.Done) + result.Count(ChangeOutcome.Failed) + notSent, started);
    }

    [Fact]
    public async Task ApplyAsync_RetryAfterBeyondTheLimit_ThatChangeFailsFastWithTheReasonAndTheOthersAreDone()
    {
        // Arrange
        var adds = Mappings(5);
        var throttled = adds.Keys.Min();
        await using var emulator = await StartEmulatorAsync(
            new Dictionary<RegistrationRef, IReadOnlyDictionary<Guid, Guid>> { [RegistrationA] = new Dictionary<Guid, Guid>() },
            (context, next) =>
            {
                if (SubscriptionOf(context.Request.Path.Value!) != throttled)
                {
                    return next(context);
                }

                context.Response.Headers.RetryAfter = "3600";
                return WriteErrorAsync(context, 429, "SubscriptionRequestsThrottled");
            });
        var plan = new Plan([new RegistrationPlan(RegistrationA, [.. adds.OrderBy(m => m.Key).Select(m => Add(m.Key, m.Value))])]);

        // Act
        var result = await new PlanApplier(CreateClient(emulator)).ApplyAsync(plan, CancellationToken.None);

        // Assert
        var failed = Assert.Single(result.Results, r => r.Outcome == ChangeOutcome.Failed);
        Assert.Equal(throttled, failed.Change.CustomerSubscriptionId);
        Assert.Equal("SubscriptionRequestsThrottled", failed.ErrorCode);
        Assert.Contains("ARM asked to retry after 3600 s, more than {MaxRetryWait} 60 s; giving up on this change.", failed.Error, StringComparison.Ordinal);
        Assert.Equal(4, result.Count(ChangeOutcome.Done));
        Assert.Single(emulator.Requests, r => r.Status == 429);
    }
}
