using System.CommandLine;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>
/// How the stamps of tenants.yaml (<c>stamp:</c>) are reached and read: the second credential (<c>--stamp-auth</c>),
/// the one certificate trusted for the stamp endpoints only (<c>--stamp-ca-cert</c>), and the usage window
/// (<c>--usage-days</c>). Without any <c>stamp:</c> block they change nothing.
/// </summary>
public sealed class StampOptions
{
    private readonly Option<string?> _auth = new("--stamp-auth")
    {
        Description = $"The stamps' credential: {AuthKinds.Names} (emulator: loopback only). Default: default. Its token audience comes from each stamp's metadata document.",
        HelpName = "KIND",
    };

    private readonly Option<string?> _caCert = new("--stamp-ca-cert")
    {
        Description = "Trust this extra certificate (PEM) for the stamps' admin endpoints only (stamps usually have an internal CA).",
        HelpName = "FILE",
    };

    private readonly Option<int> _usageDays = CommonOptions.Integer(
        "--usage-days",
        $"Read each stamp's usage over the last N complete UTC days (1 to {UsageWindow.MaxDays}).",
        UsageWindow.DefaultDays,
        1,
        UsageWindow.MaxDays);

    public StampOptions()
    {
        _auth.AcceptOnlyFromAmong([.. AuthKinds.ByName.Keys]);
        _usageDays.HelpName = "N";
    }

    public void AddTo(Command command)
    {
        CommonOptions.Add(command, _auth, _caCert, _usageDays);
    }

    public StampArguments Parse(ParseResult parseResult)
    {
        var auth = parseResult.GetValue(_auth);
        return new StampArguments(auth is null ? null : AuthKinds.ByName[auth], parseResult.GetValue(_caCert), parseResult.GetValue(_usageDays));
    }
}
