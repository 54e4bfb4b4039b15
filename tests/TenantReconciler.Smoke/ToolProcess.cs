using System.Diagnostics;
using System.Text;

namespace TenantReconciler.Smoke;

/// <summary>A build's executable run as a child process, in the step's working folder, with a clean environment.</summary>
internal static class ToolProcess
{
    /// <summary>A guard against a hang only, never an assertion.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(300);

    /// <summary>Runs to its end with an empty stdin; stdout and stderr exactly as written (UTF-8).</summary>
    public static async Task<Outcome> RunAsync(Build build, string work, IReadOnlyList<string> arguments)
    {
        using var process = new Process { StartInfo = StartInfo(build, work, arguments) };
        process.Start();
        process.StandardInput.Close();
        var stdout = ReadAllAsync(process.StandardOutput.BaseStream);
        var stderr = ReadAllAsync(process.StandardError.BaseStream);
        using var guard = new CancellationTokenSource(StepTimeout);
        try
        {
            await Task.WhenAll(process.WaitForExitAsync(guard.Token), stdout, stderr).WaitAsync(guard.Token);
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{build.Name} {string.Join(' ', arguments)} still running after {StepTimeout.TotalSeconds} s");
        }

        return new Outcome(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The executable with <paramref name="arguments"/>, all three streams redirected. The environment is this process's
    /// without the build system's and the .NET host's variables (DOTNET_ROOT aside: the JIT build's launcher needs it)
    /// and without the journal's, with colour off and CI on, as a CI job runs the tool.
    /// </summary>
    public static ProcessStartInfo StartInfo(Build build, string work, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(build.Executable)
        {
            WorkingDirectory = work,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var environment = start.Environment;
        foreach (var key in environment.Keys.Where(Inherited).ToArray())
        {
            environment.Remove(key);
        }

        environment["NO_COLOR"] = "1";
        environment["CI"] = "true";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        environment.Remove("TENANT_RECONCILER_JOURNAL");
        environment.Remove("TENANT_RECONCILER_JOURNAL_CONNECTION_STRING");
        return start;
    }

    private static bool Inherited(string key) =>
        key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase)
        || (key.StartsWith("DOTNET_", StringComparison.Ordinal) && key != "DOTNET_ROOT");

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
