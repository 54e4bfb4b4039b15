using Spectre.Console;
using Spectre.Console.Testing;
using Text = Spectre.Console.Text;

namespace TenantReconciler.Tests.Cli;

/// <summary>Spectre's test console as a terminal that takes colours and cursor moves, and helpers to read what it got.</summary>
internal static partial class TerminalTestSupport
{
    /// <summary>The SGR code of Spectre's <see cref="Color.Green"/> (and yellow, red) on a true-colour terminal.</summary>
    public static readonly string Green = Sgr(Color.Green);

    public static readonly string Yellow = Sgr(Color.Yellow);

    public static readonly string Red = Sgr(Color.Red);

    /// <summary>Interactive, with ANSI sequences written out; wide enough that no plan line wraps.</summary>
    public static TestConsole Terminal(int width = 200) => new TestConsole().Width(width).Interactive().EmitAnsiSequences();

    /// <summary>A rich <see cref="IOContext"/>: the plan to <paramref name="terminal"/>, the progress bar to <paramref name="errorTerminal"/>.</summary>
    public static IOContext RichIO(StringWriter stdout, StringWriter stderr, IAnsiConsole terminal, IAnsiConsole? errorTerminal = null) =>
        new(stdout, stderr, TextReader.Null, IsInteractive: false) { Terminal = terminal, ErrorTerminal = errorTerminal };

    public static string StripAnsi(string text) => AnsiSequence().Replace(text, string.Empty);

    public static bool HasEscape(string text) => text.Contains('\u001b', StringComparison.Ordinal);

    private static string Sgr(Color color)
    {
        using var console = Terminal();
        console.Write(new Text("x", new Style(color)));
        var output = console.Output;
        return output[..output.IndexOf('x', StringComparison.Ordinal)];
    }

    [GeneratedRegex(@"\u001b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiSequence();
}
