using System.CommandLine;
using TenantReconciler.Rendering;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>The options and parsers that several commands share, each defined once.</summary>
public static class CommonOptions
{
    public const string DefaultFile = "tenants.yaml";
    public const string DefaultEmulatorState = "examples/emulator-state.json";

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
    public static Option<int> Parallelism()
    {
        var option = new Option<int>("--parallelism")
        {
            Description = "Registrations listed side by side, and requests in flight at once.",
            DefaultValueFactory = _ => Live.LiveReader.DefaultParallelism,
        };
        Range(option, 1, 64);
        return option;
    }

    /// <summary>An integer option that must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void Range<T>(Option<T> option, int min, int max)
    {
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<T>();
            if (value is int n && (n < min || n > max))
            {
                r.AddError(max == int.MaxValue ? $"{option.Name} must be at least {min}." : $"{option.Name} must be between {min} and {max}.");
            }
        });
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
}
