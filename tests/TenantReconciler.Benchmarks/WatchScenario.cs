using System.Diagnostics;
using System.Runtime;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TenantReconciler.Cli;
using TenantReconciler.Cli.Watch;
using TenantReconciler.Emulator;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// The watch service, whole (<c>tenant-reconciler watch</c> through <see cref="Program.RunAsync"/>, endpoints and
/// metrics included), on a fake clock that jumps to each next tick at once, against a converged ARM over HTTPS.
/// <list type="number">
/// <item>Memory, first: against the emulator as a child process (so that its state and request log do not count), the working set
/// and the managed heap after 1,000 and after 10,000 ticks: they must stay flat.</item>
/// <item>Cost, then: against the emulator in process, whose log counts the requests: a converged tick must send exactly
/// one GET per registration (one page each) and no write.</item>
/// </list>
/// A count and two readings, not a timed test.
/// </summary>
public static class WatchScenario
{
    public const int Ticks = 10_000;

    /// <summary>The shape of a run: the default (3 × 50, one page each), or the fleet (50 × 2,000 at page size 1,000).</summary>
    public sealed record Shape(int Registrations, int MappingsPerRegistration, int PageSize, int CostTicks, int FirstMark)
    {
        public static Shape Default { get; } = new(3, 50, 100, 20, 1_000);

        public static Shape Fleet { get; } = new(50, 2_000, 1_000, 5, 100);

        public int PagesPerRegistration => (MappingsPerRegistration + PageSize - 1) / PageSize;
    }

    public static Task<int> RunAsync(TextWriter output, int ticks) => RunAsync(output, ticks, Shape.Default);

