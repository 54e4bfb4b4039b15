using System.CommandLine;
using System.Globalization;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>The options and parsers that several commands share, each defined once.</summary>
public static class CommonOptions
{
    public const string DefaultFile = "tenants.yaml";
    public const string DefaultEmulatorState = "examples/emulator-state.json";

    /// <summary>
    /// Where <c>--emulator</c> without a STATEFILE keeps its state: a git-ignored copy, seeded from
    /// <see cref="DefaultEmulatorState"/> on first use, so the tracked example is never written.
    /// </summary>
    public const string EmulatorStateCopy = ".tenant-reconciler/emulator-state.json";

    /// <summary>
    /// <c>-f</c>: a desired-state file or a directory (its <c>*.yaml</c> and <c>*.yml</c>, not recursive); repeatable,
    /// one path per <c>-f</c> (so <c>apply -f a.yaml PLANFILE</c> stays unambiguous). The files merge into one desired state.
    /// </summary>
    public static Option<string[]> File(string description = "The desired-state file, or a directory of *.yaml/*.yml files. Repeat -f for several; they merge.") =>
        new("--file", "-f")
        {
            Description = description,
            DefaultValueFactory = _ => [DefaultFile],
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.OneOrMore,
        };

    /// <summary>The <c>-f</c> paths for messages: one as given, several joined with ", ".</summary>
    public static string Describe(IReadOnlyList<string> files) => string.Join(", ", files);

    public static Option<string> Format(string description = "Plan format on stdout.")
    {
        var output = new Option<string>("--output", "-o") { Description = description, DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong([.. PlanRenderers.Formats]);
        return output;
    }

    /// <summary><c>--parallelism</c>: registrations listed side by side, and requests in flight at once (1 to 64).</summary>
    public static Option<int> Parallelism() =>
        Integer("--parallelism", "Registrations listed side by side, and requests in flight at once.", Live.LiveReader.DefaultParallelism, 1, 64);

    /// <summary>
    /// A whole number in [<paramref name="min"/>, <paramref name="max"/>]. Anything else (empty, not a number, too
    /// large for an int) is a parse error naming the option, the value and the range: never an exception.
    /// </summary>
    public static Option<int> Integer(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ParseInteger(r, name, min, max) ?? defaultValue,
    };

    /// <summary>As <see cref="Integer"/>, null when the option is not given.</summary>
    public static Option<int?> OptionalInteger(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        CustomParser = r => ParseInteger(r, name, min, max),
    };

    /// <summary>
    /// One of <paramref name="values"/> (case-insensitive), returned with the casing of the list; else a parse error
    /// that lists them. For enums, so that no message ever shows a .NET type name.
    /// </summary>
    public static Option<T> Choice<T>(string name, string description, T defaultValue, IReadOnlyDictionary<string, T> values) =>
        Choice(new Option<T>(name) { Description = description, DefaultValueFactory = _ => defaultValue }, values);

    /// <summary>As <see cref="Choice{T}(string, string, T, IReadOnlyDictionary{string, T})"/>, on an option already made (aliases, recursion).</summary>
    public static Option<T> Choice<T>(Option<T> option, IReadOnlyDictionary<string, T> values)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(values);
        option.CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
            foreach (var (key, value) in values)
            {
                if (string.Equals(key, text, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            r.AddError($"{option.Name} must be one of {string.Join(", ", values.Keys)}, not '{Shown(text)}'.");
            return default!;
        };
        option.CompletionSources.Add(values.Keys.ToArray());
        return option;
    }

    /// <summary>
    /// A duration with its unit (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>hh:mm:ss</c>), from
    /// <paramref name="min"/> to <paramref name="max"/>. A bare number is refused with the units it could mean,
    /// as Flux and Go do: <c>--interval 5</c> suggests <c>5s</c> or <c>5m</c>.
    /// </summary>
    public static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue, TimeSpan min, TimeSpan max) => new(name)
    {
        Description = $"{description} (default {Watch.DurationText.Format(defaultValue)})",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
            if (Watch.DurationText.TryParse(text, out var value) && value >= min && value <= max)
            {
                return value;
            }

            r.AddError(Watch.DurationText.IsBareNumber(text)
                ? $"{name} {text.Trim()} has no unit: a duration needs one, e.g. {text.Trim()}s or {text.Trim()}m (from {Watch.DurationText.Format(min)} to {Watch.DurationText.Format(max)})."
                : $"{name} must be a duration from {Watch.DurationText.Format(min)} to {Watch.DurationText.Format(max)} (e.g. 30s, 5m, 1h), not '{Shown(text)}'.");
            return defaultValue;
        },
    };

    /// <summary>
    /// A number of seconds (the option's unit, as its name says), or a duration with its unit (<c>90s</c>, <c>2m</c>),
    /// from zero to <paramref name="max"/>.
    /// </summary>
    public static Option<TimeSpan> Seconds(string name, string description, TimeSpan defaultValue, TimeSpan max) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value.Trim() : string.Empty;
            if (Watch.DurationText.TryParse(Watch.DurationText.IsBareNumber(text) ? text + "s" : text, out var value) && value <= max)
            {
                return value;
            }

            r.AddError($"{name} must be a number of seconds from 0 to {max.TotalSeconds.ToString(CultureInfo.InvariantCulture)} (or a duration such as 90s or 2m), not '{Shown(text)}'.");
            return defaultValue;
        },
    };

    /// <summary>A value as it may be quoted in a message: at most 80 characters, control characters escaped.</summary>
    public static string Shown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Escaped(text.Length > 80 ? text[..77] + "..." : text);
    }

    /// <summary>The text with every control character written as <c>\uXXXX</c>: nothing from outside moves the cursor.</summary>
    public static string Escaped(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) : text;
    }

    private static int? ParseInteger(System.CommandLine.Parsing.ArgumentResult r, string name, int min, int max)
    {
        var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        r.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {min} to {max}, not '{Shown(text)}'."));
        return null;
    }

    /// <summary>An option holding an absolute URL that <paramref name="accept"/> approves; otherwise "NAME must be REQUIREMENT".</summary>
    public static Option<Uri?> Uri(string name, string description, Func<System.Uri, bool> accept, string requirement) => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            var text = r.Tokens.Single().Value;
            if (System.Uri.TryCreate(text, UriKind.Absolute, out var uri) && accept(uri))
            {
                return uri;
            }

            r.AddError($"{name} must be {requirement}, not '{SafeUrl.Redact(text)}'.");
            return null;
        },
    };

    /// <summary>An https URL with nothing a request must not carry or hide: no user-info, query or fragment.</summary>
    public static bool IsPlainHttps(System.Uri uri) =>
        uri.Scheme == System.Uri.UriSchemeHttps && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);

    /// <summary>Adds <paramref name="options"/> to <paramref name="command"/> in this order (the help lists them so), skipping the null ones.</summary>
    public static void Add(Command command, params ReadOnlySpan<Option?> options)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in options)
        {
            if (option is not null)
            {
                command.Options.Add(option);
            }
        }
    }
}
