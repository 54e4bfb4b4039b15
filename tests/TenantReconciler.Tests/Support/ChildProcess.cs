using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TenantReconciler.Tests.Support;

/// <summary>What a child process starts with: beside the caller's own environment, and where.</summary>
public sealed record ChildOptions
{
    /// <summary>Its working directory (the caller's when null).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables set on top of this process's own; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// A .NET CLI run nested under 'dotnet test': the test host's MSBuild variables are removed (they would steer a nested
    /// build into the outer one's), telemetry, the logo, the first-run experience and colour are off.
    /// </summary>
    public bool NestedDotnet { get; init; }

    /// <summary>Whether its stdin stays open for <see cref="ChildProcess.TypeAsync"/> (closed at once otherwise).</summary>
    public bool KeepInput { get; init; }

    /// <summary>Called with each line of stdout or stderr as it arrives, in the order read (stderr lines flagged).</summary>
    public Action<string, bool>? OnLine { get; init; }
}

/// <summary>
/// The one way tests start a child process: the built CLI (<see cref="StartCli"/>, <see cref="RunCliAsync"/>), the .NET
/// CLI (<see cref="DotnetAsync"/>), a tool it produced, git, flock, Azurite. Stdout and stderr are read as they come (not
/// only by line, so a prompt without a newline is seen), to wait for a text or a line, and collected for the result.
/// Every wait has a hang guard that fails the test; none is a synchronisation.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    /// <summary>Only a guard against a hang, never an assertion: a pack on a loaded 2-core machine may take minutes.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(15);

    private readonly Process _process;
    private readonly Action<string, bool>? _onLine;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(string Text, bool Stderr, TaskCompletionSource Seen)> _waits = [];
    private readonly Task _reading;

    private ChildProcess(Process process, Action<string, bool>? onLine)
    {
        _process = process;
        _onLine = onLine;
        _reading = Task.WhenAll(ReadAsync(process.StandardOutput, _stdout, stderr: false), ReadAsync(process.StandardError, _stderr, stderr: true));
    }

    /// <summary>The <c>dotnet</c> host running the tests (the same SDK and runtime).</summary>
    public static string Dotnet { get; } =
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>The built CLI, next to the tests.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "tenant-reconciler.dll");

    /// <summary>
    /// DOTNET_ROOT for an apphost (a tool path's launcher, a publish folder's executable): the .NET install running these
    /// tests, so the launcher finds a runtime wherever the SDK was installed.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> DotnetRoot { get; } = new Dictionary<string, string?>
    {
        ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
    };

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Stdout so far.</summary>
    public string Stdout => Text(_stdout);

    /// <summary>Stderr so far.</summary>
    public string Stderr => Text(_stderr);

    public static ChildProcess Start(string file, IEnumerable<string> args, ChildOptions? options = null)
    {
        options ??= new ChildOptions();
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (options.WorkingDirectory is { } directory)
        {
            info.WorkingDirectory = directory;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (options.NestedDotnet)
        {
            foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase)).ToArray())
            {
                info.Environment.Remove(key);
            }

            info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            info.Environment["DOTNET_NOLOGO"] = "1";
            info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
            info.Environment["NO_COLOR"] = "1";
        }

        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var child = new ChildProcess(Process.Start(info)!, options.OnLine);
        if (!options.KeepInput)
        {
            child._process.StandardInput.Close();
        }

        return child;
    }

    /// <summary>The built CLI (<c>dotnet tenant-reconciler.dll ARGS</c>).</summary>
    public static ChildProcess StartCli(IEnumerable<string> args, ChildOptions? options = null) => Start(Dotnet, [CliDll, .. args], options);

    /// <summary>Runs <paramref name="file"/> to its end (bounded by <paramref name="guard"/>, so a hang fails the test).</summary>
    public static async Task<CliResult> RunAsync(string file, IEnumerable<string> args, ChildOptions? options = null, TimeSpan? guard = null)
    {
        using var child = Start(file, args, options);
        return await child.ExitAsync(guard);
    }

    public static Task<CliResult> RunCliAsync(IEnumerable<string> args, ChildOptions? options = null) => RunAsync(Dotnet, [CliDll, .. args], options);

    /// <summary>The .NET CLI, nested (see <see cref="ChildOptions.NestedDotnet"/>), run to its end.</summary>
    public static Task<CliResult> DotnetAsync(string workingDirectory, params string[] arguments) =>
        RunAsync(Dotnet, arguments, new ChildOptions { WorkingDirectory = workingDirectory, NestedDotnet = true });

    /// <summary>Waits until stderr has shown <paramref name="text"/>.</summary>
    public Task SaidAsync(string text, TimeSpan? guard = null) => WaitForAsync(text, stderr: true, guard);

    /// <summary>Waits until stdout has shown <paramref name="text"/>.</summary>
    public Task PrintedAsync(string text, TimeSpan? guard = null) => WaitForAsync(text, stderr: false, guard);

    public async Task TypeAsync(string keys)
    {
        await _process.StandardInput.WriteAsync(keys);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Completes when it has exited (however: by itself, killed, signalled).</summary>
    public Task ExitedAsync() => _process.WaitForExitAsync();

    /// <summary>Waits for its end and the end of its output; past <paramref name="guard"/> it is killed and the test fails.</summary>
    public async Task<CliResult> ExitAsync(TimeSpan? guard = null)
    {
        var limit = guard ?? HangGuard;
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await _reading.WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Kill();
            throw new TimeoutException($"{_process.StartInfo.FileName} {string.Join(' ', _process.StartInfo.ArgumentList)} still running after {limit}:\n{Stdout}\n---\n{Stderr}");
        }

        return new CliResult(_process.ExitCode, Stdout, Stderr);
    }

    /// <summary>SIGKILL (the whole tree): a crash, nothing runs after it.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    private async Task WaitForAsync(string text, bool stderr, TimeSpan? guard)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var into = stderr ? _stderr : _stdout;
        lock (into)
        {
            if (into.ToString().Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            lock (_waits)
            {
                _waits.Add((text, stderr, seen));
            }
        }

        var done = await Task.WhenAny(seen.Task, _reading).WaitAsync(guard ?? HangGuard);
        if (done != seen.Task && !seen.Task.IsCompleted)
        {
            throw new InvalidOperationException($"it exited before it wrote '{text}':\n{Stdout}\n---\n{Stderr}");
        }
    }

    private async Task ReadAsync(StreamReader reader, StringBuilder into, bool stderr)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            string text;
            lock (into)
            {
                into.Append(buffer, 0, read);
                text = into.ToString();
            }

            lock (_waits)
            {
                foreach (var wait in _waits.Where(w => w.Stderr == stderr && text.Contains(w.Text, StringComparison.Ordinal)).ToArray())
                {
                    wait.Seen.TrySetResult();
                    _waits.Remove(wait);
                }
            }

            if (_onLine is not null)
            {
                for (var i = 0; i < read; i++)
                {
                    if (buffer[i] == '\n')
                    {
                        _onLine(line.ToString().TrimEnd('\r'), stderr);
                        line.Clear();
                    }
                    else
                    {
                        line.Append(buffer[i]);
                    }
                }
            }
        }

        if (_onLine is not null && line.Length > 0)
        {
            _onLine(line.ToString(), stderr);
        }
    }
}
