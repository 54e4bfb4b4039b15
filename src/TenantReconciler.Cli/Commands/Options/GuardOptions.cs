using System.CommandLine;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>
/// The guard overrides of apply. None of them can come from tenants.yaml or a plan file: a guard is never loosened by
/// the change it guards.
/// </summary>
public sealed class GuardOptions
{
    private readonly Option<bool> _allowEmpty = new("--allow-empty")
    {
        Description = "Allow removing every mapping of a registration whose tenant list is empty.",
    };

    private readonly Option<int?> _maxRemovals = CommonOptions.OptionalInteger(
        "--max-removals",
        $"Removal threshold per registration (default {GuardOverrides.DefaultMaxRemovals}). A smaller maxRemovals in tenants.yaml lowers it; the file can never raise it.",
        0,
        int.MaxValue);

    private readonly Option<int?> _confirmRemovals = CommonOptions.OptionalInteger(
        "--confirm-removals",
        "Allow a plan above the removal threshold: N must be the exact number of dropped mappings in the plan.",
        0,
        int.MaxValue);

    private readonly Option<bool> _allowBilledRemovals = new("--allow-billed-removals")
    {
        Description = "Allow changes that leave a tenant with usage (or unknown usage) on its stamp unmapped: that usage is then billed to the registration subscription.",
    };

    private readonly Option<int?> _confirmBilledRemovals = CommonOptions.OptionalInteger(
        "--confirm-billed-removals",
        "As --allow-billed-removals, for a plan with exactly N such changes.",
        0,
        int.MaxValue);

    private readonly Option<bool> _ignoreSuspend = new("--ignore-suspend")
    {
        Description = "Write although tenants.yaml says 'suspend: true'.",
    };

    public void AddTo(Command command)
    {
        CommonOptions.Add(command, _allowEmpty, _maxRemovals, _confirmRemovals, _ignoreSuspend, _allowBilledRemovals, _confirmBilledRemovals);
    }

    public GuardOverrides Parse(ParseResult parseResult) =>
        new(parseResult.GetValue(_allowEmpty), parseResult.GetValue(_maxRemovals), parseResult.GetValue(_confirmRemovals))
        {
            AllowBilledRemovals = parseResult.GetValue(_allowBilledRemovals),
            ConfirmBilledRemovals = parseResult.GetValue(_confirmBilledRemovals),
            OptionNames = OptionNames.Instance,
        };

    public bool IgnoreSuspend(ParseResult parseResult) => parseResult.GetValue(_ignoreSuspend);
}
