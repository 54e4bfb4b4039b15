using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TenantReconciler.Emulator;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// The native build against the JIT build, side by side in one run, as whole processes (hyperfine-style repeated
/// starts, interleaved so that both see the same machine):
/// <list type="number">
/// <item><c>--version</c>, <c>validate</c> of the repository's tenants.yaml, and <c>plan</c> against an emulator that is
/// already running (started once, outside the timing);</item>
/// <item>the <c>watch</c> service's idle working set, after its first tick;</item>
/// <item>the 100,000-mapping plan: <c>validate</c> of the file (load and validate, no I/O) and <c>plan</c> against the
/// running emulator (100 pages), wall time and peak working set;</item>
/// <item>with <c>native-fleet</c>: the fleet watch (50 registrations × 2,000 mappings, page size 1,000) ticking every
/// second against an emulator in its own process, its working set at given ticks.</item>
/// </list>
/// <c>dotnet run -c Release --project tests/TenantReconciler.Benchmarks -- native NATIVE JIT [RUNS]</c>, where NATIVE
/// is the native executable and JIT the framework-dependent one (.ci/bench-native.sh builds both and runs this).
/// Readings, not a timed test.
/// </summary>
public static class NativeScenario
{
    private static readonly string[] Builds = ["native", "jit"];

    public static async Task<int> RunAsync(TextWriter output, string native, string jit, int runs)
    {
        var executables = new Dictionary<string, string> { ["native"] = Path.GetFullPath(native), ["jit"] = Path.GetFullPath(jit) };
        using var temp = new Scratch();
        File.Copy(RepoFile("tenants.yaml"), temp.File("tenants.yaml"));
        File.Copy(RepoFile("examples/emulator-state.json"), temp.File("state.json"));
        output.WriteLine($"{Environment.ProcessorCount} cores; {runs} runs of each command and build (after 3 warm-ups), interleaved. Wall time of the whole process.");

        // 1. Start-up: --version, validate, plan against a running emulator.
        using (var emulator = await EmulatorProcess.StartAsync(executables["native"], temp.Path, temp.File("state.json"), temp.File("emulator.pem"), pageSize: null))
        {
            var planArgs = new[] { "plan", "-f", "tenants.yaml", "--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", "emulator.pem", "--auth", "emulator" };
            await CompareAsync(output, "--version", executables, temp.Path, runs, ["--version"]);
            await CompareAsync(output, "validate tenants.yaml", executables, temp.Path, runs, ["validate", "-f", "tenants.yaml"]);
            await CompareAsync(output, "plan (emulator running)", executables, temp.Path, runs, planArgs);
        }

        // 2. The watch service, idle after its first tick.
        foreach (var build in Builds)
        {
            var (workingSet, ticks) = await WatchWorkingSetAsync(executables[build], temp.Path, ["--emulator", "state.json", "-f", "tenants.yaml", "--interval", "1h", "--mode", "observe"], [1], settle: TimeSpan.FromSeconds(5));
            output.WriteLine($"watch idle ({build}): working set {workingSet[0] / 1048576.0:0.0} MiB after tick {ticks[0]} (5 s later)");
        }

        // 3. The 100,000-mapping plan.
        const int mappings = 100_000;
        File.WriteAllText(temp.File("big.yaml"), SyntheticState.DesiredYaml(mappings));
        WriteState(temp.File("big-state.json"), BigState(mappings));
        using (var emulator = await EmulatorProcess.StartAsync(executables["native"], temp.Path, temp.File("big-state.json"), temp.File("big.pem"), pageSize: 1_000))
        {
            var bigRuns = Math.Max(3, runs / 4);
            await CompareAsync(output, $"validate {mappings:N0} mappings", executables, temp.Path, bigRuns, ["validate", "-f", "big.yaml"], peak: true);
            await CompareAsync(output, $"plan {mappings:N0} mappings (emulator running)", executables, temp.Path, bigRuns,
                ["plan", "-f", "big.yaml", "--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", "big.pem", "--auth", "emulator", "-o", "json"], peak: true);
        }

        return 0;
    }

