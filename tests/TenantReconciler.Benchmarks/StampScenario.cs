using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TenantReconciler.Cli;
using TenantReconciler.Emulator;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// <c>-- stamps</c>: a stamp with 5,000 user subscriptions and 150,000 usage records (150 pages of 1,000) under one
/// registration of 10,000 live mappings (10 pages), 100 of which the plan removes (tenants with usage).
/// <list type="number">
/// <item>The GETs of <c>audit</c> (emulator and CLI in process): exactly 1 activation + 5 subscription pages + 150
/// usage pages to the stamp, 10 listing pages to ARM, nothing else.</item>
/// <item>The peak working set of <c>audit</c> in a fresh CLI process (the emulator in its own): target ≤ 150 MiB.</item>
/// <item><c>plan</c> with usage (the stamp block) against <c>plan</c> without it, on the same listing, each in a fresh CLI
/// process, the median of <see cref="Runs"/>: target ≤ 1.5×.</item>
/// </list>
/// </summary>
public static class StampScenario
{
    public const int Mappings = 10_000;
    public const int Removed = 100;
    public const int UserSubscriptions = 5_000;
    public const int UsageRecords = 150_000;
    public const int Runs = 5;

    private const string Provider = "8158498d-27b1-4ccf-9aa1-de0f925731e6";

