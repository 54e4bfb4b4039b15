using System.CommandLine;
using Azure.Core;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Output;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Preflight;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Commands;

public sealed record CheckArguments(IReadOnlyList<string> Files, ConnectionArguments Connection);

/// <summary>
/// <c>check</c>: the pre-flight. It writes nothing, and reports one line per check: the file is valid; <c>--auth</c>
/// gets a token for the cloud's audience; the endpoint answers; each registration exists, allows customer
/// subscriptions and can be listed, and the management locks that hold for it (<see cref="PreflightChecks"/>). A check whose premise failed is shown as skipped.
/// Exit 0 when every check passed, 1 otherwise.
/// </summary>
public sealed class CheckCommand(IOContext io, ArmSessionFactory sessions, CredentialFactory credentials) : ICommandHandler<CheckArguments>
{
    public static Command Create(CliContext cli)
    {
        var file = CommonOptions.File();
        var connection = new ConnectionOptions();
        var command = new Command("check", "Pre-flight: the file, the credential, the endpoint, and each registration (exists, allows customer subscriptions, can be listed, its locks). Writes nothing.")
        {
            file,
        };
        connection.AddTo(command);
        cli.SetAction<CheckCommand, CheckArguments>(command, parseResult =>
            new CheckArguments(parseResult.GetRequiredValue(file), connection.Parse(parseResult)));
        return command;
    }

    public async Task<int> RunAsync(CheckArguments arguments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var report = new CheckReport(io.Output);
        var desired = CheckFile(arguments.Files, report);
        if (desired is null)
        {
            Skip(report, [], "the file is not valid", token: true);
            return Finish(report);
        }

        var names = desired.Registrations.Select(r => r.Registration).ToArray();
        var auth = arguments.Connection.EffectiveAuth;
        var tokenText = $"--auth {AuthKinds.NameOf(auth)} gets a token for {ArmConnections.ScopeFor(desired.Cloud)} ({desired.Cloud})";
        ArmSession session;
        try
        {
            session = await sessions.OpenAsync(desired, arguments.Connection, cancellationToken);
        }
        catch (ReconcilerException e)
        {
            report.Write(new CheckResult(CheckKind.Token, CheckStatus.Failed, tokenText)
            {
                Detail = $"The connection cannot be set up: {OptionNames.Text(e)}",
                Fix = "Correct the connection options (--emulator, --auth, --arm-endpoint, --ca-cert).",
            });
            Skip(report, names, "no connection", token: false);
            return Finish(report);
        }

        await using (session)
        {
            var token = await CheckTokenAsync(auth, desired.Cloud, session.Connection, tokenText, cancellationToken);
            report.Write(token);
            if (token.Status != CheckStatus.Passed)
            {
                Skip(report, names, "no token", token: false);
                return Finish(report);
            }

            var registrations = session.Client as IRegistrationClient
                ?? throw new InvalidOperationException($"{session.Client.GetType().Name} cannot read registrations.");
            await foreach (var result in PreflightChecks.CheckArmAsync(session.Connection.Endpoint, registrations, session.Client, names, desired.Registrations, cancellationToken))
            {
                report.Write(result);
            }
        }

        return Finish(report);
    }

    private static DesiredState? CheckFile(IReadOnlyList<string> files, CheckReport report)
    {
        var file = CommonOptions.Describe(files);
        try
        {
            var desired = DesiredStateLoader.LoadAll(files);
            var tenants = desired.Registrations.Sum(r => r.Tenants.Count);
            report.Write(new CheckResult(
                CheckKind.File,
                CheckStatus.Passed,
                $"{file} is valid ({desired.Registrations.Count} registration(s), {tenants} tenant mapping(s), cloud {desired.Cloud}, api-version {desired.ApiVersion})"));
            return desired;
        }
        catch (DesiredStateException e)
        {
            report.Write(new CheckResult(CheckKind.File, CheckStatus.Failed, $"{file} is valid: {e.Diagnostics.Count} problem(s)")
            {
                Detail = string.Join('\n', e.Diagnostics.Select(d => d.ToString(OptionNames.Instance))),
                Fix = $"Correct the problems above (each with its line and column); 'tenant-reconciler validate -f {file}' checks the file alone.",
            });
            return null;
        }
    }

    /// <summary>Asks the <c>--auth</c> credential for a token of the cloud's ARM audience. The token itself is never shown.</summary>
    private async Task<CheckResult> CheckTokenAsync(AuthKind auth, AzureCloud cloud, ArmConnection connection, string text, CancellationToken cancellationToken)
    {
        try
        {
            var credential = credentials.Create(auth, cloud, connection.Endpoint);
            await credential.GetTokenAsync(new TokenRequestContext([connection.Scope]), cancellationToken);
            return new CheckResult(CheckKind.Token, CheckStatus.Passed, text);
        }
        catch (CredentialException e)
        {
            // The message is already the explained paragraph, secrets redacted; its fix is shown on its own line.
            var fix = CredentialErrors.Hint(e.Auth, cloud);
            return new CheckResult(CheckKind.Token, CheckStatus.Failed, text)
            {
                Detail = e.Message.Replace(" " + fix, string.Empty, StringComparison.Ordinal),
                Fix = fix,
            };
        }
        catch (ReconcilerException e)
        {
            return new CheckResult(CheckKind.Token, CheckStatus.Failed, text) { Detail = e.Message, Fix = "Choose an --auth that fits this endpoint." };
        }
    }

    private static void Skip(CheckReport report, IReadOnlyList<RegistrationRef> names, string because, bool token)
    {
        if (token)
        {
            report.Write(CheckResult.Skip(CheckKind.Token, "--auth gets a token for the cloud's audience", because));
        }

        foreach (var skipped in PreflightChecks.Skipped(names, because))
        {
            report.Write(skipped);
        }
    }

    private static int Finish(CheckReport report)
    {
        report.WriteSummary();
        return report.AnyFailed ? ExitCodes.Error : ExitCodes.Success;
    }
}
