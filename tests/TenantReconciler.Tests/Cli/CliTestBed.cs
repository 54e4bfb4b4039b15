namespace TenantReconciler.Tests.Cli;

/// <summary>
/// A standalone emulator over HTTPS plus a scratch folder, and the CLI arguments that point the real client at it
/// (--arm-endpoint, --ca-cert with the emulator's certificate, --auth emulator).
/// </summary>
public sealed class CliTestBed : IAsyncDisposable
{
    private CliTestBed(ArmEmulator emulator, TempDirectory temp)
    {
        Emulator = emulator;
        Temp = temp;
        var pem = temp.Write("emulator.pem", emulator.CertificatePem);
        Journal = temp.File("journal.jsonl");
        Connection = ["--arm-endpoint", emulator.BaseUri.ToString(), "--ca-cert", pem, "--auth", "emulator"];
    }

    public ArmEmulator Emulator { get; }

    public TempDirectory Temp { get; }

    public string Journal { get; }

    public string[] Connection { get; }

    public static EmulatorState ExampleState() =>
        JsonSerializer.Deserialize<EmulatorState>(File.ReadAllText(RepoFiles.Path("examples/emulator-state.json")), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    public static async Task<CliTestBed> StartAsync(EmulatorState? state = null, EmulatorOptions? options = null)
    {
        var emulator = await ArmEmulator.StartAsync((options ?? new EmulatorOptions()) with { InitialState = state ?? ExampleState() });
        return new CliTestBed(emulator, new TempDirectory());
    }

    /// <summary>The example state without its second registration (azurestack-2d4c6e8a): every request for it is a 404.</summary>
    public static Task<CliTestBed> StartWithoutSecondRegistrationAsync()
    {
        var state = ExampleState();
        state.Registrations.RemoveAt(1);
        return StartAsync(state);
    }

    /// <summary>PUT and DELETE requests the emulator received.</summary>
    public int Writes => Emulator.Requests.Count(r => r.Method is "PUT" or "DELETE");

    /// <summary>The command was refused (exit 1), its stderr says each of <paramref name="says"/>, and nothing was written.</summary>
    public void AssertRefusedWithoutWrites(CliResult result, params string[] says)
    {
        Assert.Equal(1, result.ExitCode);
        foreach (var said in says)
        {
            Assert.Contains(said, result.Stderr, StringComparison.Ordinal);
        }

        Assert.Equal(0, Writes);
    }

    /// <summary>Runs a CLI command with the connection arguments and this test bed's journal appended (plan issues its saved plans there).</summary>
    public Task<CliResult> RunAsync(params string[] args) => CliRunner.RunAsync([.. args, .. Connection, .. JournalArgs(args)]);

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Temp.Dispose();
    }

    private string[] JournalArgs(string[] args) => args.Length > 0 && args[0] is "apply" or "undo" or "plan" && !args.Contains("--journal") ? ["--journal", Journal] : [];
}