    /// <summary>The fleet watch as a process ticking every second; its working set after each of <paramref name="marks"/> ticks.</summary>
    public static async Task<int> RunFleetAsync(TextWriter output, string native, string jit, int ticks)
    {
        var executables = new Dictionary<string, string> { ["native"] = Path.GetFullPath(native), ["jit"] = Path.GetFullPath(jit) };
        using var temp = new Scratch();
        var shape = WatchScenario.Shape.Fleet;
        File.WriteAllText(temp.File("fleet.yaml"), WatchScenario.DesiredYaml(shape));
        WriteState(temp.File("fleet-state.json"), WatchScenario.ConvergedState(shape));
        int[] marks = [.. new[] { 10, ticks / 2, ticks }.Where(t => t > 0).Distinct().Order()];
        output.WriteLine($"Fleet watch: {shape.Registrations} registrations × {shape.MappingsPerRegistration:N0} mappings, page size {shape.PageSize:N0}, --interval 1s, emulator in its own process.");
        using var emulator = await EmulatorProcess.StartAsync(executables["native"], temp.Path, temp.File("fleet-state.json"), temp.File("fleet.pem"), shape.PageSize);
        foreach (var build in Builds)
        {
            var (workingSets, reached) = await WatchWorkingSetAsync(executables[build], temp.Path,
                ["-f", "fleet.yaml", "--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", "fleet.pem", "--auth", "emulator", "--interval", "1s", "--mode", "observe"],
                marks, settle: TimeSpan.Zero);
            output.WriteLine($"fleet watch ({build}): " + string.Join(", ", workingSets.Select((w, i) => $"tick {reached[i]}: {w / 1048576.0:0.0} MiB")));
        }

        return 0;
    }

    private static async Task CompareAsync(TextWriter output, string name, Dictionary<string, string> executables, string work, int runs, string[] arguments, bool peak = false)
    {
        var times = Builds.ToDictionary(b => b, _ => new List<double>());
        var peaks = Builds.ToDictionary(b => b, _ => new List<long>());
        for (var i = -3; i < runs; i++)
        {
            foreach (var build in Builds)
            {
                var (elapsed, peakWorkingSet, exitCode, stderr) = await TimeAsync(executables[build], work, arguments, peak);
                if (exitCode is not (0 or 2))
                {
                    throw new InvalidOperationException($"{build} {string.Join(' ', arguments)} exited {exitCode}: {stderr}");
                }

                if (i >= 0)
                {
                    times[build].Add(elapsed.TotalMilliseconds);
                    peaks[build].Add(peakWorkingSet);
                }
            }
        }

        string Summary(string build)
        {
            var t = times[build].Order().ToArray();
            var mean = t.Average();
            var sd = Math.Sqrt(t.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, t.Length - 1));
            var text = string.Create(CultureInfo.InvariantCulture, $"{mean:0} ms ± {sd:0} (median {t[t.Length / 2]:0}, min {t[0]:0})");
            return peak ? text + string.Create(CultureInfo.InvariantCulture, $", peak working set {peaks[build].Max() / 1048576.0:0} MiB") : text;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: native {Summary("native")}; JIT {Summary("jit")}; JIT / native = {times["jit"].Average() / times["native"].Average():0.00}×"));
    }

    private static async Task<(TimeSpan Elapsed, long Peak, int ExitCode, string Stderr)> TimeAsync(string executable, string work, string[] arguments, bool peak)
    {
        using var process = new Process { StartInfo = Start(executable, work, arguments) };
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var stderr = process.StandardError.ReadToEndAsync();
        long peakWorkingSet = 0;
        if (peak)
        {
            // VmHWM only grows: the last reading before the exit is the peak (to within the polling interval).
            while (!process.HasExited)
            {
                peakWorkingSet = Math.Max(peakWorkingSet, ProcStatus(process.Id, "VmHWM"));
                await Task.Delay(10);
            }
        }

        await process.WaitForExitAsync();
        stopwatch.Stop();
        await stdout;
        return (stopwatch.Elapsed, peakWorkingSet, process.ExitCode, await stderr);
    }

    /// <summary>Runs <c>watch</c> until each of <paramref name="marks"/> ticks is done (read from /status), and reads its working set while it is parked.</summary>
    private static async Task<(long[] WorkingSets, long[] Ticks)> WatchWorkingSetAsync(string executable, string work, string[] arguments, int[] marks, TimeSpan settle)
    {
        using var process = new Process { StartInfo = Start(executable, work, ["watch", "--listen", "127.0.0.1:0", .. arguments]) };
        process.Start();
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                var at = line.IndexOf("http://127.0.0.1:", StringComparison.Ordinal);
                if (at >= 0 && line.Contains("Listening on", StringComparison.Ordinal))
                {
                    var end = line.IndexOfAny(['"', ' ', '\\'], at);
                    listening.TrySetResult(new Uri(end < 0 ? line[at..] : line[at..end]));
                }
            }

