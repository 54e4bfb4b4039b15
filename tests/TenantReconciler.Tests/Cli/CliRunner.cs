namespace TenantReconciler.Tests.Cli;

/// <summary>The CLI's result, as a user sees it.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Drives the whole CLI in process, through the real composition root, as Bicep's tests do.</summary>
public static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args) => await RunWithInputAsync(null, args);

    /// <summary>With <paramref name="input"/> non-null the session is interactive and reads its answers from it.</summary>
    public static Task<CliResult> RunWithInputAsync(string? input, params string[] args) => RunWithServicesAsync(null, input, args);

    /// <summary>Like <see cref="RunAsync"/>, with services replaced in the composition root (e.g. the credential).</summary>
    public static async Task<CliResult> RunWithServicesAsync(Action<IServiceCollection>? configureServices, string? input, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stdin = new StringReader(input ?? string.Empty);
        var exitCode = await Program.RunAsync(args, new IOContext(stdout, stderr, stdin, IsInteractive: input is not null), configureServices);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }
}
