namespace TenantReconciler.Tests.Watch;

/// <summary>SIGTERM to the built CLI in the middle of a tick's writes, against the real emulator.</summary>
public sealed class WatchShutdownTests : IDisposable
{
    private const int Tenants = 16;
    private readonly Cli.TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Watch_SigtermDuringWrites_ExitsZeroWithNothingHalfWrittenAndNoWriteAfterTheSignal()
    {
        // Arrange: 16 adds for A. The first PUT passes; every later one is held at the emulator until the test has seen
        // the service close its writes, so the signal always lands mid-tick, whatever the machine's load.
        var mappings = Enumerable.Range(1, Tenants).Select(i => (Subscription: Id(2, i), Tenant: Id(1, i))).ToArray();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var puts = 0;
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = WatchEndToEndTests.State((WatchHarness.A, [])),
            Middleware =
            [
                async (context, next) =>
                {
                    if (HttpMethods.IsPut(context.Request.Method) && Interlocked.Increment(ref puts) > 1)
                    {
                        await release.Task;
                    }

                    await next(context);
                },
            ],
        });
        var file = _temp.Write("tenants.yaml", Yaml(mappings));
        var pem = _temp.Write("emulator.pem", emulator.CertificatePem);
        var journal = _temp.File("journal.jsonl");
        using var watch = WatchProcess.Start(
            "-f", file, "--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", pem, "--auth", "emulator",
            "--listen", "127.0.0.1:0", "--mode", "full", "--interval", "1h", "--journal", journal);
        await watch.WaitForAsync(e => WatchProcess.Is(e, "WriteGate", 32)); // one write done: the tick is under way

        // Act: SIGTERM; once the writes are closed, the held PUTs (in flight) may finish.
        watch.Terminate();
        await watch.WaitForAsync(e => WatchProcess.Is(e, "WriteGate", 30));
        release.SetResult();
        var exitCode = await watch.WaitForExitAsync(TimeSpan.FromSeconds(120));

        // Assert: a clean exit.
        Assert.True(exitCode == 0, watch.Stderr);

        // No write started after the gate closed; every write started was finished and reported.
        var events = watch.Events;
        var closed = events.ToList().FindIndex(e => WatchProcess.Is(e, "WriteGate", 30));
        Assert.True(closed >= 0, "the gate close is logged");
        Assert.DoesNotContain(events.Skip(closed), e => WatchProcess.Is(e, "WriteGate", 31));
        var started = events.Where(e => WatchProcess.Is(e, "WriteGate", 31)).ToArray();
        var finished = events.Where(e => WatchProcess.Is(e, "WriteGate", 32)).ToArray();
        Assert.Equal(started.Length, finished.Length);
        Assert.All(finished, e => Assert.Equal("done", WatchProcess.Field(e, "Outcome")));
        Assert.InRange(started.Length, 1, Tenants - 1);

        // The emulator saw exactly the writes the log reports, and every mapping is either old (absent) or new.
        Assert.Equal(started.Length, emulator.Requests.Count(r => r.Method == "PUT"));
        var live = emulator.Snapshot().Registrations.Single().CustomerSubscriptions.ToDictionary(c => Guid.Parse(c.SubscriptionId), c => Guid.Parse(c.TenantId));
        Assert.Equal(started.Length, live.Count);
        Assert.All(live, m => Assert.Contains((m.Key, m.Value), mappings));

        // The journal agrees: every request it started, it finished.
        var entries = JournalReader.Read(journal).Entries;
        // (A request announced just as the writes closed is journaled as started, then as not sent.)
        Assert.Equal(entries.Count(e => e.Type == JournalEntry.RequestStarted), entries.Count(e => e.Type == JournalEntry.RequestFinished));
        Assert.Equal(started.Length, entries.Count(e => e.Type == JournalEntry.RequestFinished && e.Result == "done"));
        Assert.All(entries.Where(e => e.Type == JournalEntry.RequestFinished && e.Result != "done"), e => Assert.Equal(PlanApplier.NotSentErrorCode, e.ErrorCode));
        var registration = events.Single(e => WatchProcess.Is(e, "WatchLog", 10));
        Assert.Equal("interrupted", WatchProcess.Field(registration, "Result"));
        Assert.Contains(events, e => WatchProcess.Is(e, "WatchService", 2));
        Assert.DoesNotContain(TenantReconciler.Live.EmulatorTokenCredential.Token, watch.Stderr, StringComparison.Ordinal);
    }

    private static Guid Id(int kind, int i) => Guid.Parse($"{kind:D8}-0000-4000-8000-{i:D12}");

    private static string Yaml((Guid Subscription, Guid Tenant)[] mappings) => $"""
        registrations:
          - name: {WatchHarness.A.Name}
            subscriptionId: {WatchHarness.A.SubscriptionId}
            resourceGroup: {WatchHarness.A.ResourceGroup}
            tenants:
        {string.Concat(mappings.Select(m => $"      - tenantId: {m.Tenant}\n        customerSubscriptionId: {m.Subscription}\n"))}
        """;
}