    public static async Task<int> RunAsync(TextWriter output, int ticks, Shape shape)
    {
        using var temp = new ScratchFolder();
        var yaml = temp.Write("tenants.yaml", DesiredYaml(shape));
        var (Registrations, MappingsPerRegistration, CostTicks) = (shape.Registrations, shape.MappingsPerRegistration, shape.CostTicks);

        // 1. Memory over many ticks, measured first and with the emulator in its own process: what is read is the watch
        // service (plus this small harness), not the emulator's state or request log, nor an earlier phase's garbage.
        // The emulator's state is written to its file by a method whose objects are then unreachable.
        var statePath = WriteState(temp, shape);
        var readings = new List<(int Tick, long WorkingSet, long Heap)>();
        var (allocatedBefore, gen2Before) = (0L, 0);
        var stopwatch = Stopwatch.StartNew();
        using (var child = await EmulatorProcess.StartAsync(statePath, temp.File("child.pem"), shape.PageSize))
        {
            await using var service = await DrivenWatch.StartAsync(yaml, child.BaseUri, temp.File("child.pem"));
            (allocatedBefore, gen2Before) = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(2));
            var done = 0;
            foreach (var mark in new[] { Math.Min(shape.FirstMark, ticks), ticks })
            {
                await service.RunTicksAsync(mark - done);
                done = mark;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                readings.Add((mark, Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: true)));
            }
        }

        stopwatch.Stop();
        var allocatedPerTick = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)ticks;
        var gen2Collections = GC.CollectionCount(2) - gen2Before - (2 * readings.Count); // less the harness's own

        // 2. Cost of a converged tick, counted by the emulator in process.
        int gets, writes;
        TimeSpan tickTime;
        await using (var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = ConvergedState(shape), PageSize = shape.PageSize }))
        {
            var pem = temp.Write("emulator.pem", emulator.CertificatePem);
            await using var watch = await DrivenWatch.StartAsync(yaml, emulator.BaseUri, pem);
            await watch.RunTicksAsync(1);
            var before = emulator.Requests.Count;
            var timed = Stopwatch.StartNew();
            await watch.RunTicksAsync(CostTicks);
            tickTime = timed.Elapsed / CostTicks;
            var requests = emulator.Requests.Skip(before).ToArray();
            gets = requests.Count(r => r.Method == "GET");
            writes = requests.Count(r => r.Method is "PUT" or "DELETE");
        }

        var getsPerTick = gets / (double)CostTicks;
        output.WriteLine($"Converged tick: {Registrations} registration(s) of {MappingsPerRegistration} mappings, page size {shape.PageSize}, parallelism 4: " +
                         $"{getsPerTick:0.##} GET(s) per tick (expected {Registrations * shape.PagesPerRegistration}: {shape.PagesPerRegistration} per registration), " +
                         $"{writes} write(s) in {CostTicks} ticks (expected 0); {tickTime.TotalMilliseconds:0} ms per tick (wall, in process).");
        output.WriteLine($"GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, concurrent {AppContext.GetData("System.GC.Concurrent") ?? "default"}, conserve memory {AppContext.GetData("System.GC.ConserveMemory") ?? "0"}.");
        output.WriteLine($"Allocated per tick: {allocatedPerTick / 1048576.0:0.0} MiB; {gen2Collections} full collection(s) in {ticks:N0} ticks besides the harness's.");
        foreach (var (tick, workingSet, heap) in readings)
        {
            output.WriteLine($"After {tick,6:N0} ticks: working set {workingSet / 1048576.0,7:0.0} MiB, managed heap {heap / 1048576.0,6:0.0} MiB");
        }

        var growth = readings[^1].WorkingSet - readings[0].WorkingSet;
        var heapGrowth = readings[^1].Heap - readings[0].Heap;
        output.WriteLine($"Growth from tick {readings[0].Tick:N0} to {readings[^1].Tick:N0}: working set {growth / 1048576.0:+0.0;-0.0} MiB, " +
                         $"managed heap {heapGrowth / 1048576.0:+0.0;-0.0} MiB; {ticks:N0} ticks in {stopwatch.Elapsed.TotalSeconds:0.0} s " +
                         $"({stopwatch.Elapsed.TotalMilliseconds / ticks:0.00} ms per tick, {Registrations} HTTPS listings each).");

        var flat = heapGrowth < 2 * 1048576 && growth < 16 * 1048576;
        var cheap = gets == Registrations * shape.PagesPerRegistration * CostTicks && writes == 0;
        output.WriteLine(cheap && flat ? "OK" : "FAILED: " + (cheap ? "" : "a converged tick cost more than one listing per registration, or wrote. ") + (flat ? "" : "memory grew."));
        return cheap && flat ? 0 : 1;
    }

    /// <summary>
    /// Writes the emulator's state file, streamed: serialized to a string first, its buffers (tens of megabytes) would stay
    /// in this process's shared array pool, and be counted as the watch's.
    /// </summary>
    private static string WriteState(ScratchFolder temp, Shape shape)
    {
        var path = temp.File("state.json");
        using var file = File.Create(path);
        System.Text.Json.JsonSerializer.Serialize(file, ConvergedState(shape), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        return path;
    }

    internal static EmulatorState ConvergedState(Shape shape) => new()
    {
        Registrations = Enumerable.Range(0, shape.Registrations).Select(r => new EmulatorRegistration
        {
            SubscriptionId = Id(9, r).ToString(),
            ResourceGroup = "azurestack",
            Name = $"azurestack-{r}",
            CustomerSubscriptions = Enumerable.Range(0, shape.MappingsPerRegistration)
                .Select(i => new EmulatorCustomerSubscription { SubscriptionId = Id(2, (r * 100_000) + i).ToString(), TenantId = Id(1, (r * 100_000) + i).ToString() })
                .ToList(),
        }).ToList(),
    };

    internal static string DesiredYaml(Shape shape)
    {
        var yaml = new System.Text.StringBuilder("registrations:\n");
        for (var r = 0; r < shape.Registrations; r++)
        {
            yaml.Append($"  - name: azurestack-{r}\n    subscriptionId: {Id(9, r)}\n    resourceGroup: azurestack\n    tenants:\n");
            for (var i = 0; i < shape.MappingsPerRegistration; i++)
            {
                yaml.Append($"      - tenantId: {Id(1, (r * 100_000) + i)}\n        customerSubscriptionId: {Id(2, (r * 100_000) + i)}\n");
            }
        }

        return yaml.ToString();
    }

    private static Guid Id(int kind, int i) => Guid.Parse($"{kind:D8}-0000-4000-8000-{i:D12}");

    /// <summary><c>watch</c> in process, its clock advanced to each next tick as soon as it waits.</summary>
    private sealed class DrivenWatch : IWatchObserver, IAsyncDisposable
    {
        private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        private readonly Channel<TimeSpan> _waiting = Channel.CreateUnbounded<TimeSpan>();
        private readonly Channel<TickReport> _ticks = Channel.CreateUnbounded<TickReport>();
        private readonly CancellationTokenSource _stop = new();
        private Task<int>? _run;
        private TimeSpan? _parked;

        public static async Task<DrivenWatch> StartAsync(string file, Uri endpoint, string pem)
        {
            var watch = new DrivenWatch();
            var io = new IOContext(TextWriter.Null, TextWriter.Null, TextReader.Null, IsInteractive: false);
            watch._run = TenantReconciler.Cli.Program.RunAsync(
                ["watch", "-f", file, "--arm-endpoint", endpoint.ToString(), "--ca-cert", pem, "--auth", "emulator", "--listen", "127.0.0.1:0", "-v", "quiet"],
                io,
                services =>
                {
                    services.AddSingleton<TimeProvider>(watch._time);
                    services.AddSingleton<IWatchObserver>(watch);
                },
                watch._stop.Token);
            var first = await watch._ticks.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
            if (first.Registrations.Any(r => r.Result != RegistrationResult.InSync))
            {
                throw new InvalidOperationException("the state is not converged: " + string.Join(", ", first.Registrations.Select(r => r.Result)));
            }

            return watch;
        }

        public void OnTickCompleted(TickReport report) => _ticks.Writer.TryWrite(report);

        public void OnWaiting(TimeSpan delay, DateTimeOffset wakeAt) => _waiting.Writer.TryWrite(delay);

        /// <summary>
        /// Runs <paramref name="count"/> ticks, and returns once the service waits for the next one: what it holds then
        /// is what it keeps between ticks, not a tick still winding down.
        /// </summary>
        public async Task RunTicksAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                _time.Advance(_parked ?? await _waiting.Reader.ReadAsync());
                _parked = null;
                var tick = await _ticks.Reader.ReadAsync();
                if (tick.Registrations.Count == 0 || tick.Registrations.Any(r => r.Result != RegistrationResult.InSync))
                {
                    throw new InvalidOperationException($"tick {tick.Number}: " + string.Join(", ", tick.Registrations.Select(r => r.Result)));
                }
            }

            _parked ??= await _waiting.Reader.ReadAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_run is not null)
            {
                await _run;
            }

            _stop.Dispose();
        }
    }

    /// <summary><c>tenant-reconciler emulator</c> as a child process; its first stdout line is its URL.</summary>
    internal sealed class EmulatorProcess : IDisposable
    {
        private readonly Process _process;

        private EmulatorProcess(Process process, Uri baseUri)
        {
            _process = process;
            BaseUri = baseUri;
        }

        public Uri BaseUri { get; }

        public static async Task<EmulatorProcess> StartAsync(string statePath, string certOut, int pageSize, params string[] extra)
        {
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
            var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            string[] arguments = [Path.Combine(AppContext.BaseDirectory, "tenant-reconciler.dll"), "emulator", "--state", statePath, "--cert-out", certOut, "--page-size", pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra];
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            var errors = new System.Text.StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            };
            process.BeginErrorReadLine();
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line is null)
            {
                await process.WaitForExitAsync();
                lock (errors)
                {
                    throw new InvalidOperationException("the emulator printed no URL: " + errors);
                }
            }

            return new EmulatorProcess(process, new Uri(line));
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }
    }

    private sealed class ScratchFolder : IDisposable
    {
        private readonly string _path = Directory.CreateTempSubdirectory("tenant-reconciler-watch-bench-").FullName;

        public string File(string name) => Path.Combine(_path, name);

        public string Write(string name, string content)
        {
            var path = File(name);
            System.IO.File.WriteAllText(path, content);
            return path;
        }

        public void Dispose() => Directory.Delete(_path, recursive: true);
    }
}
