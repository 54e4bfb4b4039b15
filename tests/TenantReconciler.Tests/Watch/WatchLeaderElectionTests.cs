using TenantReconciler.Tests.Leasing;

namespace TenantReconciler.Tests.Watch;

/// <summary>
/// Two replicas of the built CLI share a blob lease on a real Azurite and one emulator. The emulator's own log of
/// writes (with each request's User-Agent, set per replica by --application-id) proves there is never more than one writer:
/// each write's start and end take a number from one counter, so the assertion is on order, never on elapsed time.
/// </summary>
public sealed class WatchLeaderElectionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly Cli.TempDirectory _temp = new();
    private readonly ConcurrentQueue<Write> _writes = new();
    private readonly TaskCompletionSource _secondWriter = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _firstWriter;
    private long _sequence;

    public void Dispose() => _temp.Dispose();

    [AzuriteFact]
    public async Task Watch_TwoReplicasLeaderKilled_OtherTakesOverAndNeverTwoWriters()
    {
        // Arrange
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions
        {
            InitialState = WatchEndToEndTests.State((WatchHarness.A, []), (WatchHarness.B, [])),
            Middleware = [RecordWritesAsync],
        });
        var file = _temp.Write("tenants.yaml", WatchHarness.Yaml());
        var pem = _temp.Write("emulator.pem", emulator.CertificatePem);
        var connectionString = await azurite.GetConnectionStringAsync();
        var container = AzuriteFixture.NewContainer();
        WatchProcess Replica(string name) => WatchProcess.Start(
            "-f", file, "--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", pem, "--auth", "emulator", "--mode", "full",
            "--interval", "1s", "--listen", "127.0.0.1:0", "--replica-id", name, "--application-id", name,
            "--lease-connection-string", connectionString, "--lease-container", container, "--lease-duration", "15s");
        using var r1 = Replica("replica-1");
        using var r2 = Replica("replica-2");
        var replicas = new Dictionary<string, WatchProcess> { ["replica-1"] = r1, ["replica-2"] = r2 };

        // The first leader converges the drift it starts with.
        var leaderName = await FirstLeaderAsync(replicas);
        var leader = replicas[leaderName];
        var other = replicas.Single(r => r.Key != leaderName);
        await leader.WaitForAsync(e => WatchProcess.Is(e, "WatchLog", 10) && WatchProcess.Field(e, "Result") == "in-sync");
        await other.Value.WaitForAsync(e => WatchProcess.Is(e, "WatchLog", 10) && WatchProcess.Field(e, "Leader") == "False");

        // Act: the leader crashes (SIGKILL: no release), and drift appears behind everyone's back.
        leader.Kill();
        await leader.WaitForExitAsync(TimeSpan.FromSeconds(10));
        emulator.Reset(WatchEndToEndTests.State((WatchHarness.A, []), (WatchHarness.B, [])));
        await _secondWriter.Task.WaitAsync(TimeSpan.FromSeconds(90));
        await other.Value.WaitForAsync(e => WatchProcess.Is(e, "WatchLog", 10) && WatchProcess.Field(e, "Result") == "in-sync" && WatchProcess.Field(e, "Leader") == "True");
        other.Value.Terminate();
        var exitCode = await other.Value.WaitForExitAsync(TimeSpan.FromSeconds(30));

        // Assert: the writers never overlap: all of the first leader's writes end before the second's begin.
        var writes = _writes.OrderBy(w => w.Started).ToArray();
        var firstWrites = writes.Where(w => w.Replica == leaderName).ToArray();
        var secondWrites = writes.Where(w => w.Replica == other.Key).ToArray();
        Assert.Equal(writes.Length, firstWrites.Length + secondWrites.Length);
        Assert.NotEmpty(firstWrites);
        Assert.NotEmpty(secondWrites);
        Assert.True(firstWrites.Max(w => w.Ended) <= secondWrites.Min(w => w.Started), "a write of the second leader began before the first leader's last write ended");
        Assert.Equal(WatchHarness.TenantA, WatchEndToEndTests.TenantOf(emulator.Snapshot(), WatchHarness.A, WatchHarness.SubscriptionA));
        Assert.True(exitCode == 0, other.Value.Stderr);
        Assert.Contains(other.Value.Events, e => WatchProcess.Is(e, "LeaderElector", 0) && e.GetProperty("Message").GetString()!.StartsWith("Released the lease", StringComparison.Ordinal));
    }

    /// <summary>Waits for the first write and returns which replica sent it; that one must also say it leads.</summary>
    private static async Task<string> FirstLeaderAsync(Dictionary<string, WatchProcess> replicas)
    {
        var first = await Task.WhenAny(replicas.Select(async r =>
        {
            await r.Value.WaitForAsync(e => WatchProcess.Is(e, "WriteGate", 31));
            return r.Key;
        }));
        return await first;
    }

    private async Task RecordWritesAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsPut(context.Request.Method) && !HttpMethods.IsDelete(context.Request.Method))
        {
            await next(context);
            return;
        }

        var replica = context.Request.Headers.UserAgent.ToString().Split(' ')[0];
        var started = Interlocked.Increment(ref _sequence);
        await next(context);
        _writes.Enqueue(new Write(replica, started, Interlocked.Increment(ref _sequence)));
        if (Interlocked.CompareExchange(ref _firstWriter, replica, null) is { } first && first != replica)
        {
            _secondWriter.TrySetResult();
        }
    }

    private sealed record Write(string Replica, long Started, long Ended);
}
