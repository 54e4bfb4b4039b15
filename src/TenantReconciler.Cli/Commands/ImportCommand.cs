using System.CommandLine;
using System.CommandLine.Parsing;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Persistence;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands;

/// <param name="Output">The file to write; null writes to stdout.</param>
/// <param name="Force">Replace <paramref name="Output"/> when it exists.</param>
public sealed record ImportArguments(
    IReadOnlyList<RegistrationRef> Registrations,
    AzureCloud Cloud,
    string ApiVersion,
    string? Output,
    bool Force,
    ConnectionArguments Connection)
{
    /// <summary>Registrations listed side by side (<c>--parallelism</c>).</summary>
    public int Parallelism { get; init; } = LiveReader.DefaultParallelism;

    /// <summary><c>--stamp-endpoint</c> and <c>--stamp-provider-subscription</c>: the <c>stamp:</c> written for the one registration; null for none.</summary>
    public DesiredStamp? Stamp { get; init; }
}

/// <summary>
/// <c>import REGISTRATION_ID…</c>: list the live mappings of existing registrations and write the tenants.yaml that
/// manages them as they are. Fail-closed like <c>plan</c>: the text is built only once every page of every
/// registration was read, so a failure leaves no output at all.
/// </summary>
public sealed class ImportCommand(IOContext io, ArmSessionFactory sessions) : ICommandHandler<ImportArguments>
{
    private const string IdShape = "/subscriptions/S/resourceGroups/G/providers/Microsoft.AzureStack/registrations/R";

