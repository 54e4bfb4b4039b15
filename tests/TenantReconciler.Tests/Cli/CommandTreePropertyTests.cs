using System.CommandLine;
using CsCheck;
using Microsoft.Extensions.Hosting;
using TenantReconciler.Cli.Commands;

namespace TenantReconciler.Tests.Cli;

/// <summary>The tests that change the process's working directory: one at a time, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkingDirectoryCollection
{
    public const string Name = "Working directory";
}

/// <summary>
/// Every option and argument of every command, given random and hostile values (empty, huge, negative, not a number,
/// unicode, control characters, a path that does not exist, a directory where a file belongs, a file of the wrong
/// kind): the CLI answers with exit 0, 1 or 2 and a sentence, never an internal error (70), an exception that escapes
/// (a crash: exit 134 as a process), a stack trace, or a .NET type name. The other options keep values that let the
/// command run to its end against an emulator, so a value that parses goes all the way through.
/// </summary>
[Collection(WorkingDirectoryCollection.Name)]
public sealed class CommandTreePropertyTests : IAsyncLifetime
{
    private const string Registration = "/subscriptions/6513270e-269e-4d37-b2a7-4de452e6b438/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-8f3e1b2c";

    private readonly string _previousDirectory = Environment.CurrentDirectory;
    private CliTestBed _bed = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _bed = await CliTestBed.StartAsync();

