using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TenantReconciler.Tests.Watch;

namespace TenantReconciler.Smoke;

/// <summary>
/// The steps, in order. Each build runs all of them in one working folder, so a step sees what the earlier ones
/// wrote: plan.json is applied, applied again (refused), undone, and so on.
/// </summary>
internal sealed partial class SmokeSteps(Repository repository, string azuriteEndpoint, WebhookReceiver receiver, LoopbackHttp http, OutputNormalizer normalizer)
{
    public const string Registration =
        "/subscriptions/6513270e-269e-4d37-b2a7-4de452e6b438/resourceGroups/azurestack"
        + "/providers/Microsoft.AzureStack/registrations/azurestack-8f3e1b2c";

    /// <summary>Azurite's well-known development key.</summary>
    private const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string Journal = ".tenant-reconciler/journal.jsonl";

    public IReadOnlyList<Step> All()
    {
        string[] plan = ["--emulator", "state.json", "-f", "tenants.yaml"];
        return
        [
            new("--version", (b, w) => Run(b, w, "--version"), new(0) { Stdout = @"^\d+\.\d+\.\d+" }),
            new("validate", (b, w) => Run(b, w, "validate", "-f", "tenants.yaml"), new(0)),
            new("validate (invalid file: file, line, column)", (b, w) => Run(b, w, "validate", "-f", "broken.yaml"),
                new(1) { Stderr = @"broken\.yaml:\d+:\d+" }),
            new("schema", (b, w) => Run(b, w, "schema"), new(0) { Stdout = @"""\$schema""" }),
            new("plan (text)", (b, w) => Run(b, w, ["plan", .. plan]),
                new(0) { Stdout = @"Plan: 2 to add, 2 to overwrite, 1 to remove, 2 unchanged\." }),
            new("plan -o json", (b, w) => Run(b, w, ["plan", "-o", "json", .. plan]), new(0) { Stdout = @"""registrations""", JsonStdout = true }),
            new("plan -o markdown", (b, w) => Run(b, w, ["plan", "-o", "markdown", .. plan]), new(0) { Stdout = @"\|" }),
            new("plan --detailed-exitcode", (b, w) => Run(b, w, ["plan", "--detailed-exitcode", .. plan]), new(2)),
            new("plan --out plan.json", async (b, w) => WithFiles(await Run(b, w, ["plan", "--out", "plan.json", .. plan]), w, "plan.json"),
                new(0) { File = ("plan.json", @"""formatVersion""") }),
            new("check", (b, w) => Run(b, w, ["check", .. plan]), new(0)),
            new("tenants --live", (b, w) => Run(b, w, "tenants", "--live", "--emulator", "state.json", "-f", "tenants.yaml"), new(0)),
            new("apply plan.json (local journal)",
                async (b, w) => ContentHash(WithFiles(await Run(b, w, ["apply", "plan.json", "--parallelism", "1", .. plan]), w, "state.json", Journal), w, "plan.json"),
                new(0) { Stdout = "Converged", File = (Journal, @"""type"":""request-finished"""), Extra = [("content hash of plan.json", "^as journalled$")] }),
            new("apply plan.json again (refused: applied once)", (b, w) => Run(b, w, ["apply", "plan.json", .. plan]), new(1)),
            new("plan after apply (no changes)", (b, w) => Run(b, w, ["plan", "--detailed-exitcode", .. plan]), new(0) { Stdout = "No changes" }),
            new("undo --out undo.plan.json",
                async (b, w) => WithFiles(await Run(b, w, "undo", "--emulator", "state.json", "--out", "undo.plan.json"), w, "undo.plan.json"),
                new(0) { File = ("undo.plan.json", @"""undoOf""") }),
            new("apply undo.plan.json",
                async (b, w) => WithFiles(await Run(b, w, "apply", "undo.plan.json", "--parallelism", "1", "--emulator", "state.json"), w, "state.json", Journal),
                new(0)),
            new("apply --auto-approve (Azurite blob journal)",
                async (b, w) => WithFiles(await Run(b, w, ["apply", "--auto-approve", "--parallelism", "1", .. plan, .. BlobJournal(b)]), w, "state.json"),
                new(0) { Stdout = "Converged" }),
            new("undo from the blob journal",
                async (b, w) => WithFiles(await Run(b, w, ["undo", "--emulator", "state.json", "--out", "undo-blob.plan.json", .. BlobJournal(b)]), w, "undo-blob.plan.json"),
                new(0) { File = ("undo-blob.plan.json", @"""undoOf""") }),
            new("apply undo-blob.plan.json (Azurite blob journal)",
                async (b, w) => WithFiles(await Run(b, w, ["apply", "undo-blob.plan.json", "--parallelism", "1", "--emulator", "state.json", .. BlobJournal(b)]), w, "state.json"),
                new(0)),
            new("import", (b, w) => Run(b, w, "import", Registration, "--emulator", "state.json"), new(0) { Stdout = "registrations:" }),
            new("emulator + plan --arm-endpoint", EmulatorAndPlanAsync, new(0) { Stdout = "Plan: " }),
            new("watch: /healthz, /readyz, /metrics, /status, CloudEvents, SIGTERM", WatchCloudEventsAsync,
                new(0)
                {
                    Extra =
                    [
                        ("healthz", "^200$"),
                        ("readyz", "^200$"),
                        ("status", @"^200 application/json[^\n]*\n\{"),
                        ("metrics (tenant_reconciler_* names)", @"^200\ntenant_reconciler_"),
                        ("notification 0", @"^application/cloudevents\+json[^\n]*\n\{""specversion"":""1\.0"".*""type"":""tenant-reconciler\.drift\.detected"""),
                    ],
                }),
            new("watch: Slack notification, SIGTERM", WatchSlackAsync, new(0) { Extra = [("slack", @"^application/json[^\n]*\n\{""text"":")] }),
        ];
    }