    public static Command Create(CliContext cli)
    {
        var ids = new Argument<RegistrationRef[]>("REGISTRATION_ID")
        {
            Description = $"The full ARM id of a registration: {IdShape}.",
            Arity = ArgumentArity.ZeroOrMore,
            CustomParser = ParseIds,
        };
        var subscription = new Option<Guid?>("--subscription")
        {
            Description = "With --resource-group and --registration: the subscription of one registration.",
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (Guid.TryParse(text, out var id))
                {
                    return id;
                }

                r.AddError($"--subscription must be a subscription id (a GUID such as 6513270e-269e-4d37-b2a7-4de452e6b438), not '{CommonOptions.Shown(text)}'.");
                return null;
            },
        };
        var resourceGroup = new Option<string?>("--resource-group") { Description = "The resource group of that registration." };
        var registration = new Option<string?>("--registration") { Description = "The name of that registration (azurestack-<CloudID>)." };
        var cloud = CommonOptions.Choice(
            "--cloud",
            "The cloud written to the file, whose ARM endpoint and token audience are used.",
            AzureCloud.AzureCloud,
            Enum.GetValues<AzureCloud>().ToDictionary(c => c.ToString()));
        var apiVersion = new Option<string>("--api-version")
        {
            Description = "The api-version written to the file and used for the listing.",
            DefaultValueFactory = _ => ApiVersions.Default,
        };
        apiVersion.AcceptOnlyFromAmong([.. ApiVersions.Supported]);
        var output = new Option<string?>("--output", "-o") { Description = "Write the file here instead of stdout (atomically).", HelpName = "FILE" };
        var force = new Option<bool>("--force") { Description = "With --output: replace the file if it exists (a symbolic link there is replaced itself, never the file it points to)." };
        var stampEndpoint = new Option<Uri?>("--stamp-endpoint")
        {
            Description = "With one registration: write a stamp: block with this admin endpoint (https, e.g. " + TenantReconciler.Stamps.StampEndpoint.Example + "). Nothing is read from the stamp.",
            HelpName = "URL",
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (TenantReconciler.Stamps.StampEndpoint.TryParse(text, out var endpoint, out var problem))
                {
                    return endpoint;
                }

                r.AddError($"--stamp-endpoint must be an https URL without user-info, query or fragment, but it {OptionNames.Spell(problem)}.");
                return null;
            },
        };
        var stampProvider = new Option<Guid?>("--stamp-provider-subscription")
        {
            Description = "With --stamp-endpoint: the stamp's Default Provider Subscription.",
            HelpName = "GUID",
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (YamlValueReader.TryParseGuid(text, out var id) && id != Guid.Empty)
                {
                    return id;
                }

                r.AddError($"--stamp-provider-subscription must be the stamp's Default Provider Subscription (a GUID such as 8158498d-27b1-4ccf-9aa1-de0f925731e6), not '{CommonOptions.Shown(text)}'.");
                return null;
            },
        };
        var parallelism = CommonOptions.Parallelism();
        parallelism.Description = "Registrations listed side by side.";
        var connection = new ConnectionOptions();
        var command = new Command("import", "Write a tenants.yaml for the live mappings of existing registrations, so they can be managed. Read-only.")
        {
            ids, subscription, resourceGroup, registration, cloud, apiVersion, output, force, parallelism,
            stampEndpoint, stampProvider,
        };
        connection.AddTo(command);
        command.Validators.Add(r =>
        {
            var named = new[] { r.GetResult(subscription), r.GetResult(resourceGroup), r.GetResult(registration) }.Count(o => o is { Implicit: false });
            var given = r.GetResult(ids) is { Tokens.Count: > 0 }; // not GetValue: it throws when an id did not parse
            if (named is > 0 and < 3)
            {
                r.AddError("--subscription, --resource-group and --registration name one registration together: give all three.");
            }
            else if (named == 3 && given)
            {
                r.AddError("Name the registrations either as REGISTRATION_ID arguments or with --subscription, --resource-group and --registration, not both.");
            }
            else if (named == 0 && !given)
            {
                r.AddError($"Name at least one registration: {IdShape}, or --subscription S --resource-group G --registration R.");
            }
            else if (named == 3 && r.GetValue(resourceGroup) is var group && !ArmNames.IsValidResourceGroupName(group))
            {
                r.AddError($"--resource-group '{group}' is not a valid resource group name.");
            }
            else if (named == 3 && r.GetValue(registration) is var name && !ArmNames.IsValidRegistrationName(name))
            {
                r.AddError($"--registration '{name}' is not a valid registration name.");
            }

            if ((r.GetResult(stampEndpoint) is null) != (r.GetResult(stampProvider) is null))
            {
                r.AddError("--stamp-endpoint and --stamp-provider-subscription name one stamp together: give both.");
            }
            else if (r.GetResult(stampEndpoint) is not null && named == 0 && r.GetResult(ids) is not { Tokens.Count: 1 })
            {
                r.AddError("--stamp-endpoint writes the stamp of one registration: name exactly one.");
            }

            if (r.GetResult(force) is { Implicit: false } && r.GetValue(output) is null)
            {
                r.AddError("--force only applies with --output FILE.");
            }
        });
        cli.SetAction<ImportCommand, ImportArguments>(command, parseResult =>
            new ImportArguments(
                parseResult.GetValue(subscription) is { } s
                    ? [new RegistrationRef(s, parseResult.GetRequiredValue(resourceGroup)!, parseResult.GetRequiredValue(registration)!)]
                    : parseResult.GetRequiredValue(ids),
                parseResult.GetValue(cloud),
                parseResult.GetRequiredValue(apiVersion),
                parseResult.GetValue(output),
                parseResult.GetValue(force),
                connection.Parse(parseResult)) { Parallelism = parseResult.GetValue(parallelism), Stamp = StampOf(parseResult.GetValue(stampEndpoint), parseResult.GetValue(stampProvider)) });
        return command;
    }

    public async Task<int> RunAsync(ImportArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Output is { } target)
        {
            // Refused before anything is listed; AtomicFile checks again when it renames.
            AtomicFile.CheckWritable(target, overwrite: arguments.Force, replaceLink: arguments.Force);
        }

        // The session needs a desired state for the cloud, the api-version and (with --emulator) a new state file's registrations.
        var location = new SourceLocation("import", 1, 1);
        var desired = new DesiredState(
            "import",
            arguments.Cloud,
            arguments.ApiVersion,
            arguments.Registrations.Select(r => new DesiredRegistration(r, [], location)).ToArray());
        await using var session = await sessions.OpenAsync(desired, arguments.Connection, ArmPipelineSettings.Default.ForParallelism(arguments.Parallelism), cancellationToken);
        var live = await LiveReader.ReadAsync(session.Client, arguments.Registrations, arguments.Parallelism, cancellationToken);
        var text = TenantsYamlWriter.Write(arguments.Cloud, arguments.ApiVersion, live, arguments.Stamp);

        var mappings = live.Sum(l => l.Mappings.Count);
        if (arguments.Output is null)
        {
            await io.Output.WriteAsync(text.AsMemory(), cancellationToken);
            await io.Output.FlushAsync(cancellationToken);
        }
        else
        {
            AtomicFile.WriteAllText(arguments.Output, text, overwrite: arguments.Force, replaceLink: arguments.Force);
        }

        io.Error.WriteLine(arguments.Output is null
            ? $"Imported {mappings} tenant mapping(s) of {live.Count} registration(s). Save it as tenants.yaml and add a 'name:' to each tenant; '{NextStep.Command(arguments.Connection, "plan")}' shows no changes."
            : $"Imported {mappings} tenant mapping(s) of {live.Count} registration(s) to {arguments.Output}. Add a 'name:' to each tenant; '{NextStep.Command(arguments.Connection, "plan", "-f", arguments.Output)}' shows no changes.");
        return ExitCodes.Success;
    }

    private static DesiredStamp? StampOf(Uri? endpoint, Guid? provider) =>
        endpoint is null || provider is not { } id ? null : new DesiredStamp(endpoint, id, [], new SourceLocation("import", 1, 1));

    /// <summary>Each token as a registration id (<see cref="RegistrationRef.TryParse"/>), each named once.</summary>
    private static RegistrationRef[] ParseIds(ArgumentResult result)
    {
        var parsed = new List<RegistrationRef>();
        foreach (var token in result.Tokens)
        {
            if (RegistrationRef.TryParse(token.Value, out var registration, out var problem))
            {
                parsed.Add(registration);
            }
            else
            {
                result.AddError($"'{token.Value}' is not a registration id ({problem}); expected {IdShape}.");
            }
        }

        var duplicate = parsed.GroupBy(r => r).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            result.AddError($"Registration {duplicate.Key.Id} is named twice.");
        }

        return [.. parsed];
    }
}