        // The commands run in a folder of their own (two deep, so that '../x' stays inside the scratch folder).
        _work = Directory.CreateDirectory(Path.Combine(_bed.Temp.Path, "a", "work")).FullName;
        Environment.CurrentDirectory = _work;
    }

    public async Task DisposeAsync()
    {
        Environment.CurrentDirectory = _previousDirectory;
        await _bed.DisposeAsync();
    }

    /// <summary>The hostile values, each tried on every option and argument.</summary>
    public static readonly string[] Hostile =
    [
        "", " ", "0", "-1", "2147483648", "-2147483649", "99999999999999999999999999", "1e9", "NaN", "1.5", "5",
        "abc", "ünïcødé-💥", "\u0007bell\u001b[31mred", "%2F..%2F", "a/../../x", "-", "http://example.com", "https://",
        "missing/dir/file.json", "adir", "tenants.yaml", "notes.txt", new string('9', 400), new string('a', 5000),
    ];

    [Fact]
    public async Task EveryOptionOfEveryCommand_HostileValues_ExitZeroOneOrTwoWithASentence()
    {
        // Arrange
        var cases = Cases().SelectMany(c => Hostile.Select(value => (c.Command, c.Target, Value: value))).ToArray();
        var failures = new List<string>();

        // Act
        foreach (var (command, target, value) in cases)
        {
            var result = await RunAsync(command, target, value);
            if (Problem(command, target, result) is { } problem)
            {
                failures.Add(Escape($"{command} {target} '{value[..Math.Min(value.Length, 40)]}': {problem}\n{result}"));
            }
        }

        // Assert
        Assert.True(cases.Length > 500, $"only {cases.Length} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Length} cases failed:\n" + string.Join("\n\n", failures.Take(15)));
    }

    [Fact]
    public void EveryOptionOfEveryCommand_RandomValues_ExitZeroOneOrTwoWithASentence()
    {
        // Arrange: strings from the characters that parsers trip over, and every option and argument of the tree.
        var targets = Cases().ToArray();
        var chars = Gen.Char["0123456789-+.:/\\%@_ aZé\u0000\u001b\t"];
        var values = Gen.OneOf(Gen.String[chars, 0, 24], Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.Double.Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var gen = Gen.Select(Gen.Int[0, targets.Length - 1], values);

        // Act + Assert
        gen.Sample(
            (index, value) =>
            {
                var (command, target) = targets[index];
                var result = RunAsync(command, target, value).GetAwaiter().GetResult();
                return Problem(command, target, result) is null;
            },
            iter: 300,
            threads: 1,
            print: t =>
            {
                var (command, target) = targets[t.Item1];
                var result = RunAsync(command, target, t.Item2).GetAwaiter().GetResult();
                return Escape($"{command} {target} '{t.Item2}': {Problem(command, target, result)}\n{result}");
            });
    }

    /// <summary>Control characters as \uXXXX, so that a failure message survives the test logger.</summary>
    private static string Escape(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) && c != '\n' ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>Null when the result is one a user may get; else what is wrong with it.</summary>
    private static string? Problem(string command, string target, CliResult result)
    {

        var text = result.Stdout + result.Stderr;
        if (result.ExitCode is not (0 or 1 or 2 or ExitCodes.Interrupted))
        {
            return $"exit {result.ExitCode}";
        }

        foreach (var leak in new[] { "   at ", "Exception", "System.", "TenantReconciler.Cli", "(Parameter '", "internal error" })
        {
            if (text.Contains(leak, StringComparison.Ordinal))
            {
                return $"prints '{leak}'";
            }
        }

        return result.ExitCode == 1 && text.Trim().Length == 0 ? "exit 1 without a message" : null;
    }

    /// <summary>Every (command, option name or argument index) of the tree, from the tree itself.</summary>
    private static IEnumerable<(string Command, string Target)> Cases()
    {
        var root = CommandLine.Build(new IOContext(TextWriter.Null, TextWriter.Null, TextReader.Null, false), _ => throw new InvalidOperationException("not run"));
        foreach (var command in root.Subcommands)
        {
            foreach (var option in command.Options.Concat(root.Options.Where(o => o.Recursive)).DistinctBy(o => o.Name))
            {
                if (option.Name is "--help" or "--version")
                {
                    continue;
                }
                yield return (command.Name, option.Name);
            }

            for (var i = 0; i < command.Arguments.Count; i++)
            {
                yield return (command.Name, $"#{i}");
            }
        }
    }

    /// <summary>The files the values name, as they were: a value such as '--out tenants.yaml' may have replaced one.</summary>
    private void ResetFiles()
    {
        File.Copy(RepoFiles.Path("tenants.yaml"), Path.Combine(_work, "tenants.yaml"), overwrite: true);
        File.WriteAllText(Path.Combine(_work, "notes.txt"), "not json, not yaml: {[\n");
        Directory.CreateDirectory(Path.Combine(_work, "adir"));
    }

    private async Task<CliResult> RunAsync(string command, string target, string value)
    {
        ResetFiles();
        var options = BaseOptions(command);
        var arguments = BaseArguments(command).ToList();
        if (target.StartsWith('#'))
        {
            var index = int.Parse(target[1..], System.Globalization.CultureInfo.InvariantCulture);
            if (index < arguments.Count)
            {
                arguments[index] = value;
            }
            else
            {
                arguments.Add(value);
            }
        }
        else
        {
            if (target is "--emulator")
            {
                options.Remove("--arm-endpoint");
                options.Remove("--ca-cert");
                options.Remove("--auth");
            }

            options[target] = value;
        }

        var args = new List<string> { command };
        args.AddRange(arguments);
        foreach (var (name, optionValue) in options)
        {
            args.Add(name);
            if (optionValue is not null)
            {
                args.Add(optionValue);
            }
        }

        // A command that runs until stopped is stopped once it is up (emulator: its banner) or from the start (watch:
        // its options are parsed and its host is built; starting it is cancelled).
        using var stop = new CancellationTokenSource();
        if (command == WatchCommand.Name)
        {
            await stop.CancelAsync();
        }

        using var stdout = new StringWriter();
        using var stderr = new SignallingWriter("Emulator running", stop);
        var exitCode = await Program.RunAsync([.. args], new IOContext(stdout, stderr, TextReader.Null, IsInteractive: false), cancellationToken: stop.Token);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    private string[] BaseArguments(string command) => command switch
    {
        "import" => [Registration],
        "show" => [Path.Combine(_work, "missing-plan.json")],
        "apply" => [],
        _ => [],
    };

    private Dictionary<string, string?> BaseOptions(string command)
    {
        var connection = new Dictionary<string, string?>
        {
            ["--arm-endpoint"] = _bed.Connection[1],
            ["--ca-cert"] = _bed.Connection[3],
            ["--auth"] = "emulator",
        };
        var file = new Dictionary<string, string?> { ["-f"] = "tenants.yaml" };
        var journal = new Dictionary<string, string?> { ["--journal"] = Path.Combine(_bed.Temp.Path, "journal.jsonl") };
        return command switch
        {
            "validate" => file,
            "plan" or "check" => Merge(file, connection),
            "apply" => Merge(file, connection, journal, new() { ["--auto-approve"] = null }),
            "undo" => Merge(file, connection, journal, new() { ["--out"] = Path.Combine(_bed.Temp.Path, "undo.plan.json") }),
            "tenants" => Merge(file, connection, new() { ["--live"] = null }),
            "import" => connection,
            "watch" => Merge(file, connection, new() { ["--listen"] = "127.0.0.1:0", ["--interval"] = "1h" }),
            _ => [],
        };
    }

    private static Dictionary<string, string?> Merge(params Dictionary<string, string?>[] parts)
    {
        var merged = new Dictionary<string, string?>();
        foreach (var part in parts)
        {
            foreach (var (name, value) in part)
            {
                merged[name] = value;
            }
        }

        return merged;
    }

    /// <summary>Cancels <paramref name="stop"/> once <paramref name="marker"/> was written: an event, not a clock.</summary>
    private sealed class SignallingWriter(string marker, CancellationTokenSource stop) : StringWriter
    {
        private readonly StringBuilder _line = new();

        public override void Write(char value)
        {
            base.Write(value);
            _line.Append(value);
            if (value == '\n')
            {
                if (_line.ToString().Contains(marker, StringComparison.Ordinal))
                {
                    stop.Cancel();
                }

                _line.Clear();
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? string.Empty)
            {
                Write(c);
            }
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            Write('\n');
        }
    }
}
