using System.CommandLine;
using TenantReconciler.Cli.Composition;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>The options that say where ARM is, shared by plan, apply, undo and watch.</summary>
public sealed class ConnectionOptions
{
    private readonly Option<string?> _emulator = new("--emulator")
    {
        Description = $"Start the local emulator in-process with the state in STATEFILE, and use it; apply updates the file. Without STATEFILE: a git-ignored copy ({CommonOptions.EmulatorStateCopy}), seeded from {CommonOptions.DefaultEmulatorState} on first use.",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "STATEFILE",
    };

    private readonly Option<bool> _emulatorReset = new("--emulator-reset")
    {
        Description = $"With --emulator and no STATEFILE: discard the copy ({CommonOptions.EmulatorStateCopy}) and start again from {CommonOptions.DefaultEmulatorState}.",
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
        CommonOptions.Add(command, _emulator, _emulatorReset, _auth, _armEndpoint, _caCert);
        command.Validators.Add(r =>
        {
            if (r.GetResult(_emulatorReset) is { Implicit: false } && (r.GetResult(_emulator) is not { } emulator || emulator.Tokens.Count > 0))
            {
                r.AddError("--emulator-reset only applies to --emulator without a STATEFILE (the local copy); delete or replace a STATEFILE yourself.");
            }
        });
    }

    public ConnectionArguments Parse(ParseResult parseResult)
    {
        var emulatorGiven = parseResult.GetResult(_emulator) is not null;
        var stateFile = parseResult.GetValue(_emulator);
        var auth = parseResult.GetValue(_auth);
        return new ConnectionArguments(
            emulatorGiven ? stateFile ?? CommonOptions.EmulatorStateCopy : null,
            auth is null ? null : AuthKinds.ByName[auth],
            parseResult.GetValue(_armEndpoint),
            parseResult.GetValue(_caCert))
        {
            EmulatorSeedPath = emulatorGiven && stateFile is null ? CommonOptions.DefaultEmulatorState : null,
            EmulatorReset = parseResult.GetValue(_emulatorReset),
        };
    }
}
