namespace TenantReconciler.Tests.Cli;

/// <summary>An option of the journal given without its value is a parse error, never an exception out of a validator.</summary>
public sealed class JournalOptionParseTests
{
    [Theory]
    [InlineData("plan")]
    [InlineData("apply")]
    public async Task JournalConnectionString_WithoutAValue_ExitOneWithASentence(string command)
    {
        // Act
        var result = await CliRunner.RunAsync(command, "--journal-connection-string");

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--journal-connection-string", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
