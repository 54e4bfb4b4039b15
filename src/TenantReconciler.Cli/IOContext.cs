using Spectre.Console;
using TenantReconciler.Cli.Output;

namespace TenantReconciler.Cli;

/// <summary>
/// The console, injected: the plan goes to <see cref="Output"/>, diagnostics and logs to <see cref="Error"/>.
/// Tests pass string writers; only <c>Program.Main</c> binds it to the real console.
/// </summary>
/// <remarks>
/// <see cref="Style"/> is the one switch between the plain text that scripts and snapshots read (the default) and the
/// terminal's colours, table and progress bar. Only the composition root decides it (<see cref="OutputStyles.Detect"/>),
/// and gives the Spectre.Console consoles that go with it; tests inject Spectre's test console.
/// </remarks>
public sealed record IOContext(TextWriter Output, TextWriter Error, TextReader Input, bool IsInteractive)
{
    /// <summary><see cref="OutputStyle.Plain"/> unless <see cref="Terminal"/> is set: then the human output is rich.</summary>
    public OutputStyle Style => Terminal is null ? OutputStyle.Plain : OutputStyle.Rich;

    /// <summary>The terminal behind <see cref="Output"/>, writing to the same stream; null when the output is plain.</summary>
    public IAnsiConsole? Terminal { get; init; }

    /// <summary>
    /// The terminal behind <see cref="Error"/>, for the apply's progress bar; null when stderr is not a terminal too
    /// (then there is no progress bar, even when <see cref="Terminal"/> is set).
    /// </summary>
    public IAnsiConsole? ErrorTerminal { get; init; }

    /// <summary>Ctrl+C and SIGTERM, as the composition root receives them (tests signal it themselves).</summary>
    public Interrupts Interrupts { get; init; } = new();
}
