using System.CommandLine;

namespace TenantReconciler.Smoke;

/// <summary>
/// The end-to-end smoke suite of the native (Native AOT) tenant-reconciler, compared with the JIT build
/// (run by .ci/aot-smoke.sh, which builds both):
/// <code>dotnet run -c Release --project tests/TenantReconciler.Smoke -- --native PATH --jit PATH [--out DIR] [--azurite-endpoint URL]</code>
/// Each step runs the same command with both builds (see <see cref="SmokeSuite"/>), seeded with the repository's
/// tenants.yaml and examples/emulator-state.json. The outputs are compared byte for byte once the parts that differ
/// on every run are replaced by placeholders (<see cref="OutputNormalizer"/>); each step also checks what it is for
/// (an exit code, a plan line, a notification), so two builds broken the same way fail too. Loopback only.
/// Prints one line per step and ends with "aot-smoke: N passed, N failed"; exits 1 on any failure.
/// </summary>
public static class Program
{
    public static Task<int> Main(string[] args)
    {
        var native = new Option<string>("--native") { Description = "The native tenant-reconciler executable.", Required = true };
        var jit = new Option<string>("--jit") { Description = "The JIT (framework-dependent) tenant-reconciler executable.", Required = true };
        var output = new Option<string?>("--out") { Description = "Where the outputs go (emptied first). Default: .ci/out/aot-smoke in the repository." };
        var azurite = new Option<string?>("--azurite-endpoint")
        {
            Description = "Azurite's blob endpoint, e.g. http://127.0.0.1:10000/devstoreaccount1. Default: $AZURITE_BLOB_ENDPOINT.",
        };
        var root = new RootCommand("End-to-end smoke suite of the native tenant-reconciler, compared with the JIT build.") { native, jit, output, azurite };
        root.SetAction((parse, _) => RunAsync(
            parse.GetRequiredValue(native),
            parse.GetRequiredValue(jit),
            parse.GetValue(output),
            parse.GetValue(azurite) ?? Environment.GetEnvironmentVariable("AZURITE_BLOB_ENDPOINT"),
            Console.Out,
            Console.Error));
        return root.Parse(args).InvokeAsync();
    }

    private static async Task<int> RunAsync(string native, string jit, string? output, string? azuriteEndpoint, TextWriter stdout, TextWriter stderr)
    {
        var repository = Repository.Find();
        if (repository is null || string.IsNullOrEmpty(azuriteEndpoint))
        {
            await stderr.WriteLineAsync(repository is null
                ? $"error: no TenantReconciler.sln above {AppContext.BaseDirectory} (run the suite from its build in the repository)"
                : "error: no Azurite endpoint (AZURITE_BLOB_ENDPOINT or --azurite-endpoint)");
            await stdout.WriteLineAsync("aot-smoke: 0 passed, 1 failed");
            return 1;
        }

        var outDirectory = Path.GetFullPath(output ?? repository.File(".ci/out/aot-smoke"));
        if (Directory.Exists(outDirectory))
        {
            Directory.Delete(outDirectory, recursive: true);
        }

        Directory.CreateDirectory(outDirectory);
        var normalizer = OutputNormalizer.ForInputs(
            await File.ReadAllTextAsync(repository.File("tenants.yaml")),
            await File.ReadAllTextAsync(repository.File("examples/emulator-state.json")));
        await using var receiver = await WebhookReceiver.StartAsync();
        using var http = new LoopbackHttp();
        var steps = new SmokeSteps(repository, azuriteEndpoint, receiver, http, normalizer);
        var suite = new SmokeSuite(steps, normalizer, outDirectory, stdout);
        var (passed, failed) = await suite.RunAsync(new Build("native", Path.GetFullPath(native)), new Build("jit", Path.GetFullPath(jit)));
        await stdout.WriteLineAsync($"aot-smoke: {passed} passed, {failed} failed");
        return failed > 0 || passed == 0 ? 1 : 0;
    }
}
