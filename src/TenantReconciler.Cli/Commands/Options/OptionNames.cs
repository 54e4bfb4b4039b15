namespace TenantReconciler.Cli.Commands.Options;

/// <summary>
/// The command line's spelling of the settings core messages name as data (<see cref="UserOption"/>): core says which
/// setting, the CLI adds its flag when it prints (<see cref="Spell(OptionText)"/>, <see cref="Text(ReconcilerException)"/>).
/// </summary>
public sealed class OptionNames : IOptionNames
{
    private OptionNames()
    {
    }

    public static OptionNames Instance { get; } = new();

    /// <summary>No guard override given: the verdicts name the overrides with the command line's flags.</summary>
    public static Planning.GuardOverrides NoGuardOverrides { get; } = new() { OptionNames = Instance };

    public string NameOf(UserOption option) => option switch
    {
        UserOption.ArmEndpoint => "--arm-endpoint",
        UserOption.CaCert => "--ca-cert",
        UserOption.EmulatorCertOut => "--cert-out",
        UserOption.Auth => "--auth",
        UserOption.StampAuth => "--stamp-auth",
        UserOption.StampCaCert => "--stamp-ca-cert",
        UserOption.MaxRetryWait => "--max-retry-wait",
        UserOption.AllowEmpty => "--allow-empty",
        UserOption.ConfirmRemovals => "--confirm-removals",
        UserOption.IgnoreSuspend => "--ignore-suspend",
        UserOption.AllowBilledRemovals => "--allow-billed-removals",
        UserOption.ConfirmBilledRemovals => "--confirm-billed-removals",
        UserOption.Force => "--force",
        UserOption.Journal => "--journal",
        UserOption.PlanOut => "plan --out",
        UserOption.PlanJson => "plan -o json",
        UserOption.Emulator => "--emulator",
        UserOption.Live => "--live",
        _ => throw new ArgumentOutOfRangeException(nameof(option), option, null),
    };

    /// <summary><paramref name="text"/> with the command line's flags.</summary>
    public static string Spell(OptionText text) => text.Spell(Instance);

    /// <summary>The message of <paramref name="e"/> with the command line's flags.</summary>
    public static string Text(ReconcilerException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Text.Spell(Instance);
    }
}