            listening.TrySetException(new InvalidOperationException("watch exited before it listened"));
        });
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromMinutes(2));
            using var http = new HttpClient { BaseAddress = address };
            var workingSets = new List<long>();
            var reached = new List<long>();
            foreach (var mark in marks)
            {
                (long Tick, bool Busy) state;
                while ((state = await TickStateAsync(http)).Tick < mark)
                {
                    await Task.Delay(100);
                }

                await Task.Delay(settle);

                // What it holds parked between ticks: the last reading while no tick runs, before the next one starts
                // (after a large tick the service releases memory before it sleeps).
                long workingSet = 0;
                var until = Stopwatch.StartNew();
                while (until.Elapsed < TimeSpan.FromSeconds(3))
                {
                    state = await TickStateAsync(http);
                    if (!state.Busy)
                    {
                        workingSet = ProcStatus(process.Id, "VmRSS");
                    }
                    else if (workingSet > 0)
                    {
                        break;
                    }

                    await Task.Delay(50);
                }

                workingSets.Add(workingSet > 0 ? workingSet : ProcStatus(process.Id, "VmRSS"));
                reached.Add(state.Tick);
            }

            return ([.. workingSets], [.. reached]);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
            await stdout;
            await stderr;
        }
    }

    /// <summary>The last completed tick's number (0 before the first), and whether a tick is running now.</summary>
    private static async Task<(long Tick, bool Busy)> TickStateAsync(HttpClient http)
    {
        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri("/status", UriKind.Relative)));
        var tick = status.RootElement.GetProperty("lastTick") is { ValueKind: JsonValueKind.Object } last ? last.GetProperty("number").GetInt64() : 0;
        var busy = status.RootElement.GetProperty("service").GetProperty("currentTickSeconds").ValueKind != JsonValueKind.Null;
        return (tick, busy);
    }

    private static ProcessStartInfo Start(string executable, string work, string[] arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return start;
    }

    /// <summary>A field of /proc/PID/status in bytes (VmRSS: the working set; VmHWM: its peak).</summary>
    private static long ProcStatus(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process has exited.
        }

        return 0;
    }

    private static EmulatorState BigState(int mappings)
    {
        var live = SyntheticState.Live(mappings);
        return new EmulatorState
        {
            Registrations =
            [
                new EmulatorRegistration
                {
                    SubscriptionId = SyntheticState.RegistrationSubscription.ToString(),
                    ResourceGroup = SyntheticState.ResourceGroup,
                    Name = SyntheticState.RegistrationName,
                    CustomerSubscriptions = live.Mappings.Select(m => new EmulatorCustomerSubscription { SubscriptionId = m.CustomerSubscriptionName, TenantId = m.TenantId.ToString() }).ToList(),
                },
            ],
        };
    }

    private static void WriteState(string path, EmulatorState state)
    {
        using var file = File.Create(path);
        JsonSerializer.Serialize(file, state, new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }

    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TenantReconciler.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("TenantReconciler.sln not found"), relative);
    }

    /// <summary>An <c>emulator</c> command of one of the builds, as its own process; its first stdout line is its URL.</summary>
    private sealed class EmulatorProcess : IDisposable
    {
        private readonly Process _process;

        private EmulatorProcess(Process process, Uri baseUri)
        {
            _process = process;
            BaseUri = baseUri;
        }

        public Uri BaseUri { get; }

        public static async Task<EmulatorProcess> StartAsync(string executable, string work, string state, string certOut, int? pageSize)
        {
            string[] arguments = ["emulator", "--port", "0", "--state", state, "--cert-out", certOut, .. pageSize is { } size ? new[] { "--page-size", size.ToString(CultureInfo.InvariantCulture) } : []];
            var process = Process.Start(Start(executable, work, arguments))!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))
                ?? throw new InvalidOperationException("the emulator printed no URL");
            return new EmulatorProcess(process, new Uri(line.Trim()));
        }

        public void Dispose()
        {
            _process.Kill();
            _process.WaitForExit(10_000);
            _process.Dispose();
        }
    }

    private sealed class Scratch : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("tenant-reconciler-native-bench-").FullName;

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
