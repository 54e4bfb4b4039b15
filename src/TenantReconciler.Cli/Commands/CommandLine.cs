using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Planning;
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
        root.Subcommands.Add(Undo());
        root.Subcommands.Add(EmulatorCommand());
        root.Subcommands.Add(WatchCommand.Create(io, hostFactory, verbosity));
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
            var outFile = new Option<string?>("--out")
            {
                Description = "Also save the plan to this file, for 'apply PLANFILE': apply then does exactly this plan, or refuses if anything changed.",
            };
            var connection = new ConnectionOptions();
            var command = new Command("plan", "Show what apply would change: adds, overwrites and removals. Read-only.") { file, output, detailed, outFile };
            connection.AddTo(command);
            command.SetAction((parseResult, cancellationToken) =>
                Run<PlanHandler>(parseResult, h => h.RunAsync(
                    new PlanArguments(
                        parseResult.GetRequiredValue(file),
                        parseResult.GetRequiredValue(output),
                        parseResult.GetValue(detailed),
                        parseResult.GetValue(outFile),
                        connection.Parse(parseResult)),
                    cancellationToken)));
            return command;
        }

        Command Apply()
        {
            var file = FileOption();
            var planFile = new Argument<string?>("PLANFILE")
            {
                Description = "A plan saved by 'plan --out'. Apply exactly it, or refuse if the live state or tenants.yaml changed since.",
                Arity = ArgumentArity.ZeroOrOne,
            };
            var planOption = new Option<string?>("--plan") { Description = "Same as PLANFILE." };
            var autoApprove = new Option<bool>("--auto-approve")
            {
                Description = "Apply without asking. Required when standard input is not a terminal.",
            };
            var safety = new SafetyOptions();
            var connection = new ConnectionOptions();
            var command = new Command("apply", "Compute the plan (or load a saved one), check the guards, confirm, apply, then re-list and report convergence.")
            {
                file, planFile, planOption, autoApprove,
            };
            safety.AddTo(command);
            connection.AddTo(command);
            command.Validators.Add(r =>
            {
                if (r.GetValue(planFile) is not null && r.GetValue(planOption) is not null)
                {
                    r.AddError("Give the saved plan either as PLANFILE or with --plan, not both.");
                }
            });
            command.SetAction((parseResult, cancellationToken) =>
                Run<ApplyHandler>(parseResult, h => h.RunAsync(
                    new ApplyArguments(
                        parseResult.GetRequiredValue(file),
                        parseResult.GetResult(file) is { Implicit: false },
                        parseResult.GetValue(planFile) ?? parseResult.GetValue(planOption),
                        parseResult.GetValue(autoApprove),
                        safety.Parse(parseResult),
                        connection.Parse(parseResult)),
                    cancellationToken)));
            return command;
        }

        Command Undo()
        {
            var file = FileOption();
            var journal = JournalOption();
            var outFile = new Option<string>("--out")
            {
                Description = "Where to save the undo plan.",
                DefaultValueFactory = _ => "undo.plan.json",
            };
            var output = new Option<string>("--output", "-o") { Description = "Plan format on stdout.", DefaultValueFactory = _ => "text" };
            output.AcceptOnlyFromAmong([.. PlanRenderers.Formats]);
            var connection = new ConnectionOptions();
            var command = new Command("undo", "Make a plan (not a write) that restores the mappings changed by the last apply in the journal. Apply it with 'apply PLANFILE'.")
            {
                file, journal, outFile, output,
            };
            connection.AddTo(command);
            command.SetAction((parseResult, cancellationToken) =>
                Run<UndoHandler>(parseResult, h => h.RunAsync(
                    new UndoArguments(
                        parseResult.GetRequiredValue(file),
                        parseResult.GetRequiredValue(journal),
                        parseResult.GetRequiredValue(outFile),
                        parseResult.GetRequiredValue(output),
                        connection.Parse(parseResult)),
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

    private static Option<string> JournalOption() => new("--journal")
    {
        Description = "The apply journal (JSON lines).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TENANT_RECONCILER_JOURNAL") is { Length: > 0 } path ? path : ToolInfo.DefaultJournal,
    };

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

    /// <summary>An option holding an absolute URL that <paramref name="accept"/> approves; otherwise "NAME must be REQUIREMENT".</summary>
    internal static Option<Uri?> UriOption(string name, string description, Func<Uri, bool> accept, string requirement) => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && accept(uri))
            {
                return uri;
            }

            r.AddError($"{name} must be {requirement}, not '{text}'.");
            return null;
        },
    };

    private static Option<string> FileOption() => new("--file", "-f")
    {
        Description = "The desired-state file.",
        DefaultValueFactory = _ => DefaultFile,
    };

    /// <summary>The guard overrides and the write limits of apply. None of them can come from tenants.yaml.</summary>
    private sealed class SafetyOptions
    {
        private readonly Option<bool> _allowEmpty = new("--allow-empty")
        {
            Description = "Allow removing every mapping of a registration whose tenant list is empty.",
        };

        private readonly Option<int?> _maxRemovals = new("--max-removals")
        {
            Description = $"Removal threshold per registration when tenants.yaml sets no maxRemovals (default {GuardOverrides.DefaultMaxRemovals}).",
        };

        private readonly Option<int?> _confirmRemovals = new("--confirm-removals")
        {
            Description = "Allow a plan above the removal threshold: N must be the exact number of dropped mappings in the plan.",
        };

        private readonly Option<int> _parallelism = new("--parallelism")
        {
            Description = "Writes in flight at once.",
            DefaultValueFactory = _ => 4,
        };

        private readonly Option<double> _maxRetryWait = new("--max-retry-wait")
        {
            Description = "Seconds: a Retry-After longer than this fails the change at once instead of waiting.",
            DefaultValueFactory = _ => 60,
        };

        private readonly Option<string> _journal = JournalOption();

        private readonly Option<Uri?> _lock = UriOption(
            "--lock",
            "Hold this blob's lease (https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB, with the --auth credential) while applying: the same lease as 'watch --lease-blob', so a CI apply and the service never write at once.",
            uri => uri.Scheme == Uri.UriSchemeHttps,
            "an absolute https URL of a blob");

        private readonly Option<string?> _lockConnectionString = new("--lock-connection-string")
        {
            Description = $"Or: hold the lease of {LeaseArguments.DefaultContainer}/{LeaseArguments.DefaultBlobName} in the storage account of this connection string (e.g. Azurite's), as 'watch --lease-connection-string' does.",
        };

        private readonly Option<string> _lockContainer = new("--lock-container")
        {
            Description = "With --lock-connection-string: the container (as 'watch --lease-container').",
            DefaultValueFactory = _ => LeaseArguments.DefaultContainer,
        };

        private readonly Option<string> _lockBlobName = new("--lock-blob-name")
        {
            Description = "With --lock-connection-string: the blob (as 'watch --lease-blob-name').",
            DefaultValueFactory = _ => LeaseArguments.DefaultBlobName,
        };

        private readonly Option<double> _lockWait = new("--lock-wait")
        {
            Description = "Seconds to wait for the lock before giving up.",
            DefaultValueFactory = _ => 120,
        };

        public SafetyOptions()
        {
            _parallelism.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int>() is < 1 or > 64)
                {
                    r.AddError("--parallelism must be between 1 and 64.");
                }
            });
            _maxRetryWait.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<double>() < 0)
                {
                    r.AddError("--max-retry-wait must not be negative.");
                }
            });
            foreach (var option in new[] { _maxRemovals, _confirmRemovals })
            {
                option.Validators.Add(r =>
                {
                    if (r.GetValueOrDefault<int?>() < 0)
                    {
                        r.AddError($"{option.Name} must not be negative.");
                    }
                });
            }
        }

        public void AddTo(Command command)
        {
            command.Options.Add(_allowEmpty);
            command.Options.Add(_maxRemovals);
            command.Options.Add(_confirmRemovals);
            command.Options.Add(_parallelism);
            command.Options.Add(_maxRetryWait);
            command.Options.Add(_journal);
            command.Options.Add(_lock);
            command.Options.Add(_lockConnectionString);
            command.Options.Add(_lockContainer);
            command.Options.Add(_lockBlobName);
            command.Options.Add(_lockWait);
            command.Validators.Add(r =>
            {
                if (r.GetValue(_lock) is not null && r.GetValue(_lockConnectionString) is not null)
                {
                    r.AddError("Give the lock either as --lock URL or with --lock-connection-string, not both.");
                }
            });
        }

        public ApplySafety Parse(ParseResult parseResult)
        {
            var blob = parseResult.GetValue(_lock);
            var connectionString = parseResult.GetValue(_lockConnectionString);
            var lease = blob is null && connectionString is null
                ? null
                : new LeaseArguments(blob, connectionString, parseResult.GetRequiredValue(_lockContainer), parseResult.GetRequiredValue(_lockBlobName), LeaseArguments.DefaultDuration);
            return new(
                new GuardOverrides(parseResult.GetValue(_allowEmpty), parseResult.GetValue(_maxRemovals), parseResult.GetValue(_confirmRemovals)),
                parseResult.GetValue(_parallelism),
                TimeSpan.FromSeconds(parseResult.GetValue(_maxRetryWait)),
                parseResult.GetRequiredValue(_journal),
                lease,
                TimeSpan.FromSeconds(parseResult.GetValue(_lockWait)));
        }
    }

    /// <summary>The options that say where ARM is, shared by plan, apply, undo and watch.</summary>
    internal sealed class ConnectionOptions
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

        private readonly Option<Uri?> _armEndpoint = UriOption(
            "--arm-endpoint",
            "Override the cloud's ARM endpoint (an absolute https URL).",
            uri => uri.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment),
            "an absolute https URL without query or fragment");

        private readonly Option<string?> _caCert = new("--ca-cert")
        {
            Description = "Trust this extra certificate (PEM) for the ARM endpoint, e.g. the emulator's --cert-out.",
        };

        public ConnectionOptions(string? emulatorDescription = null, string? authDescription = null)
        {
            _auth.AcceptOnlyFromAmong([.. AuthKinds.ByName.Keys]);
            _emulator.Description = emulatorDescription ?? _emulator.Description;
            _auth.Description = authDescription ?? _auth.Description;
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
