using TenantReconciler.Cli.Output;
using static TenantReconciler.Tests.Cli.TerminalTestSupport;
using static TenantReconciler.Tests.Rendering.RenderingFixtures;

namespace TenantReconciler.Tests.Cli;

/// <summary>When the output is plain, and that plain is byte for byte the text renderer's.</summary>
public sealed class TerminalStyleTests
{
    [Theory]
    [InlineData(false, null, "xterm-256color", null, OutputStyle.Rich)]
    [InlineData(true, null, "xterm-256color", null, OutputStyle.Plain)]
    [InlineData(false, "1", "xterm-256color", null, OutputStyle.Rich)]
    [InlineData(false, "", "xterm-256color", null, OutputStyle.Rich)]
    [InlineData(false, null, "dumb", null, OutputStyle.Plain)]
    [InlineData(false, null, "xterm-256color", "true", OutputStyle.Plain)]
    [InlineData(false, null, "xterm-256color", "True", OutputStyle.Plain)]
    [InlineData(false, null, "xterm-256color", "1", OutputStyle.Plain)]
    [InlineData(false, null, "xterm-256color", "false", OutputStyle.Rich)]
    [InlineData(false, null, null, null, OutputStyle.Rich)]
    public void Detect_EnvironmentAndRedirection_PlainForScriptsAndCi(bool redirected, string? noColor, string? term, string? ci, OutputStyle expected)
    {
        // Arrange
        var environment = new Dictionary<string, string?> { ["NO_COLOR"] = noColor, ["TERM"] = term, ["CI"] = ci };

        // Act
        var style = OutputStyles.Detect(redirected, name => environment.GetValueOrDefault(name));

        // Assert
        Assert.Equal(expected, style);
    }

    [Fact]
    public void Style_NoTerminal_IsPlain()
    {
        // Arrange
        var io = new IOContext(TextWriter.Null, TextWriter.Null, TextReader.Null, IsInteractive: false);

        // Act + Assert
        Assert.Equal(OutputStyle.Plain, io.Style);
        Assert.Equal(OutputStyle.Rich, (io with { Terminal = Terminal() }).Style);
    }

    [Fact]
    public void Text_PlainIO_IsByteForByteTheTextRenderer()
    {
        // Arrange
        using var stdout = new StringWriter();
        var io = new IOContext(stdout, TextWriter.Null, TextReader.Null, IsInteractive: false);
        var plan = Representative();

        // Act
        PlanOutput.Text(io, plan);

        // Assert
        Assert.Equal(Render(new TextPlanRenderer(), plan), stdout.ToString());
    }

    [Theory]
    [InlineData("json")]
    [InlineData("markdown")]
    public void Render_JsonOrMarkdownOnATerminal_IsTheContractUncoloured(string format)
    {
        // Arrange
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var terminal = Terminal();
        var plan = Representative();
        var renderer = PlanRenderers.Get(format);

        // Act
        PlanOutput.Render(RichIO(stdout, stderr, terminal), renderer, plan);

        // Assert
        Assert.Equal(Render(renderer, plan), stdout.ToString());
        Assert.Equal(string.Empty, terminal.Output);
    }
}
