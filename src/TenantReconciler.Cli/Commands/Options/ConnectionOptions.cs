using System.CommandLine;
using TenantReconciler.Cli.Composition;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>The options that say where ARM is, shared by plan, apply, undo and watch.</summary>
public sealed class ConnectionOptions
{
    private readonly Option<string?> _emulator = new("--emulator")
    {
        Description = $"Start the local emulator in-process, seeded from STATEFILE (default {CommonOptions.DefaultEmulatorState}), and use it. With apply, the file is updated.",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "STATEFILE",
    };

    private readonly Option<string?> _auth = new("--auth")
    {
        Description = $"Credential: {AuthKinds.Names} (emulator: loopback only).",
    };

    private readonly Option<Uri?> _armEndpoint = CommonOptions.Uri(
        "--arm-endpoint",
        "Override the cloud's ARM endpoint (an absolute https URL).",
        CommonOptions.IsPlainHttps,
        "an absolute https URL without user-info, query or fragment");

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
            emulatorGiven ? parseResult.GetValue(_emulator) ?? CommonOptions.DefaultEmulatorState : null,
            auth is null ? null : AuthKinds.ByName[auth],
            parseResult.GetValue(_armEndpoint),
            parseResult.GetValue(_caCert));
    }
}
