using System.CommandLine;

namespace TenantReconciler.Cli.Commands;

public sealed record EmulatorArguments(
    int Port,
    string? StatePath,
    string? CertOut,
    int PageSize,
    Emulator.OverwriteSemantics OverwriteSemantics,
    int PutStatus,
    string? FaultsPath = null,
    int? WriteLatencyMs = null,
    Emulator.TokenBucketLimit? ThrottleReads = null,
    Emulator.TokenBucketLimit? ThrottleWrites = null,
    Emulator.TokenBucketLimit? ThrottleDeletes = null,
    int? Seed = null);

/// <summary><c>emulator</c>: the options of the local ARM emulator; <see cref="EmulatorHandler"/> runs it.</summary>
public static class EmulatorCommand
{
    public static Command Create(CliContext cli)
    {
        var port = Options.CommonOptions.Integer("--port", "TCP port on 127.0.0.1 (0: any free port).", 0, 0, 65535);
        var state = new Option<string?>("--state") { Description = "JSON state file; read at start and written atomically after each write." };
        var certOut = new Option<string?>("--cert-out") { Description = "Write the emulator's certificate (PEM) here, for --ca-cert or another client." };
        var pageSize = Options.CommonOptions.Integer("--page-size", "Items per list page.", 100, 1, int.MaxValue);
        var semantics = new Option<string>("--overwrite-semantics")
        {
            Description = "replace: a PUT drops the tenant's other mapping (the document); independent: every resource stands alone.",
            DefaultValueFactory = _ => "replace",
        };
        semantics.AcceptOnlyFromAmong("replace", "independent");
        var putStatus = Options.CommonOptions.Choice(
            "--put-status",
            "200: the resource as body (the specification); 201: empty body, and an empty listing as an empty body (the document).",
            200,
            new Dictionary<string, int> { ["200"] = 200, ["201"] = 201 });

        var faults = new Option<string?>("--faults")
        {
            Description = "Fault profile (JSON, see docs/emulator.md): injected latency, 429, 500, 503 and dropped connections.",
            HelpName = "FILE.json",
        };
        var latencyMs = Options.CommonOptions.OptionalInteger(
            "--latency-ms", "Delay every PUT and DELETE by N milliseconds (on top of --faults, replacing its write latency).", 0, int.MaxValue);
        latencyMs.HelpName = "N";
        var throttleReads = TokenBucketOption("--throttle-reads", "reads (GET)");
        var throttleWrites = TokenBucketOption("--throttle-writes", "writes (PUT), and deletes unless --throttle-deletes is given");
        var throttleDeletes = TokenBucketOption("--throttle-deletes", "deletes (DELETE)");
        var seed = Options.CommonOptions.OptionalInteger(
            "--seed", "Seed of the fault decisions of --faults or --latency-ms (overrides the profile's), to replay a run.", int.MinValue, int.MaxValue);
        seed.HelpName = "N";

        var command = new Command("emulator", "Run the local ARM emulator until Ctrl+C. Prints its base URL on the first line.")
        {
            port, state, certOut, pageSize, semantics, putStatus, faults, latencyMs, throttleReads, throttleWrites, throttleDeletes, seed,
        };
        cli.SetAction<EmulatorHandler, EmulatorArguments>(command, parseResult =>
            new EmulatorArguments(
                parseResult.GetValue(port),
                parseResult.GetValue(state),
                parseResult.GetValue(certOut),
                parseResult.GetValue(pageSize),
                parseResult.GetRequiredValue(semantics) == "independent" ? Emulator.OverwriteSemantics.Independent : Emulator.OverwriteSemantics.Replace,
                parseResult.GetValue(putStatus),
                parseResult.GetValue(faults),
                parseResult.GetValue(latencyMs),
                parseResult.GetValue(throttleReads),
                parseResult.GetValue(throttleWrites),
                parseResult.GetValue(throttleDeletes),
                parseResult.GetValue(seed)));
        return command;
    }

    private static Option<Emulator.TokenBucketLimit?> TokenBucketOption(string name, string what) => new(name)
    {
        Description = $"Token-bucket throttling of {what} per subscription: BURST:RATE, e.g. 200:10 (ARM's public cloud: writes 200:10, reads 250:25).",
        HelpName = "BURST:RATE",
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            if (Emulator.TokenBucketLimit.TryParse(text, out var limit))
            {
                return limit;
            }

            r.AddError($"{name} must be BURST:RATE with a burst of at least 1 and a positive rate per second, not '{text}'.");
            return null;
        },
    };
}
