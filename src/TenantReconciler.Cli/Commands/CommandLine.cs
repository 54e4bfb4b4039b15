using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

public enum Verbosity
{
    Quiet,
    Normal,
    Detailed,
    Diagnostic,
}

/// <summary>
/// The command tree. Each action parses its options into an arguments record, asks the host for one handler and
/// returns its exit code; the host (DI, configuration, logging) is built per invocation by <c>Program</c>.
/// </summary>
public static class CommandLine
{
    public const string DefaultFile = "tenants.yaml";
    public const string DefaultEmulatorState = "examples/emulator-state.json";

    public static RootCommand Build(IOContext io, Func<Verbosity, IHost> hostFactory)
    {
        var verbosity = new Option<Verbosity>("--verbosity", "-v")
        {
            Description = "Log detail on stderr: quiet, normal, detailed, diagnostic.",
            DefaultValueFactory = _ => Verbosity.Normal,
            Recursive = true,
        };

        var root = new RootCommand("Declarative Azure Stack tenant registrations: validate, plan and apply tenants.yaml against ARM customerSubscriptions.");
        root.Options.Add(verbosity);
        root.Subcommands.Add(Validate());
        root.Subcommands.Add(Plan());
        root.Subcommands.Add(Apply());
        root.Subcommands.Add(EmulatorCommand());
        return root;

        Task<int> Run<THandler>(ParseResult parseResult, Func<THandler, Task<int>> action)
            where THandler : notnull
        {
            return CommandBoundary.RunAsync(io, async () =>
            {
                using var host = hostFactory(parseResult.GetValue(verbosity));
                return await action(host.Services.GetRequiredService<THandler>());
            });
        }

        Command Validate()
        {
            var file = FileOption();
            var command = new Command("validate", "Check tenants.yaml and report every problem with its line and column. Sends no request.") { file };
            command.SetAction((parseResult, _) =>
                Run<ValidateHandler>(parseResult, h => h.RunAsync(new ValidateArguments(parseResult.GetRequiredValue(file)))));
            return command;
        }

        Command Plan()
        {
            var file = FileOption();
            var output = new Option<string>("--output", "-o")
            {
                Description = "Plan format on stdout.",
                DefaultValueFactory = _ => "text",
            };
            output.AcceptOnlyFromAmong([.. PlanRenderers.Formats]);
            var detailed = new Option<bool>("--detailed-exitcode")
            {
                Description = "Exit 2 when the plan has changes (0: no changes, 1: error).",
            };
            var connection = new ConnectionOptions();
            var command = new Command("plan", "Show what apply would change: adds, overwrites and removals. Read-only.") { file, output, detailed };
            connection.AddTo(command);
            command.SetAction((parseResult, cancellationToken) =>
                Run<PlanHandler>(parseResult, h => h.RunAsync(
                    new PlanArguments(
                        parseResult.GetRequiredValue(file),
                        parseResult.GetRequiredValue(output),
                        parseResult.GetValue(detailed),
                        connection.Parse(parseResult)),
                    cancellationToken)));
            return command;
        }

        Command Apply()
        {
            var file = FileOption();
            var autoApprove = new Option<bool>("--auto-approve")
            {
                Description = "Apply without asking. Required when standard input is not a terminal.",
            };
            var connection = new ConnectionOptions();
            var command = new Command("apply", "Compute the plan, confirm it, apply it, then re-list and report convergence.") { file, autoApprove };
            connection.AddTo(command);
            command.SetAction((parseResult, cancellationToken) =>
                Run<ApplyHandler>(parseResult, h => h.RunAsync(
                    new ApplyArguments(parseResult.GetRequiredValue(file), parseResult.GetValue(autoApprove), connection.Parse(parseResult)),
                    cancellationToken)));
            return command;
        }

        Command EmulatorCommand()
        {
            var port = new Option<int>("--port") { Description = "TCP port on 127.0.0.1 (0: any free port).", DefaultValueFactory = _ => 0 };
            var state = new Option<string?>("--state") { Description = "JSON state file; read at start and written atomically after each write." };
            var certOut = new Option<string?>("--cert-out") { Description = "Write the emulator's certificate (PEM) here, for --ca-cert or another client." };
            var pageSize = new Option<int>("--page-size") { Description = "Items per list page.", DefaultValueFactory = _ => 100 };
            var semantics = new Option<string>("--overwrite-semantics")
            {
                Description = "replace: a PUT drops the tenant's other mapping (the document); independent: every resource stands alone.",
                DefaultValueFactory = _ => "replace",
            };
            semantics.AcceptOnlyFromAmong("replace", "independent");
            var putStatus = new Option<int>("--put-status")
            {
                Description = "200: the resource as body (the specification); 201: empty body, and an empty listing as an empty body (the document).",
                DefaultValueFactory = _ => 200,
            };
            putStatus.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() is not (200 or 201))
                {
                    r.AddError("--put-status must be 200 or 201.");
                }
            });
            pageSize.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() < 1)
                {
                    r.AddError("--page-size must be at least 1.");
                }
            });

            var faults = new Option<string?>("--faults")
            {
                Description = "Fault profile (JSON, see docs/emulator.md): injected latency, 429, 500, 503 and dropped connections.",
                HelpName = "FILE.json",
            };
            var latencyMs = new Option<int?>("--latency-ms")
            {
                Description = "Delay every PUT and DELETE by N milliseconds (on top of --faults, replacing its write latency).",
                HelpName = "N",
            };
            latencyMs.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int?>() < 0)
                {
                    r.AddError("--latency-ms must not be negative.");
                }
            });
            var throttleReads = TokenBucketOption("--throttle-reads", "reads (GET)");
            var throttleWrites = TokenBucketOption("--throttle-writes", "writes (PUT), and deletes unless --throttle-deletes is given");
            var throttleDeletes = TokenBucketOption("--throttle-deletes", "deletes (DELETE)");
            var seed = new Option<int?>("--seed")
            {
                Description = "Seed of the fault decisions of --faults or --latency-ms (overrides the profile's), to replay a run.",
                HelpName = "N",
            };

            var command = new Command("emulator", "Run the local ARM emulator until Ctrl+C. Prints its base URL on the first line.")
            {
                port, state, certOut, pageSize, semantics, putStatus, faults, latencyMs, throttleReads, throttleWrites, throttleDeletes, seed,
            };
            command.SetAction((parseResult, cancellationToken) =>
                Run<EmulatorHandler>(parseResult, h => h.RunAsync(
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
                        parseResult.GetValue(seed)),
                    cancellationToken)));
            return command;
        }
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

    private static Option<string> FileOption() => new("--file", "-f")
    {
        Description = "The desired-state file.",
        DefaultValueFactory = _ => DefaultFile,
    };

    /// <summary>The options that say where ARM is, shared by plan and apply.</summary>
    private sealed class ConnectionOptions
    {
        private readonly Option<string?> _emulator = new("--emulator")
        {
            Description = $"Start the local emulator in-process, seeded from STATEFILE (default {DefaultEmulatorState}), and use it. With apply, the file is updated.",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "STATEFILE",
        };

        private readonly Option<string?> _auth = new("--auth")
        {
            Description = "Credential: default, cli, environment, workload-identity, managed-identity, or emulator (loopback only).",
        };

        private readonly Option<Uri?> _armEndpoint = new("--arm-endpoint")
        {
            Description = "Override the cloud's ARM endpoint (an absolute https URL).",
            CustomParser = r =>
            {
                var text = r.Tokens.Single().Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
                {
                    return uri;
                }

                r.AddError($"--arm-endpoint must be an absolute https URL without query or fragment, not '{text}'.");
                return null;
            },
        };

        private readonly Option<string?> _caCert = new("--ca-cert")
        {
            Description = "Trust this extra certificate (PEM) for the ARM endpoint, e.g. the emulator's --cert-out.",
        };

        public ConnectionOptions()
        {
            _auth.AcceptOnlyFromAmong([.. AuthKinds.ByName.Keys]);
        }

        public void AddTo(Command command)
        {
            command.Options.Add(_emulator);
            command.Options.Add(_auth);
            command.Options.Add(_armEndpoint);
            command.Options.Add(_caCert);
        }

        public ConnectionArguments Parse(ParseResult parseResult)
        {
            var emulatorGiven = parseResult.GetResult(_emulator) is not null;
            var auth = parseResult.GetValue(_auth);
            return new ConnectionArguments(
                emulatorGiven ? parseResult.GetValue(_emulator) ?? DefaultEmulatorState : null,
                auth is null ? null : AuthKinds.ByName[auth],
                parseResult.GetValue(_armEndpoint),
                parseResult.GetValue(_caCert));
        }
    }
}
