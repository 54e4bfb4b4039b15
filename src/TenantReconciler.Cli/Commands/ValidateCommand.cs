using System.CommandLine;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Desired;

namespace TenantReconciler.Cli.Commands;

public sealed record ValidateArguments(IReadOnlyList<string> Files);

/// <summary><c>validate</c>: load and check tenants.yaml; no request is sent.</summary>
public sealed class ValidateCommand(IOContext io)
{
    public static Command Create(CliContext cli)
    {
        var file = CommonOptions.File();
        var command = new Command("validate", "Check tenants.yaml and report every problem with its line and column. Sends no request.") { file };
        command.SetAction((parseResult, cancellationToken) =>
            cli.RunAsync<ValidateCommand>(parseResult, h => h.RunAsync(new ValidateArguments(parseResult.GetRequiredValue(file))), cancellationToken));
        return command;
    }

    public Task<int> RunAsync(ValidateArguments arguments)
    {
        var desired = DesiredStateLoader.LoadAll(arguments.Files);
        var tenants = desired.Registrations.Sum(r => r.Tenants.Count);
        io.Error.WriteLine($"{CommonOptions.Describe(arguments.Files)} is valid{(desired.Sources.Count > 1 ? $" ({desired.Sources.Count} files)" : "")}: {desired.Registrations.Count} registration(s), {tenants} tenant mapping(s).");
        return Task.FromResult(ExitCodes.Success);
    }
}
