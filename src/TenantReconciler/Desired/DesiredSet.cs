using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TenantReconciler.Desired;

/// <summary>
/// Several desired-state files as one desired state. Each file is valid on its own; then:
/// a registration belongs to one file (listed in two is TR1019, naming both places), so leaving a file out never
/// removes another file's mappings; <c>protect:</c> lists are united; <c>suspend: true</c> in any file suspends all;
/// every file that sets <c>cloud</c> (<c>apiVersion</c>) sets the same one, and a file that omits it follows the
/// others (TR1023, TR1024). Anchors and aliases stay within their file.
/// </summary>
public static class DesiredSet
{
    private static readonly StringComparer PathComparer = OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>
    /// The files that <paramref name="paths"/> name, in order: a file as given; a directory as its <c>*.yaml</c> and
    /// <c>*.yml</c> files (extension in any case; not recursive; names starting with '.' skipped), in ordinal order of
    /// their names. A file named twice is read once, where it first appears.
    /// </summary>
    /// <exception cref="DesiredStateException">No path, or a directory without such a file.</exception>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<string>();
        var seen = new HashSet<string>(PathComparer);
        var problems = new List<Diagnostic>();
        foreach (var path in paths.Count == 0 ? [string.Empty] : paths)
        {
            foreach (var file in Directory.Exists(path) ? InDirectory(path, problems) : [path])
            {
                if (string.IsNullOrWhiteSpace(file) || seen.Add(FullPath(file)))
                {
                    files.Add(file);
                }
            }
        }

