using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The tests that build what ships (<c>dotnet pack</c>, <c>dotnet tool install</c>, <c>dotnet publish</c>): slow, and
/// all writing the CLI's Release build folders, so they run one at a time, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ShippingCollection
{
    public const string Name = "Shipping (pack, install, publish)";
}

/// <summary>A child process run to its end, its output collected: the .NET CLI, or a tool it produced.</summary>
public static partial class ChildProcess
{
    /// <summary>Only a guard against a hang, never an assertion: a pack on a loaded 2-core machine may take minutes.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(15);

    /// <summary>SemVer 2.0, as semver.org gives it.</summary>
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")]
    public static partial Regex SemVer();

    /// <summary>The <c>dotnet</c> host running the tests (the same SDK and runtime).</summary>
    public static string Dotnet { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>
    /// DOTNET_ROOT for an apphost (a tool path's launcher, a publish folder's executable): the .NET install running these
    /// tests, so the launcher finds a runtime wherever the SDK was installed.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DotnetRoot { get; } = new Dictionary<string, string>
    {
        ["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
    };

    public static Task<CliResult> DotnetAsync(string workingDirectory, params string[] arguments) =>
        RunAsync(Dotnet, workingDirectory, null, arguments);

    public static async Task<CliResult> RunAsync(string executable, string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under 'dotnet test': its MSBuild variables would steer a nested build into the outer one's.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var guard = new CancellationTokenSource(HangGuard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', arguments)} still running after {HangGuard}:\n{stdout}\n{stderr}");
        }

        process.WaitForExit(); // the end of the redirected streams
        return new CliResult(process.ExitCode, Text(stdout), Text(stderr));
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.Append(line).Append('\n');
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
