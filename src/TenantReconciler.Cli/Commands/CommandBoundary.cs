namespace TenantReconciler.Cli.Commands;

/// <summary>The one place where an expected failure becomes a message on stderr and exit code 1.</summary>
public static class CommandBoundary
{
    public static async Task<int> RunAsync(IOContext io, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ReconcilerException e)
        {
            WriteError(io.Error, e);
            return ExitCodes.Error;
        }
    }

    public static void WriteError(TextWriter error, ReconcilerException e)
    {
        if (e.Diagnostics.Count > 0)
        {
            foreach (var diagnostic in e.Diagnostics)
            {
                error.WriteLine(diagnostic);
            }

            var files = e.Diagnostics.Select(d => d.Location.File).Distinct().ToArray();
            error.WriteLine($"Error: {string.Join(", ", files)}: {e.Diagnostics.Count} problem(s) found; nothing was sent to ARM.");
            return;
        }

        error.WriteLine($"Error: {e.Message}");
    }
}
