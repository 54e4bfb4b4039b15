using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TenantReconciler.Emulator;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// The <c>tenants</c> view of a large fleet, through the whole CLI, every output format:
/// <c>-- tenants 3000x1</c> is 3,000 registrations of one tenant each (desired only: on 9aa6160 this allocated 3.7 GB
/// and died); <c>-- tenants 50x2000</c> is 50 registrations of the same 2,000 tenants, with <c>--live</c> against the
/// emulator (in its own process). Each format runs in a fresh CLI process; reports its time, output size and peak working set (target ≤ 200 MiB).
/// </summary>
public static class TenantsScenario
{
    public static async Task<int> RunAsync(TextWriter output, string shape, string? only = null)
    {
        var (registrations, tenants, live) = shape switch
        {
            "3000x1" => (3_000, 1, false),
            "50x2000" => (50, 2_000, true),
            _ => throw new ArgumentException($"unknown shape '{shape}': 3000x1 or 50x2000", nameof(shape)),
        };

        var folder = Directory.CreateTempSubdirectory("tenants-bench-").FullName;
        WatchScenario.EmulatorProcess? emulator = null;
        try
        {
            // Written streamed, and the emulator in its own process: what is measured is the CLI, not this harness.
            var yaml = Path.Combine(folder, "tenants.yaml");
            WriteYaml(yaml, registrations, tenants);
            string[] args = ["tenants", "-f", yaml];
            if (live)
            {
                var state = Path.Combine(folder, "state.json");
                using (var file = File.Create(state))
                {
                    JsonSerializer.Serialize(file, State(registrations, tenants), new JsonSerializerOptions(JsonSerializerDefaults.Web));
                }

                var pem = Path.Combine(folder, "emulator.pem");
                emulator = await WatchScenario.EmulatorProcess.StartAsync(state, pem, pageSize: 1_000);
                args = [.. args, "--live", "--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", pem, "--auth", "emulator"];
            }

            // Each format in a fresh CLI process, as a user runs it: its peak resident set (VmHWM) is what is measured.
            var lines = new List<string>();
            long worst = 0;
            foreach (var format in only is null ? ["json", "text", "markdown"] : new[] { only })
            {
                var (exit, elapsed, written, peak) = await RunCliAsync([.. args, "-o", format]);
                if (exit != 0)
                {
                    output.WriteLine($"tenants -o {format} exited {exit}");
                    return 1;
                }

                worst = Math.Max(worst, peak);
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"-o {format}: {elapsed.TotalMilliseconds:F0} ms, {written / 1024.0 / 1024.0:F1} MiB of output, peak working set {peak / 1_048_576} MiB"));
            }

            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{registrations} registrations x {tenants} tenant(s){(live ? ", --live against the emulator (its own process)" : ", desired only")} ({new FileInfo(yaml).Length / 1024} KiB of YAML): {string.Join("; ", lines)}."));
            return worst <= 200L * 1_048_576 ? 0 : 1;
        }
        finally
        {
            emulator?.Dispose();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Registration r holds tenant r (the 3000x1 shape: 3,000 distinct tenants), or, with 2,000 tenants, all the same ones.</summary>
    private static void WriteYaml(string path, int registrations, int tenants)
    {
        using var yaml = new StreamWriter(path, append: false, new UTF8Encoding(false));
        yaml.Write("registrations:\n");
        for (var r = 0; r < registrations; r++)
        {
            yaml.Write($"  - name: azurestack-r{r.ToString("D4", CultureInfo.InvariantCulture)}\n    subscriptionId: {SyntheticState.RegistrationSubscription}\n    resourceGroup: azurestack\n    tenants:\n");
            for (var t = 0; t < tenants; t++)
            {
                var i = tenants == 1 ? r : t;
                yaml.Write($"      - tenantId: {SyntheticState.Tenant(i)}\n        customerSubscriptionId: {SyntheticState.Subscription((r * 10_000) + t)}\n        name: Tenant {i}\n");
            }
        }
    }

    private static EmulatorState State(int registrations, int tenants) => new()
    {
        Registrations = [.. Enumerable.Range(0, registrations).Select(r => new EmulatorRegistration
        {
            SubscriptionId = SyntheticState.RegistrationSubscription.ToString(),
            ResourceGroup = "azurestack",
            Name = "azurestack-r" + r.ToString("D4", CultureInfo.InvariantCulture),
            CustomerSubscriptions = [.. Enumerable.Range(0, tenants).Select(t => new EmulatorCustomerSubscription
            {
                SubscriptionId = SyntheticState.Subscription((r * 10_000) + t).ToString(),
                TenantId = SyntheticState.Tenant(tenants == 1 ? r : t).ToString(),
            })],
        })],
    };

    /// <summary>
    /// <c>tenant-reconciler ARGS</c> as a child process: its exit code, wall time, characters written to stdout, and its
    /// peak resident set, read from <c>/proc/PID/status</c> (VmHWM, a high-water mark) until it exits.
    /// </summary>
    internal static async Task<(int Exit, TimeSpan Elapsed, long Written, long Peak)> RunCliAsync(string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tenant-reconciler.dll"));
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var counting = Task.Run(async () =>
        {
            var buffer = new char[81920];
            long total = 0;
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        });

        long peak = 0;
        var status = $"/proc/{process.Id}/status";
        while (!process.HasExited)
        {
            try
            {
                foreach (var line in File.ReadLines(status))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        peak = Math.Max(peak, long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024);
                    }
                }
            }
            catch (IOException)
            {
                // Exited between the check and the read: the last reading stands.
            }

            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        watch.Stop();
        return (process.ExitCode, watch.Elapsed, await counting, peak);
    }
}