    /// <summary>The working folder every build starts from: the repository's tenants.yaml and example state, and an invalid file.</summary>
    public void Seed(string work)
    {
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(work);
        File.Copy(repository.File("tenants.yaml"), Path.Combine(work, "tenants.yaml"));
        File.Copy(repository.File("examples/emulator-state.json"), Path.Combine(work, "state.json"));
        File.Copy(repository.File("examples/emulator-state.json"), Path.Combine(work, "emulator.json"));
        File.WriteAllText(
            Path.Combine(work, "broken.yaml"),
            "registrations:\n  - name: azurestack-8f3e1b2c\n    subscriptionId: not-a-guid\n    resourceGroup: azurestack\n    tenants: []\n");
    }

    private static Task<Outcome> Run(Build build, string work, params string[] arguments) => ToolProcess.RunAsync(build, work, arguments);

    private static Outcome WithFiles(Outcome outcome, string work, params string[] names)
    {
        foreach (var name in names)
        {
            outcome.Files[name] = Read(work, name);
        }

        return outcome;
    }

    private static string Read(string work, string name)
    {
        var path = Path.Combine(work, name);
        return File.Exists(path) ? Encoding.UTF8.GetString(File.ReadAllBytes(path)) : "<missing>";
    }

    /// <summary>
    /// The plan's content hash as the journal records it must be the saved file's canonical content hash, by the tool's own rule
    /// (SavedPlan.ContentHash: the record without its planId; it covers the plan's time, so it is a placeholder in the comparison).
    /// </summary>
    private static Outcome ContentHash(Outcome outcome, string work, string planFile)
    {
        var expected = TenantReconciler.Persistence.SavedPlan.Load(Path.Combine(work, planFile)).ContentHash();
        var issued = PlanIssuedHash().Matches(outcome.Files.GetValueOrDefault(Journal, "")).Select(m => m.Groups[1].Value).ToList();
        outcome.Extra["content hash of " + planFile] = issued.Contains(expected)
            ? "as journalled"
            : $"not journalled: {expected}, journal has [{string.Join(", ", issued)}]";
        return outcome;
    }