    /// <summary>
    /// <c>-- stamps-state DIR</c>: writes the scenario's emulator state (<c>state.json</c>) and the two desired states
    /// (<c>without-stamp.yaml</c>, and <c>with-stamp.yaml</c> whose stamp is at <c>https://127.0.0.1:PORT/</c>: replace
    /// PORT with the port of <c>tenant-reconciler emulator --state DIR/state.json</c>), to profile one run by hand.
    /// </summary>
    public static int WriteState(TextWriter output, string folder)
    {
        Directory.CreateDirectory(folder);
        using (var file = File.Create(Path.Combine(folder, "state.json")))
        {
            JsonSerializer.Serialize(file, State(), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        WriteYaml(Path.Combine(folder, "with-stamp.yaml"), new Uri($"https://127.0.0.1:65535/stamps/{Provider}"));
        File.WriteAllText(Path.Combine(folder, "with-stamp.yaml"), File.ReadAllText(Path.Combine(folder, "with-stamp.yaml")).Replace("127.0.0.1:65535", "127.0.0.1:PORT", StringComparison.Ordinal));
        WriteYaml(Path.Combine(folder, "without-stamp.yaml"), null);
        output.WriteLine($"wrote state.json, with-stamp.yaml and without-stamp.yaml to {folder}");
        return 0;
    }

    public static async Task<int> RunAsync(TextWriter output)
    {
        var folder = Directory.CreateTempSubdirectory("stamp-bench-").FullName;
        try
        {
            var state = State();
            var ok = await CountRequestsAsync(output, state, folder);

            var statePath = Path.Combine(folder, "state.json");
            using (var file = File.Create(statePath))
            {
                JsonSerializer.Serialize(file, state, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            }

            // 2. audit's peak working set, in a fresh process, the emulator in its own.
            var pem = Path.Combine(folder, "emulator.pem");
            using (var emulator = await WatchScenario.EmulatorProcess.StartAsync(statePath, pem, pageSize: 1_000))
            {
                var withStamp = WriteYaml(Path.Combine(folder, "with-stamp.yaml"), new Uri(emulator.BaseUri, $"stamps/{Provider}"));
                var (auditExit, auditElapsed, auditWritten, auditPeak) = await TenantsScenario.RunCliAsync(["audit", "-f", withStamp, "-o", "json", .. Connection(emulator, pem)]);
                if (auditExit != 0)
                {
                    output.WriteLine($"audit exited {auditExit}");
                    return 1;
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audit (fresh process): {auditElapsed.TotalMilliseconds:F0} ms, {auditWritten / 1024} KiB of JSON, peak working set {auditPeak / 1_048_576} MiB (target <= 150 MiB)"));
                ok &= auditPeak <= 150L * 1_048_576;
                await RatioAsync(output, folder, emulator, pem, "loopback emulator, no latency");
            }

            // 3. The same with ARM's latency on the listing, as the listing benchmark models it (+100 ms per page): the
            // stamp is on premises, ARM is across the internet.
            var faults = Path.Combine(folder, "arm-latency.json");
            File.WriteAllText(faults, $$"""{ "list": { "latencyMs": {{ListingScenario.PageLatencyMs}} } }""");
            using (var emulator = await WatchScenario.EmulatorProcess.StartAsync(statePath, pem, 1_000, "--faults", faults))
            {
                ok &= await RatioAsync(output, folder, emulator, pem, $"ARM listing +{ListingScenario.PageLatencyMs} ms per page");
            }

            return ok ? 0 : 1;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string[] Connection(WatchScenario.EmulatorProcess emulator, string pem) =>
        ["--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", pem, "--auth", "emulator", "--stamp-auth", "emulator", "--stamp-ca-cert", pem];

    /// <summary>plan with usage against plan without, on the same listing: alternating fresh processes, the medians.</summary>
    private static async Task<bool> RatioAsync(TextWriter output, string folder, WatchScenario.EmulatorProcess emulator, string pem, string setting)
    {
        var withStamp = WriteYaml(Path.Combine(folder, "with-stamp.yaml"), new Uri(emulator.BaseUri, $"stamps/{Provider}"));
        var withoutStamp = WriteYaml(Path.Combine(folder, "without-stamp.yaml"), null);
        var with = new List<double>();
        var without = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            without.Add(await TimePlanAsync(withoutStamp, Connection(emulator, pem)));
            with.Add(await TimePlanAsync(withStamp, Connection(emulator, pem)));
        }

        var ratio = Median(with) / Median(without);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"plan ({setting}): without usage median {Median(without):F0} ms; with usage (150 usage pages beside the 10 listing pages) median {Median(with):F0} ms = {ratio:F2}x (target <= 1.5x); runs {string.Join("/", without.Select(m => m.ToString("F0", CultureInfo.InvariantCulture)))} vs {string.Join("/", with.Select(m => m.ToString("F0", CultureInfo.InvariantCulture)))}"));
        return ratio <= 1.5;
    }

    /// <summary>1. audit in process against the emulator in process: every request it sends, by kind.</summary>
    private static async Task<bool> CountRequestsAsync(TextWriter output, EmulatorState state, string folder)
    {
        await using var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = state, PageSize = 1_000 });
        var pem = Path.Combine(folder, "in-process.pem");
        File.WriteAllText(pem, emulator.CertificatePem);
        var yaml = WriteYaml(Path.Combine(folder, "in-process.yaml"), new Uri(emulator.BaseUri, $"stamps/{Provider}"));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var watch = Stopwatch.StartNew();
        var exit = await TenantReconciler.Cli.Program.RunAsync(
            ["audit", "-f", yaml, "-o", "json", "--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", pem, "--auth", "emulator", "--stamp-auth", "emulator", "--stamp-ca-cert", pem],
            new IOContext(stdout, stderr, new StringReader(string.Empty), IsInteractive: false));
        watch.Stop();
        var requests = emulator.Requests;
        var activation = requests.Count(r => r.PathAndQuery.Contains("/activations/default?", StringComparison.Ordinal));
        var subscriptions = requests.Count(r => r.PathAndQuery.Contains("/Microsoft.Subscriptions.Admin/subscriptions?", StringComparison.Ordinal));
        var usage = requests.Count(r => r.PathAndQuery.Contains("/subscriberUsageAggregates?", StringComparison.Ordinal));
        var listing = requests.Count(r => r.PathAndQuery.Contains("/customerSubscriptions?", StringComparison.Ordinal));
        using var report = JsonDocument.Parse(stdout.ToString());
        var unbilled = report.RootElement.GetProperty("summary").GetProperty("unbilledTenants").GetInt32();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"audit (in process, exit {exit}, {watch.ElapsedMilliseconds} ms): {requests.Count} requests = stamp {activation} activation + {subscriptions} subscription pages + {usage} usage pages, ARM {listing} listing pages; {unbilled} unbilled tenants; non-GET {requests.Count(r => r.Method != "GET")}"));
        return exit == 0 && activation == 1 && subscriptions == UserSubscriptions / 1_000 && usage == UsageRecords / 1_000 && listing == Mappings / 1_000
            && requests.Count == activation + subscriptions + usage + listing;
    }

    private static async Task<double> TimePlanAsync(string yaml, string[] connection)
    {
        var (exit, elapsed, _, _) = await TenantsScenario.RunCliAsync(["plan", "-f", yaml, "-o", "json", .. connection]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"plan -f {yaml} exited {exit}");
        }

        return elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>Every mapping but the last <see cref="Removed"/>, with the stamp block when <paramref name="stamp"/> is given.</summary>
    private static string WriteYaml(string path, Uri? stamp)
    {
        using (var yaml = new StreamWriter(path, append: false, new UTF8Encoding(false)))
        {
            yaml.Write($"registrations:\n  - name: azurestack-8f3e1b2c\n    subscriptionId: {SyntheticState.RegistrationSubscription}\n    resourceGroup: azurestack\n");
            if (stamp is not null)
            {
                yaml.Write($"    stamp:\n      adminEndpoint: {stamp}\n      providerSubscriptionId: {Provider}\n");
            }

            yaml.Write("    tenants:\n");
            for (var i = 0; i < Mappings - Removed; i++)
            {
                yaml.Write($"      - tenantId: {SyntheticState.Tenant(i)}\n        customerSubscriptionId: {SyntheticState.Subscription(i)}\n");
            }
        }

        return path;
    }

    /// <summary>
    /// 10,000 live mappings (tenant i on subscription i); the stamp's user subscriptions belong to tenants 5,100 to 9,999
    /// (so the 100 removed have usage) and to 100 tenants without a mapping (the leak); 30 usage records each, in the window.
    /// </summary>
    private static EmulatorState State()
    {
        var userSubscriptions = Enumerable.Range(0, UserSubscriptions)
            .Select(i => new EmulatorUserSubscription
            {
                SubscriptionId = SyntheticState.Subscription(100_000 + i).ToString(),
                TenantId = SyntheticState.Tenant(i < UserSubscriptions - 100 ? Mappings - (UserSubscriptions - 100) + i : Mappings + i).ToString(),
                Offer = "gold",
            })
            .ToList();
        var perSubscription = UsageRecords / UserSubscriptions;
        var usage = new List<EmulatorUsageRecord>(UsageRecords);
        for (var r = 0; r < UsageRecords; r++)
        {
            usage.Add(new EmulatorUsageRecord
            {
                SubscriptionId = userSubscriptions[r / perSubscription].SubscriptionId,
                DaysAgo = 1 + (r % 7),
                Quantity = 1.5,
                MeterId = $"{r % perSubscription:x8}-0000-0000-0000-000000000000",
            });
        }

        return new EmulatorState
        {
            Registrations =
            [
                new EmulatorRegistration
                {
                    SubscriptionId = SyntheticState.RegistrationSubscription.ToString(),
                    ResourceGroup = "azurestack",
                    Name = "azurestack-8f3e1b2c",
                    CustomerSubscriptions = [.. Enumerable.Range(0, Mappings).Select(i => new EmulatorCustomerSubscription
                    {
                        SubscriptionId = SyntheticState.Subscription(i).ToString(),
                        TenantId = SyntheticState.Tenant(i).ToString(),
                    })],
                },
            ],
            Stamps =
            [
                new EmulatorStamp
                {
                    ProviderSubscriptionId = Provider,
                    Activation = new EmulatorActivation { RegistrationId = $"/subscriptions/{SyntheticState.RegistrationSubscription}/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-8f3e1b2c" },
                    Subscriptions = userSubscriptions,
                    Usage = usage,
                },
            ],
        };
    }
}
