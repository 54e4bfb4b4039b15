using Xunit;

namespace TenantReconciler.Tests.Watch;

/// <summary><c>watch --notify</c> and <c>--notify-format</c>, refused before anything starts.</summary>
public sealed class NotifyOptionTests
{
    [Theory]
    [InlineData("--notify", "hooks.slack.com/services/T0/B0/secret", "--notify must be an absolute http:// or https:// URL")]
    [InlineData("--notify", "ftp://example.com/hook", "--notify must be an absolute http:// or https:// URL")]
    [InlineData("--notify", "https://user:p4ssw0rd@example.com/hook", "--notify https://example.com: put no user name or password in the URL")]
    [InlineData("--notify-format", "teams", "teams")]
    public async Task Watch_InvalidNotifyOption_RefusedBeforeStarting(string option, string value, string expected)
    {
        // Act
        var result = await CliRunner.RunAsync("watch", option, value);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.DoesNotContain("p4ssw0rd", result.Stderr, StringComparison.Ordinal);
    }
}