    /// <summary>The blob journal on Azurite, a container per build (named after it, normalized away): the second never sees the first's journal.</summary>
    private string[] BlobJournal(Build build)
    {
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevAccountKey};BlobEndpoint={azuriteEndpoint.TrimEnd('/')};";
        return ["--journal-connection-string", connection, "--journal", build.Token + "/journal.jsonl"];
    }

    private static async Task<Outcome> EmulatorAndPlanAsync(Build build, string work)
    {
        await using var emulator = BackgroundProcess.Start(build, work, ["emulator", "--port", "0", "--state", "emulator.json", "--cert-out", "emulator.pem"]);
        var address = await emulator.Stdout.WaitForAsync(EmulatorAddress(), BackgroundProcess.Patience);
        if (address is null)
        {
            var code = await emulator.StopAsync(Posix.SIGTERM);
            return new Outcome(code, emulator.Stdout.Text, emulator.Stderr.Text);
        }

        var plan = await Run(build, work, "plan", "--arm-endpoint", address.Groups[1].Value, "--ca-cert", "emulator.pem", "--auth", "emulator", "-f", "tenants.yaml");
        var exitCode = await emulator.StopAsync(BackgroundProcess.SIGINT);
        plan.Extra["emulator exit code"] = exitCode.ToString(CultureInfo.InvariantCulture);
        plan.Extra["emulator stdout"] = emulator.Stdout.Text;
        plan.Extra["emulator stderr"] = emulator.Stderr.Text;
        return plan;
    }

    /// <summary>watch in observe mode on its own copy of the example state, whose drift the first tick detects (and keeps).</summary>
    private BackgroundProcess StartWatch(Build build, string work, string notifyFormat, string path)
    {
        File.Copy(repository.File("examples/emulator-state.json"), Path.Combine(work, "watch-state.json"), overwrite: true);
        return BackgroundProcess.Start(build, work,
        [
            "watch", "--emulator", "watch-state.json", "-f", "tenants.yaml", "--listen", "127.0.0.1:0",
            "--mode", "observe", "--interval", "1h", "--replica-id", "smoke",
            "--notify", receiver.Url(path), "--notify-format", notifyFormat,
        ]);
    }

    private async Task<Outcome> WatchCloudEventsAsync(Build build, string work)
    {
        var path = "/cloudevents/" + build.Token;
        await using var watch = StartWatch(build, work, "cloudevents", path);
        var outcome = new Outcome(null, "", "");
        var listening = await watch.Stderr.WaitForAsync(WatchAddress(), BackgroundProcess.Patience);
        if (listening is not null)
        {
            var root = listening.Groups[1].Value;
            // Drift detected, for each of the two registrations (what came is compared below, whatever came).
            await receiver.WaitAsync(path, 2, BackgroundProcess.Patience);
            outcome.Extra["healthz"] = Invariant((await http.GetAsync(root + "/healthz")).Status);
            outcome.Extra["readyz"] = Invariant((await http.GetAsync(root + "/readyz")).Status);
            var status = await http.GetAsync(root + "/status");
            outcome.Extra["status"] = $"{Invariant(status.Status)} {status.ContentType}\n{status.Body}";
            var metrics = await http.GetAsync(root + "/metrics");
            outcome.Extra["metrics (tenant_reconciler_* names)"] = $"{Invariant(metrics.Status)}\n{Observations.MetricNames(metrics.Body)}";
            var notifications = Observations.Received(receiver.Take(path), normalizer);
            for (var i = 0; i < notifications.Count; i++)
            {
                outcome.Extra[$"notification {Invariant(i)}"] = notifications[i];
            }
        }

        return await StopWatchAsync(watch, outcome);
    }

    private async Task<Outcome> WatchSlackAsync(Build build, string work)
    {
        var path = "/slack/" + build.Token;
        await using var watch = StartWatch(build, work, "slack", path);
        var outcome = new Outcome(null, "", "");
        if (await watch.Stderr.WaitForAsync(Listening(), BackgroundProcess.Patience) is not null && await receiver.WaitAsync(path, 2, BackgroundProcess.Patience))
        {
            var notifications = Observations.Received(receiver.Take(path), normalizer);
            for (var i = 0; i < notifications.Count; i++)
            {
                outcome.Extra[i == 0 ? "slack" : $"slack {Invariant(i)}"] = notifications[i];
            }
        }

        return await StopWatchAsync(watch, outcome);
    }

    /// <summary>SIGTERM: watch must stop cleanly (exit 0). Its stderr is compared as log events, not as text.</summary>
    private static async Task<Outcome> StopWatchAsync(BackgroundProcess watch, Outcome outcome)
    {
        outcome.ExitCode = await watch.StopAsync(Posix.SIGTERM);
        outcome.Stdout = watch.Stdout.Text;
        outcome.Extra["stderr (log events)"] = Observations.LogEvents(watch.Stderr.Text);
        return outcome;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(https://127\.0\.0\.1:\d+)")]
    private static partial Regex EmulatorAddress();

    [GeneratedRegex(@"Listening on.*?(http://127\.0\.0\.1:\d+)")]
    private static partial Regex WatchAddress();

    [GeneratedRegex("Listening on")]
    private static partial Regex Listening();

    [GeneratedRegex(@"""type"":""plan-issued""[^\n]*""contentHash"":""(sha256:[0-9a-f]{64})""")]
    private static partial Regex PlanIssuedHash();
}
