namespace TenantReconciler.Desired;

/// <summary>One problem in a desired-state file, with where it is. <see cref="Code"/> is stable (e.g. <c>TR1004</c>).</summary>
public sealed record Diagnostic(SourceLocation Location, string Code, string Message)
{
    private readonly OptionText? _text;

    /// <summary>The message with the settings it names as data (<see cref="UserOption"/>); <see cref="Message"/> spells them neutrally.</summary>
    public OptionText Text
    {
        get => _text ?? Message;
        init => _text = value;
    }

    public override string ToString() => $"{Location}: error {Code}: {Message}";

    /// <summary>As <see cref="ToString()"/>, with the settings spelled by <paramref name="names"/>.</summary>
    public string ToString(IOptionNames names) => $"{Location}: error {Code}: {Text.Spell(names)}";
}
