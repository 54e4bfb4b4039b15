using static TenantReconciler.Tests.Persistence.JournalTestSupport;

namespace TenantReconciler.Tests.Persistence;

/// <summary>What actually keeps a second writer out of the local journal: another handle's lock, another process's flock.</summary>
public sealed class FileJournalLockTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task StartedAsync_AnotherWriterHoldsTheFile_WaitsForItThenAppends()
    {
        // Arrange: a store that does not wait, and another writer in the middle of its append.
        var path = _temp.File("journal.jsonl");
        var store = new FileJournalStore(path) { LockWait = TimeSpan.Zero };
        await using var journal = await store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        var plan = AddsPlan(1);
        var other = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        // Act
        var refused = await Assert.ThrowsAsync<ReconcilerException>(() => journal.StartedAsync(plan, CancellationToken.None));
        await other.DisposeAsync();
        await journal.StartedAsync(plan, CancellationToken.None);

        // Assert
        Assert.Contains("locked by another writer", refused.Message, StringComparison.Ordinal);
        Assert.Single((await store.ReadAsync(CancellationToken.None)).Entries);
    }

    [Fact]
    public async Task StartedAsync_AnotherProcessHoldsAnExclusiveFlock_Refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // flock(1) is a Unix tool; on Windows the sharing mode is the lock (the test above).
        }

        // Arrange: flock(1) from util-linux takes flock(LOCK_EX) on the journal and holds it until we say.
        var path = _temp.File("journal.jsonl");
        var store = new FileJournalStore(path) { LockWait = TimeSpan.Zero };
        await using var journal = await store.OpenAsync(new JournalOpenOptions(ArmEndpoint, new FakeTimeProvider()), CancellationToken.None);
        using var holder = ChildProcess.Start("flock", [path, "-c", "echo locked; read line"], new ChildOptions { KeepInput = true });
        await holder.PrintedAsync("locked\n");
        Assert.Equal("locked\n", holder.Stdout);

        // Act
        var refused = await Assert.ThrowsAsync<ReconcilerException>(() => journal.StartedAsync(AddsPlan(1), CancellationToken.None));
        await holder.TypeAsync("done\n");
        await holder.ExitAsync();
        await journal.StartedAsync(AddsPlan(1), CancellationToken.None);

        // Assert
        Assert.Contains("locked by another writer", refused.Message, StringComparison.Ordinal);
        Assert.Single((await store.ReadAsync(CancellationToken.None)).Entries);
    }

    [Fact]
    public async Task Apply_TwoCliProcessesIntoOneJournalAtOnce_LoseNoLine()
    {
        // Arrange: two registrations, one apply each, as two processes; the first PUT of each is held until both
        // processes are mid-apply, so their journal writes overlap.
        const int Adds = 40;
        var firstPut = new[] { NewGate(), NewGate() };
        await using var bed = await CliTestBed.StartAsync(EmptyState(), new EmulatorOptions
        {
            Middleware =
            [
                async (HttpContext context, RequestDelegate next) =>
                {
                    if (context.Request.Method == "PUT")
                    {
                        firstPut[context.Request.Path.Value!.Contains(Name(0), StringComparison.Ordinal) ? 0 : 1].TrySetResult();

                        // A ceiling, not a synchronisation: the assertion on interleaving fails if it is ever reached.
                        await Task.WhenAny(Task.WhenAll(firstPut[0].Task, firstPut[1].Task), Task.Delay(TimeSpan.FromSeconds(60)));
                    }

                    await next(context);
                },
            ],
        });
        var files = new[] { bed.Temp.Write("a.yaml", Desired(0, Adds)), bed.Temp.Write("b.yaml", Desired(1, Adds)) };

        // Act
        using var a = Start(bed, files[0]);
        using var b = Start(bed, files[1]);
        var results = await Task.WhenAll(a.ExitAsync(), b.ExitAsync());

        // Assert
        Assert.True(results[0].ExitCode == 0, results[0].ToString());
        Assert.True(results[1].ExitCode == 0, results[1].ToString());
        var contents = JournalReader.Read(bed.Journal);
        Assert.Equal(0, contents.SkippedLines);
        var applies = contents.Entries.Select(e => e.ApplyId).Distinct().ToArray();
        Assert.Equal(2, applies.Length);
        foreach (var apply in applies)
        {
            var sequences = contents.Entries.Where(e => e.ApplyId == apply).Select(e => e.Sequence!.Value).Order();
            Assert.Equal(Enumerable.Range(0, 1 + (2 * Adds) + 1), sequences);
        }

        var order = contents.Entries.Select(e => e.ApplyId).ToArray();
        var firstOfSecond = Array.IndexOf(order, applies[1]);
        Assert.Contains(applies[0], order[firstOfSecond..]); // they were written at the same time, interleaved
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static ChildProcess Start(CliTestBed bed, string yaml) =>
        ChildProcess.StartCli(["apply", "-f", yaml, "--auto-approve", "--journal", bed.Journal, .. bed.Connection]);

    private static RegistrationRef Registration(int registration) =>
        new(Guid.Parse($"7a00000{registration}-0000-0000-0000-000000000000"), "azurestack", Name(registration));

    private static string Name(int registration) => $"azurestack-journal-{registration}";

    private static EmulatorState EmptyState() => new Scenario().Have(Registration(0)).Have(Registration(1)).EmulatorState();

    private static string Desired(int registration, int adds) => new Scenario()
        .Want(Registration(registration), [.. Enumerable.Range(0, adds).Select(i => (Scenario.Id($"5e00000{registration}", i), Scenario.Id($"8c00000{registration}", i)))])
        .Yaml();
}