        return problems.Count > 0 ? throw new DesiredStateException(problems) : files;
    }

    /// <summary>True when any of <paramref name="paths"/> is a directory (its set of files can change).</summary>
    public static bool AnyDirectory(IReadOnlyList<string> paths) => paths.Any(Directory.Exists);

    /// <summary>
    /// The hash over a set of files: for one file, its own <c>sha256:…</c>; for several, <c>sha256:…</c> of the lines
    /// "PATH SHA256\n" sorted by path (ordinal). A file added, removed, renamed or edited changes it.
    /// </summary>
    public static string HashOf(IReadOnlyList<DesiredSourceFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 1)
        {
            return files[0].Sha256;
        }

        var text = new StringBuilder();
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            text.Append(file.Path).Append(' ').Append(file.Sha256).Append('\n');
        }

        return FileHash.Of(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The <see cref="HashOf"/> of the files <paramref name="paths"/> name now, read without failing; null if any cannot be read.</summary>
    public static string? TryHash(IReadOnlyList<string> paths)
    {
        try
        {
            return HashOf([.. Expand(paths).Select(f => new DesiredSourceFile(f, FileHash.OfFile(f)))]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DesiredStateException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Loads each of <paramref name="files"/> (already expanded) and merges them; every problem of every file is reported at once.</summary>
    internal static DesiredState Load(IReadOnlyList<string> files)
    {
        if (files.Count == 1)
        {
            return DesiredStateLoader.Load(files[0]);
        }

        var states = new List<DesiredState>(files.Count);
        var problems = new List<Diagnostic>();
        var bytes = new byte[]?[files.Count];
        var undefined = new List<(int File, DesiredStateException Error)>();
        for (var i = 0; i < files.Count; i++)
        {
            try
            {
                var content = DesiredStateLoader.ReadCapped(files[i]);
                bytes[i] = content;
                states.Add(DesiredStateLoader.Parse(content, files[i]));
            }
            catch (DesiredStateException e)
            {
                problems.AddRange(e.Diagnostics);
                if (e.UndefinedAlias is not null)
                {
                    undefined.Add((i, e));
                }
            }
        }

        foreach (var (file, error) in undefined)
        {
            ExplainCrossFileAlias(files, bytes, file, error, problems);
        }

        if (problems.Count > 0)
        {
            throw new DesiredStateException(problems);
        }

        return Merge(states);
    }

    private static DesiredState Merge(IReadOnlyList<DesiredState> states)
    {
        var problems = new List<Diagnostic>();
        var first = states[0];
        var cloudAt = Agree(states, s => s.CloudAt, s => s.Cloud.ToString(), "cloud", DiagnosticCodes.CloudMismatch, problems);
        var apiAt = Agree(states, s => s.ApiVersionAt, s => s.ApiVersion, "apiVersion", DiagnosticCodes.ApiVersionMismatch, problems);
        var registrations = new List<DesiredRegistration>();
        var where = new Dictionary<RegistrationRef, SourceLocation>();
        foreach (var registration in states.SelectMany(s => s.Registrations))
        {
            if (where.TryGetValue(registration.Registration, out var at))
            {
                var r = registration.Registration;
                problems.Add(new Diagnostic(
                    registration.Location,
                    DiagnosticCodes.DuplicateRegistration,
                    $"Registration '{r.Name}' (resource group '{r.ResourceGroup}', subscription {r.SubscriptionId:D}) is also defined at {at}. A registration belongs to one desired-state file: move all its tenants into one of them. Names compare case-insensitively."));
                continue;
            }

            if (DesiredStamps.FirstWithSameStamp(registration, registrations) is { } sameStamp)
            {
                problems.Add(new Diagnostic(
                    registration.Stamp!.Location,
                    DiagnosticCodes.DuplicateStamp,
                    DesiredStamps.DuplicateMessage(registration.Stamp, sameStamp, sameStamp.Stamp!.Location.ToString())));
                continue;
            }

            where.Add(registration.Registration, registration.Location);
            registrations.Add(registration);
        }

        if (problems.Count > 0)
        {
            // File order, then position, as one file's diagnostics are.
            var order = states.Select((s, i) => (s.SourcePath, i)).ToDictionary(p => p.SourcePath, p => p.i, PathComparer);
            throw new DesiredStateException([.. problems.OrderBy(d => order.GetValueOrDefault(d.Location.File)).ThenBy(d => d.Location.Line).ThenBy(d => d.Location.Column)]);
        }

        var sources = states.SelectMany(s => s.Sources).ToArray();
        return new DesiredState(
            string.Join(", ", sources.Select(s => s.Path)),
            cloudAt is { } c ? states.First(s => s.CloudAt == c).Cloud : first.Cloud,
            apiAt is { } a ? states.First(s => s.ApiVersionAt == a).ApiVersion : first.ApiVersion,
            registrations,
            states.SelectMany(s => s.Protect).Distinct().ToArray(),
            states.Any(s => s.Suspend))
        {
            Sha256 = HashOf(sources),
            Sources = sources,
            CloudAt = cloudAt,
            ApiVersionAt = apiAt,
        };
    }

    /// <summary>Where the setting is first set; a problem at each later file that sets another value.</summary>
    private static SourceLocation? Agree(
        IReadOnlyList<DesiredState> states, Func<DesiredState, SourceLocation?> at, Func<DesiredState, string> value, string key, string code, List<Diagnostic> problems)
    {
        DesiredState? setter = null;
        foreach (var state in states)
        {
            if (at(state) is not { } location)
            {
                continue;
            }

            if (setter is null)
            {
                setter = state;
            }
            else if (!string.Equals(value(state), value(setter), StringComparison.Ordinal))
            {
                problems.Add(new Diagnostic(
                    location,
                    code,
                    $"'{key}' is '{value(state)}' here but '{value(setter)}' at {at(setter)}: every desired-state file that sets '{key}' must set the same value (a file that omits it follows the others)."));
            }
        }

        return setter is null ? null : at(setter);
    }

    private static void ExplainCrossFileAlias(IReadOnlyList<string> files, byte[]?[] bytes, int file, DesiredStateException error, List<Diagnostic> problems)
    {
        for (var other = 0; other < files.Count; other++)
        {
            if (other == file || bytes[other] is not { } content || AnchorIn(content, error.UndefinedAlias!, files[other]) is not { } anchor)
            {
                continue;
            }

            var original = error.Diagnostics[0];
            problems[problems.IndexOf(original)] = original with
            {
                Message = $"The alias '*{error.UndefinedAlias}' refers to an anchor that is defined only in another file, at {anchor}: anchors and aliases do not cross files. Define the anchor in this file too, or repeat its content.",
            };
            return;
        }
    }

    /// <summary>Where <paramref name="name"/> is anchored in the file, found by the parser alone (the file may be invalid otherwise).</summary>
    private static SourceLocation? AnchorIn(byte[] content, string name, string path)
    {
        try
        {
            var parser = new Parser(new StringReader(Encoding.UTF8.GetString(content)));
            while (parser.MoveNext())
            {
                if (parser.Current is NodeEvent { Anchor.IsEmpty: false } node && node.Anchor.Value == name)
                {
                    return new SourceLocation(path, (int)Math.Min(int.MaxValue, node.Start.Line), (int)Math.Min(int.MaxValue, node.Start.Column));
                }
            }
        }
        catch (YamlException)
        {
            // A syntax error further on: the anchors before it were seen.
        }

        return null;
    }

    private static IEnumerable<string> InDirectory(string directory, List<Diagnostic> problems)
    {
        string[] names;
        try
        {
            names = [.. new DirectoryInfo(directory).EnumerateFiles()
                .Select(f => f.Name)
                .Where(n => !n.StartsWith('.') && (n.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || n.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new Diagnostic(new SourceLocation(directory, 1, 1), DiagnosticCodes.FileNotFound, $"The desired-state directory '{Text.Quote(directory)}' cannot be read: {e.Message}"));
            return [];
        }

        if (names.Length == 0)
        {
            problems.Add(new Diagnostic(new SourceLocation(directory, 1, 1), DiagnosticCodes.FileNotFound, $"The desired-state directory '{Text.Quote(directory)}' holds no *.yaml or *.yml file (subdirectories are not read)."));
        }

        return names.Select(n => Path.Combine(directory, n));
    }

    private static string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return path;
        }
    }
}
