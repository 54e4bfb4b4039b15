using System.Globalization;
using System.Runtime.CompilerServices;

namespace TenantReconciler;

/// <summary>
/// A setting the user gives a run, by what it means. A core message points to one as data, never by its
/// command-line spelling: the host that offers the setting (the CLI and its flags) spells it
/// (<see cref="IOptionNames"/>), so that a flag is renamed in the CLI alone.
/// </summary>
public enum UserOption
{
    /// <summary>The ARM endpoint, instead of the cloud's.</summary>
    ArmEndpoint,

    /// <summary>The one extra certificate trusted for the ARM endpoint.</summary>
    CaCert,

    /// <summary>Where the emulator writes its certificate.</summary>
    EmulatorCertOut,

    /// <summary>How to sign in to ARM.</summary>
    Auth,

    /// <summary>How to sign in to a stamp's admin endpoint.</summary>
    StampAuth,

    /// <summary>The one extra certificate trusted for a stamp's admin endpoint.</summary>
    StampCaCert,

    /// <summary>The longest <c>Retry-After</c> honoured.</summary>
    MaxRetryWait,

    /// <summary>Let a registration with no desired tenant lose every mapping.</summary>
    AllowEmpty,

    /// <summary>Confirm a plan above the removal threshold with its exact number of dropped mappings.</summary>
    ConfirmRemovals,

    /// <summary>Write although the file says <c>suspend: true</c>.</summary>
    IgnoreSuspend,

    /// <summary>Let changes leave tenants with usage unmapped.</summary>
    AllowBilledRemovals,

    /// <summary>As <see cref="AllowBilledRemovals"/>, for an exact number of such changes.</summary>
    ConfirmBilledRemovals,

    /// <summary>Replace an existing file, or a link itself.</summary>
    Force,

    /// <summary>Where the apply journal is.</summary>
    Journal,

    /// <summary>Save a plan to a file (the plan command with its option).</summary>
    PlanOut,

    /// <summary>Print the plan as JSON (the plan command with its option).</summary>
    PlanJson,

    /// <summary>Run against the in-process emulator.</summary>
    Emulator,

    /// <summary>Read ARM as well as the desired state (the tenants view).</summary>
    Live,
}

/// <summary>How the host spells the settings it offers: the CLI's flag names.</summary>
public interface IOptionNames
{
    string NameOf(UserOption option);
}

/// <summary>
/// The spelling of a host that offers no option: each one by its name in braces (<c>{Force}</c>), so that a message
/// read without the CLI still says which setting it means. The CLI's spelling replaces it wherever the CLI prints.
/// </summary>
public sealed class NeutralOptionNames : IOptionNames
{
    private NeutralOptionNames()
    {
    }

    public static NeutralOptionNames Instance { get; } = new();

    public string NameOf(UserOption option) => "{" + option + "}";
}

/// <summary>
/// A sentence for people that names settings as <see cref="UserOption"/> data: written in core as an interpolated
/// string (<c>OptionText.Of($"pass {UserOption.AllowEmpty}")</c>), spelled by the host that prints it
/// (<see cref="Spell"/>). Every other hole is formatted as string interpolation formats it.
/// </summary>
public sealed class OptionText : IEquatable<OptionText>
{
    private readonly object[] _parts;

    private OptionText(object[] parts) => _parts = parts;

    /// <summary>The settings the sentence names, in order.</summary>
    public IEnumerable<UserOption> Options => _parts.OfType<UserOption>();

    public static OptionText Of(Builder text) => new([.. text.Parts]);

    public static OptionText Plain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new([text]);
    }

    /// <summary>A sentence that names no setting.</summary>
    public static implicit operator OptionText(string text) => Plain(text);

    /// <summary>The sentence with each setting spelled by <paramref name="names"/>.</summary>
    public string Spell(IOptionNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return string.Concat(_parts.Select(p => p is UserOption option ? names.NameOf(option) : (string)p));
    }

    /// <summary>The sentence spelled neutrally (<see cref="NeutralOptionNames"/>).</summary>
    public override string ToString() => Spell(NeutralOptionNames.Instance);

    public bool Equals(OptionText? other) => other is not null && _parts.SequenceEqual(other._parts);

    public override bool Equals(object? obj) => Equals(obj as OptionText);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>Collects an interpolated string's literals, its <see cref="UserOption"/> holes, and its other holes as text.</summary>
    [InterpolatedStringHandler]
    public readonly struct Builder
    {
        public Builder(int literalLength, int formattedCount) => Parts = new List<object>((formattedCount * 2) + 1);

        internal List<object> Parts { get; }

        public void AppendLiteral(string value) => Parts.Add(value);

        public void AppendFormatted(UserOption option) => Parts.Add(option);

        /// <summary>Another such sentence, its settings kept as data.</summary>
        public void AppendFormatted(OptionText text) => Parts.AddRange(text._parts);

        public void AppendFormatted<T>(T value) => AppendFormatted(value, null);

        public void AppendFormatted<T>(T value, string? format) =>
            Parts.Add(value is IFormattable formattable ? formattable.ToString(format, CultureInfo.CurrentCulture) : value?.ToString() ?? string.Empty);
    }
}
