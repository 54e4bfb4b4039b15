using System.ComponentModel;
using System.Diagnostics;
using TenantReconciler.Tests.Watch;

namespace TenantReconciler.Smoke;

/// <summary>A long-running command of a build (the emulator, watch): its stdout and stderr read line by line as they come.</summary>
internal sealed class BackgroundProcess : IAsyncDisposable
{
    public const int SIGINT = 2;

    /// <summary>How long to wait for a line, or for the process to end after a signal: a guard against a hang only.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan StreamsEnd = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Task _readers;

    private BackgroundProcess(Process process)
    {
        _process = process;
        _readers = Task.WhenAll(Stdout.PumpAsync(process.StandardOutput.BaseStream), Stderr.PumpAsync(process.StandardError.BaseStream));
    }

    public LineLog Stdout { get; } = new();

    public LineLog Stderr { get; } = new();

    /// <summary>Starts <paramref name="arguments"/> with stdin at its end, as <see cref="ToolProcess.RunAsync"/> runs a command.</summary>
    public static BackgroundProcess Start(Build build, string work, IReadOnlyList<string> arguments)
    {
        var process = new Process { StartInfo = ToolProcess.StartInfo(build, work, arguments) };
        process.Start();
        process.StandardInput.Close();
        return new BackgroundProcess(process);
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (unless it has ended already), waits for the end, and returns the exit code;
    /// a process still running after <see cref="Patience"/> is killed.
    /// </summary>
    public async Task<int> StopAsync(int signal)
    {
        if (!_process.HasExited)
        {
            try
            {
                Posix.Signal(_process.Id, signal);
            }
            catch (Win32Exception) when (_process.HasExited)
            {
            }
        }

        using var guard = new CancellationTokenSource(Patience);
        try
        {
            await _process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException) when (guard.IsCancellationRequested)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        try
        {
            await _readers.WaitAsync(StreamsEnd);
        }
        catch (TimeoutException)
        {
            // A child of it still holds a stream open: what was read so far is the output.
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
