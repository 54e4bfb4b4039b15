namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The CLI as a real child process, killed (SIGKILL) at random points of a 200-change apply and re-run, many times:
/// it converges every time, nothing is lost, and the journal stays readable after every kill.
/// </summary>
public sealed class KilledApplyTests
{
    private const int Kills = 6;

    private static readonly RegistrationRef Registration = new(Guid.Parse("6513270e-269e-4d37-b2a7-4de452e6b438"), "azurestack", "azurestack-kill");

    [Fact]
    public async Task Apply_KilledAtRandomPointsThenReRun_ConvergesWithNothingLostAndAReadableJournal()
    {
        // Arrange: 20 unchanged, 50 overwritten, 50 removed, 100 added = 200 changes; each write takes 5 ms.
        var writes = 0;
        var killAt = int.MaxValue;
        TaskCompletionSource reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await CliTestBed.StartAsync(Live(), new EmulatorOptions
        {
            Faults = new FaultProfile { Seed = 1, Put = new FaultRule { LatencyMs = 5 }, Delete = new FaultRule { LatencyMs = 5 } },
            Middleware =
            [
                async (HttpContext context, RequestDelegate next) =>
                {
                    if (context.Request.Method is "PUT" or "DELETE" && Interlocked.Increment(ref writes) >= Volatile.Read(ref killAt))
                    {
                        reached.TrySetResult();
                    }

                    await next(context);
                },
            ],
        });
        var yaml = bed.Temp.Write("tenants.yaml", Desired());
        var random = new Random(20261125);
        var killed = 0;

        // Act + Assert: kill, check the journal, repeat.
        for (var kill = 0; kill < Kills; kill++)
        {
            Volatile.Write(ref killAt, Volatile.Read(ref writes) + random.Next(1, 30));
            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var process = Start(bed, yaml);
            var finished = await Task.WhenAny(reached.Task, process.ExitedAsync());
            if (finished == reached.Task)
            {
                process.Kill();
                killed++;
            }

            await process.ExitAsync();
            var journal = JournalReader.Read(bed.Journal);
            Assert.True(journal.SkippedLines <= kill + 1, $"{journal.SkippedLines} unreadable journal lines after {kill + 1} kills");
            Assert.NotEmpty(journal.Entries);
        }

        var final = await Start(bed, yaml).ExitAsync();
        var plan = await bed.RunAsync("plan", "-f", yaml, "--detailed-exitcode");

        Assert.True(killed >= Kills / 2, $"only {killed} of {Kills} runs were killed mid-apply");
        Assert.True(final.ExitCode == 0, final.ToString());
        Assert.True(plan.ExitCode == 0, plan.ToString());
        var live = bed.Emulator.Snapshot().Registrations[0].CustomerSubscriptions
            .Select(c => (Guid.Parse(c.SubscriptionId), Guid.Parse(c.TenantId)))
            .Order()
            .ToArray();
        Assert.Equal(DesiredPairs().Order().ToArray(), live);
    }

    private static ChildProcess Start(CliTestBed bed, string yaml) =>
        ChildProcess.StartCli(["apply", "-f", yaml, "--auto-approve", "--max-removals", "1000", "--journal", bed.Journal, .. bed.Connection]);

    private static Guid S(int i) => Scenario.Id("5d000000", i);

    private static Guid T(int i) => Scenario.Id("8a000000", i);

    private static Guid T2(int i) => Scenario.Id("8b000000", i);

    /// <summary>Live: subscriptions 0-119 mapped to T(i), named in upper case.</summary>
    private static EmulatorState Live() => new Scenario()
        .Have(Registration, [.. Enumerable.Range(0, 120).Select(i => (S(i), T(i)))])
        .UpperCase(Registration)
        .EmulatorState();

    /// <summary>Desired: 0-19 unchanged, 20-69 to new tenants, 70-119 gone, 200-299 added.</summary>
    private static IEnumerable<(Guid, Guid)> DesiredPairs() =>
        Enumerable.Range(0, 20).Select(i => (S(i), T(i)))
            .Concat(Enumerable.Range(20, 50).Select(i => (S(i), T2(i))))
            .Concat(Enumerable.Range(200, 100).Select(i => (S(i), T(i))));

    private static string Desired() => new Scenario().Want(Registration, [.. DesiredPairs()]).Yaml();
}
