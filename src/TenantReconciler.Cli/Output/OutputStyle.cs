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
    /// file), when <c>NO_COLOR</c> is set to anything non-empty (no-color.org), when <c>TERM=dumb</c>, and when
    /// <c>CI</c> is <c>true</c> or <c>1</c> (GitHub Actions and most CI systems set it).
    /// </summary>
    /// <param name="environment">Reads an environment variable; the composition root passes the real environment.</param>
    public static OutputStyle Detect(bool outputRedirected, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (outputRedirected
            || !string.IsNullOrEmpty(environment("NO_COLOR"))
            || string.Equals(environment("TERM"), "dumb", StringComparison.OrdinalIgnoreCase)
            || environment("CI") is { } ci && (string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase) || ci == "1"))
        {
            return OutputStyle.Plain;
        }

        return OutputStyle.Rich;
    }
}
