using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TenantReconciler.Tests.Watch;

/// <summary>Events of the loop, in order, for a test to wait on (no sleeps): ticks started and completed, and waits armed.</summary>
public sealed class RecordingObserver : IWatchObserver
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();
    private readonly ConcurrentQueue<TickReport> _completed = new();

    public IReadOnlyList<TickReport> Completed => _completed.ToArray();

    public void OnTickStarted(long number, TickReason reason) => _events.Writer.TryWrite(new Started(number, reason));

    public void OnTickCompleted(TickReport report)
    {
        _completed.Enqueue(report);
        _events.Writer.TryWrite(report);
    }

    public void OnWaiting(TimeSpan delay, DateTimeOffset wakeAt) => _events.Writer.TryWrite(new Waiting(delay, wakeAt));

    /// <summary>The next event of type <typeparamref name="T"/>, skipping others.</summary>
    public async Task<T> NextAsync<T>()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            while (true)
            {
                if (await _events.Reader.ReadAsync(timeout.Token) is T match)
                {
                    return match;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no {typeof(T).Name} within {Timeout}");
        }
    }

    /// <summary>The next event, whatever it is; null when there is none queued right now.</summary>
    public object? Peek() => _events.Reader.TryPeek(out var next) ? next : null;

    public sealed record Started(long Number, TickReason Reason);

    public sealed record Waiting(TimeSpan Delay, DateTimeOffset WakeAt);
}

/// <summary>
/// The watch loop in a real generic host (the production registrations of <see cref="WatchHost.AddWatchServices"/>),
/// on a fake clock, a seeded <see cref="Random"/> and <see cref="InMemoryArm"/>. No listener.
/// </summary>
public sealed class WatchHarness : IAsyncDisposable
{
    public static readonly RegistrationRef A = new(Guid.Parse("6513270e-269e-4d37-b2a7-4de452e6b438"), "azurestack", "reg-a");
    public static readonly RegistrationRef B = new(Guid.Parse("d23f0824-128b-4f33-8c5c-7fd0a6a3a450"), "azurestack", "reg-b");
    public static readonly Guid TenantA = Guid.Parse("9531985d-5d9d-49f8-9818-e811892f902b");
    public static readonly Guid SubscriptionA = Guid.Parse("0fd630f1-f29d-4da9-953f-48f1a09f76b5");
    public static readonly Guid TenantB = Guid.Parse("36f675cc-81e7-4ef5-a8e2-5d940ed90475");
    public static readonly Guid SubscriptionB = Guid.Parse("0cb1e29c-658c-4a14-95e6-0af593bd04cf");
    public static readonly Guid Extra = Guid.Parse("ae97ba94-d0ed-482f-8f6d-05584ef8aa38");
    public static readonly Guid ExtraTenant = Guid.Parse("90c192cf-d3ac-44af-8f21-ddb66cad4a26");

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private readonly IHost _host;
    private readonly Cli.TempDirectory _temp;

    private WatchHarness(IHost host, Cli.TempDirectory temp, string file)
    {
        _host = host;
        _temp = temp;
        File = file;
    }

    public FakeTimeProvider Time => (FakeTimeProvider)_host.Services.GetRequiredService<TimeProvider>();

    public InMemoryArm Arm => (InMemoryArm)_host.Services.GetRequiredService<IWatchArmClientSource>();

    public RecordingObserver Events => _host.Services.GetServices<IWatchObserver>().OfType<RecordingObserver>().Single();

    public WatchStatus Status => _host.Services.GetRequiredService<WatchStatus>();

    public IServiceProvider Services => _host.Services;

    public DesiredFileMonitor Monitor => _host.Services.GetRequiredService<DesiredFileMonitor>();

    public string File { get; }

    /// <summary>A desired state of A: SubscriptionA→TenantA and B: SubscriptionB→TenantB (plus <paramref name="extraYaml"/> at the top).</summary>
    public static string Yaml(string extraYaml = "") => $"""
        {extraYaml}
        registrations:
          - name: {A.Name}
            subscriptionId: {A.SubscriptionId}
            resourceGroup: {A.ResourceGroup}
            tenants:
              - tenantId: {TenantA}
                customerSubscriptionId: {SubscriptionA}
          - name: {B.Name}
            subscriptionId: {B.SubscriptionId}
            resourceGroup: {B.ResourceGroup}
            tenants:
              - tenantId: {TenantB}
                customerSubscriptionId: {SubscriptionB}
        """;

    public static async Task<WatchHarness> StartAsync(
        WatchMode mode = WatchMode.Apply,
        bool suspend = false,
        string? yaml = null,
        IWriteLeadership? leadership = null,
        Action<InMemoryArm>? arrange = null,
        int parallelism = 4,
        Func<WatchArguments, WatchArguments>? configure = null)
    {
        var temp = new Cli.TempDirectory();
        var file = temp.Write("tenants.yaml", yaml ?? Yaml());
        var arguments = new WatchArguments(
            [file], mode, Interval, suspend, new ListenAddress(null, 0), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), "test",
            new ConnectionArguments(null, null, null, null), null)
        {
            Parallelism = parallelism,
        };
        arguments = configure?.Invoke(arguments) ?? arguments;
        var arm = new InMemoryArm();

        // Drift everywhere: A lacks its mapping and has an extra one; B is right.
        arm.Set(A, (Extra, ExtraTenant));
        arm.Set(B, (SubscriptionB, TenantB));
        arrange?.Invoke(arm);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        builder.Services.AddWatchServices(arguments);
        builder.Services.AddSingleton(new Random(1234));
        builder.Services.AddSingleton<IWatchArmClientSource>(arm);
        builder.Services.AddSingleton<IWatchObserver>(new RecordingObserver());
        if (leadership is not null)
        {
            builder.Services.AddSingleton(leadership);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new WatchHarness(host, temp, file);
    }

    /// <summary>Advances the clock to the next wait's end (the wait must be armed: await a Waiting event first).</summary>
    public async Task<TickReport> NextTickAsync()
    {
        var waiting = await Events.NextAsync<RecordingObserver.Waiting>();
        Time.Advance(waiting.Delay);
        return await Events.NextAsync<TickReport>();
    }

    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _temp.Dispose();
    }
}

/// <summary>Leadership a test flips by hand.</summary>
public sealed class ManualLeadership : IWriteLeadership
{
    private CancellationTokenSource _term = new();

    public ManualLeadership(bool leader)
    {
        if (!leader)
        {
            _term.Cancel();
        }
    }

    public CancellationToken Term => _term.Token;

    public Uri? LeaseBlob => null;

    public event Action<bool>? LeadershipChanged;

    public void Lead()
    {
        _term = new CancellationTokenSource();
        LeadershipChanged?.Invoke(true);
    }
}
