using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TenantReconciler.Tests.Watch;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// <c>watch -f DIRECTORY</c>: every tick re-reads every file of the directory, a file added to it wakes the loop, and
/// the tick's generation is the hash over the set. The watch loop runs in a real host on a fake clock (as
/// <see cref="WatchHarness"/>), against <see cref="InMemoryArm"/>.
/// </summary>
public sealed class MultiFileWatchTests
{
    private static string Registration(RegistrationRef r, Guid tenant, Guid subscription) => $"""
        registrations:
          - name: {r.Name}
            subscriptionId: {r.SubscriptionId}
            resourceGroup: {r.ResourceGroup}
            tenants:
              - tenantId: {tenant}
                customerSubscriptionId: {subscription}
        """;

    [Fact]
    public async Task Watch_DirectoryGainsAFile_TicksEarlyAndReadsEveryFile()
    {
        // Arrange: the directory holds A's file only; B is live and right, so only A is reconciled at first.
        using var temp = new TempDirectory();
        var dir = Directory.CreateDirectory(Path.Combine(temp.Path, "desired")).FullName;
        File.WriteAllText(Path.Combine(dir, "a.yaml"), Registration(WatchHarness.A, WatchHarness.TenantA, WatchHarness.SubscriptionA));
        var (host, arm, events, time) = await StartAsync([dir]);
        using var _ = host;
        var first = await events.NextAsync<TickReport>();
        await events.NextAsync<RecordingObserver.Waiting>();

        // Act: a second file arrives (as git-sync would publish it), announced by the file watcher.
        File.WriteAllText(Path.Combine(dir, "b.yaml"), Registration(WatchHarness.B, WatchHarness.TenantB, WatchHarness.SubscriptionB));
        host.Services.GetRequiredService<DesiredFileMonitor>().Poke();
        time.Advance(TimeSpan.FromSeconds(2));
        var second = await events.NextAsync<TickReport>();
        await host.StopAsync();

        // Assert
        Assert.Equal([WatchHarness.A], first.Desired);
        Assert.Equal(TickReason.FileChanged, second.Reason);
        Assert.Equal([WatchHarness.A, WatchHarness.B], second.Desired);
        Assert.Equal(DesiredStateLoader.LoadAll([dir]).Sha256, second.DesiredSha256);
        Assert.NotEqual(first.DesiredSha256, second.DesiredSha256);
        Assert.Equal(WatchHarness.TenantA, arm.Get(WatchHarness.A)[WatchHarness.SubscriptionA]);
    }

    [Fact]
    public async Task Watch_TwoDashF_AFileWithAnErrorStopsTheTickNamingThatFile()
    {
        // Arrange
        using var temp = new TempDirectory();
        var a = temp.Write("a.yaml", Registration(WatchHarness.A, WatchHarness.TenantA, WatchHarness.SubscriptionA));
        var b = temp.Write("b.yaml", Registration(WatchHarness.A, WatchHarness.TenantB, WatchHarness.SubscriptionB));

        // Act
        var (host, arm, events, _) = await StartAsync([a, b]);
        using var __ = host;
        var tick = await events.NextAsync<TickReport>();
        await host.StopAsync();

        // Assert: the registration is in both files: nothing is listed or written.
        var d = Assert.Single(tick.Diagnostics);
        Assert.Equal((DiagnosticCodes.DuplicateRegistration, b), (d.Code, d.Location.File));
        Assert.Contains(a, d.Message, StringComparison.Ordinal);
        Assert.Equal(0, arm.Lists);
        Assert.Equal($"{a}, {b}", tick.File);
    }

    [Fact]
    public void DesiredFileMonitor_DirectoryGiven_WatchesItAndTheFolderAboveIt()
    {
        // Arrange
        using var temp = new TempDirectory();
        var dir = Directory.CreateDirectory(Path.Combine(temp.Path, "desired")).FullName;
        var arguments = Arguments([dir + Path.DirectorySeparatorChar]);
        using var monitor = new DesiredFileMonitor(arguments, new FakeTimeProvider(), NullLogger<DesiredFileMonitor>.Instance);

        // Act
        monitor.Start(() => { });

        // Assert
        Assert.Equal([dir, temp.Path], monitor.WatchedDirectories.Order(StringComparer.Ordinal).Reverse());
        Assert.True(DesiredFileMonitor.IsDesiredFileName("b.YML"));
        Assert.False(DesiredFileMonitor.IsDesiredFileName(".b.yaml"));
        Assert.False(DesiredFileMonitor.IsDesiredFileName("b.yaml.tmp"));
    }

    private static WatchArguments Arguments(IReadOnlyList<string> files) => new(
        files, WatchMode.Apply, WatchHarness.Interval, false, new ListenAddress(null, 0), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), "test",
        new ConnectionArguments(null, null, null, null), null);

    private static async Task<(IHost Host, InMemoryArm Arm, RecordingObserver Events, FakeTimeProvider Time)> StartAsync(IReadOnlyList<string> files)
    {
        var arm = new InMemoryArm();
        arm.Set(WatchHarness.A, (WatchHarness.Extra, WatchHarness.ExtraTenant));
        arm.Set(WatchHarness.B, (WatchHarness.SubscriptionB, WatchHarness.TenantB));
        var events = new RecordingObserver();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddWatchServices(Arguments(files));
        builder.Services.AddSingleton(new Random(1234));
        builder.Services.AddSingleton<IWatchArmClientSource>(arm);
        builder.Services.AddSingleton<IWatchObserver>(events);
        var host = builder.Build();
        await host.StartAsync();
        return (host, arm, events, time);
    }
}
