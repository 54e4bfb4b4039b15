using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TenantReconciler.Smoke;

/// <summary>One build of the tool under test: its name ("native", "jit") and its executable.</summary>
internal sealed record Build(string Name, string Executable)
{
    /// <summary>The part of a name that differs by build on purpose (the blob container, the receiver's path).</summary>
    public string Token { get; } = string.Create(CultureInfo.InvariantCulture, $"smoke-{Name}-{Environment.ProcessId}");
}

/// <summary>One step of the suite: what each build runs in the shared working folder, and what it must show.</summary>
internal sealed record Step(string Name, Func<Build, string, Task<Outcome>> RunAsync, Expectation Expect);

/// <summary>What one build did in one step: exit code, stdout, stderr, named files, and the step's own observations.</summary>
internal sealed class Outcome(int? exitCode, string stdout, string stderr)
{
    /// <summary>Null when the suite could not run the step to its end (a hang guard fired, the suite itself failed).</summary>
    public int? ExitCode { get; set; } = exitCode;

    public string Stdout { get; set; } = stdout;

    public string Stderr { get; set; } = stderr;

    public SortedDictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, string> Extra { get; } = new(StringComparer.Ordinal);

    public TimeSpan Elapsed { get; set; }

    public static Outcome Failed(Exception exception) => new(null, "", $"{exception.GetType().Name}: {exception.Message}");

    /// <summary>Everything compared between the builds, in a fixed order: exit code, stdout, stderr, files, observations.</summary>
    public IEnumerable<(string Label, string Text)> Texts()
    {
        yield return ("exit code", ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "error");
        yield return ("stdout", Stdout);
        yield return ("stderr", Stderr);
        foreach (var (name, text) in Files)
        {
            yield return (name, text);
        }

        foreach (var (name, text) in Extra)
        {
            yield return (name, text);
        }
    }
}

/// <summary>
/// What a step is for, checked on each build on its own (so two builds broken the same way fail too): the exit code,
/// and patterns that stdout, stderr (multi-line: ^ and $ at each line), a file or an observation must contain.
/// </summary>
internal sealed record Expectation(int ExitCode)
{
    public string? Stdout { get; init; }

    public string? Stderr { get; init; }

    public (string Name, string Pattern)? File { get; init; }

    public IReadOnlyList<(string Name, string Pattern)> Extra { get; init; } = [];

    public bool JsonStdout { get; init; }

    public IReadOnlyList<string> Check(Outcome outcome)
    {
        var problems = new List<string>();
        if (outcome.ExitCode != ExitCode)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"exit code {outcome.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "error"}, expected {ExitCode}"));
        }

        if (Stdout is not null && !Regex.IsMatch(outcome.Stdout, Stdout, RegexOptions.Multiline))
        {
            problems.Add($"stdout does not match '{Stdout}'");
        }

        if (Stderr is not null && !Regex.IsMatch(outcome.Stderr, Stderr, RegexOptions.Multiline))
        {
            problems.Add($"stderr does not match '{Stderr}'");
        }

        if (File is var (file, filePattern) && !Regex.IsMatch(outcome.Files.GetValueOrDefault(file, ""), filePattern, RegexOptions.Multiline))
        {
            problems.Add($"{file} does not match '{filePattern}'");
        }

        foreach (var (name, pattern) in Extra)
        {
            if (!Regex.IsMatch(outcome.Extra.GetValueOrDefault(name, ""), pattern))
            {
                problems.Add($"{name} does not match '{pattern}'");
            }
        }

        if (JsonStdout)
        {
            try
            {
                using var _ = JsonDocument.Parse(outcome.Stdout);
            }
            catch (JsonException e)
            {
                problems.Add("stdout is not JSON: " + e.Message);
            }
        }

        return problems;
    }
}
