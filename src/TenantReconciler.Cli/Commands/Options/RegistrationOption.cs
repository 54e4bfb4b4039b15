using System.CommandLine;
using TenantReconciler.Desired;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>
/// <c>--registration NAME</c>, repeatable: the run is limited to those registrations of the desired state, as
/// <c>terraform -target</c> limits a run. Nothing else is listed, planned or written; the guards judge the registrations
/// in scope. A name that selects none is an error that names the ones there are.
/// </summary>
public sealed class RegistrationOption
{
    /// <summary>How many registration names an error lists before it counts the rest.</summary>
    public const int MaxListed = 20;

    private readonly Option<string[]> _option = new("--registration")
    {
        Description = "Limit the run to this registration (its name, or its resource id); repeat for several. Like terraform -target.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        HelpName = "NAME",
    };

    public void AddTo(Command command) => command.Options.Add(_option);

    /// <summary>The names given, in order; null when the option was not given (every registration).</summary>
    public IReadOnlyList<string>? Parse(ParseResult parseResult) =>
        parseResult.GetValue(_option) is { Length: > 0 } names ? names : null;

    /// <summary><paramref name="desired"/> limited to <paramref name="names"/>; as it is when <paramref name="names"/> is null.</summary>
    /// <exception cref="ReconcilerException">A name selects no registration.</exception>
    public static DesiredState Limit(DesiredState desired, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(desired);
        if (names is null)
        {
            return desired;
        }

        var limited = desired.Only(names.ToArray(), out var unknown);
        if (unknown.Count > 0)
        {
            var known = desired.Registrations.Select(r => r.Registration.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            var listed = known.Length == 0
                ? "it has none"
                : $"its registrations are {string.Join(", ", known.Take(MaxListed))}{(known.Length > MaxListed ? $" and {known.Length - MaxListed} more" : string.Empty)}";
            throw new ReconcilerException(
                $"--registration {string.Join(", ", unknown.Select(n => $"'{Text.Quote(n)}'"))}: no such registration in {OutsideText.Sanitize(desired.SourcePath)}; {listed}. Nothing was sent.");
        }

        return limited;
    }
}
