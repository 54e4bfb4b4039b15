namespace TenantReconciler.Cli.Output;

/// <summary>How human output looks: the plain text of scripts and snapshots, or colours, tables and a progress bar.</summary>
public enum OutputStyle
{
    /// <summary>Byte for byte the text that scripts, CI logs and the snapshots read. No escape sequence.</summary>
    Plain,

    /// <summary>A terminal: the plan coloured as terraform's, the summary as a table, a progress bar on stderr.</summary>
    Rich,
}

/// <summary>The decision between <see cref="OutputStyle.Plain"/> and <see cref="OutputStyle.Rich"/>, made once in the composition root.</summary>
public static class OutputStyles
{
    /// <summary>
    /// Rich only on a terminal that asked for nothing else: plain when <paramref name="outputRedirected"/> (a pipe or a
    /// file), when <c>TERM=dumb</c>, and when <c>CI</c> is <c>true</c> or <c>1</c> (GitHub Actions and most CI systems
    /// set it). <c>NO_COLOR</c> removes colour only (<see cref="NoColor"/>): the table and the progress bar stay.
    /// </summary>
    /// <param name="environment">Reads an environment variable; the composition root passes the real environment.</param>
    public static OutputStyle Detect(bool outputRedirected, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (outputRedirected
            || string.Equals(environment("TERM"), "dumb", StringComparison.OrdinalIgnoreCase)
            || environment("CI") is { } ci && (string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase) || ci == "1"))
        {
            return OutputStyle.Plain;
        }

        return OutputStyle.Rich;
    }

    /// <summary><c>NO_COLOR</c> set to anything non-empty (no-color.org): no colour, all else as it is. Empty means colour.</summary>
    public static bool NoColor(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !string.IsNullOrEmpty(environment("NO_COLOR"));
    }
}
