using System.CommandLine;
using TenantReconciler.Cli.Commands.Options;

namespace TenantReconciler.Tests.Leasing;

/// <summary>The one option group behind <c>apply --lock-*</c> and <c>watch --lease-*</c>.</summary>
public sealed class LeaseOptionsTests
{
    [Fact]
    public void ForApply_Defined_HasTheLockOptionNames()
    {
        // Act
        var names = OptionNames(LeaseOptions.ForApply());

        // Assert
        Assert.Equal(["--lock", "--lock-connection-string", "--lock-container", "--lock-blob-name", "--lock-wait"], names);
    }

    [Fact]
    public void ForWatch_Defined_HasTheLeaseOptionNames()
    {
        // Act
        var names = OptionNames(LeaseOptions.ForWatch());

        // Assert
        Assert.Equal(["--lease-blob", "--lease-connection-string", "--lease-container", "--lease-blob-name", "--lease-duration"], names);
    }

    [Fact]
    public void Parse_ApplyWithConnectionStringOnly_DefaultsContainerBlobWaitAndLockDuration()
    {
        // Act
        var (lease, errors) = Parse(LeaseOptions.ForApply(), "--lock-connection-string", "UseDevelopmentStorage=true");

        // Assert
        Assert.Empty(errors);
        Assert.Equal(
            new LeaseArguments(null, "UseDevelopmentStorage=true", LeaseArguments.DefaultContainer, LeaseArguments.DefaultBlobName, LeaseArguments.DefaultLockDuration)
            {
                Wait = TimeSpan.FromSeconds(120),
            },
            lease);
    }

    [Fact]
    public void Parse_WatchWithUrlAndDuration_TakesThem()
    {
        // Act
        var (lease, errors) = Parse(LeaseOptions.ForWatch(), "--lease-blob", "https://a.blob.core.windows.net/c/b", "--lease-duration", "45s");

        // Assert
        Assert.Empty(errors);
        Assert.Equal(new Uri("https://a.blob.core.windows.net/c/b"), lease?.BlobUri);
        Assert.Null(lease?.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(45), lease?.Duration);
    }

    [Fact]
    public void Parse_ApplyWithContainerBlobAndWait_TakesThem()
    {
        // Act
        var (lease, errors) = Parse(
            LeaseOptions.ForApply(), "--lock-connection-string", "UseDevelopmentStorage=true", "--lock-container", "c", "--lock-blob-name", "b", "--lock-wait", "1.5");

        // Assert
        Assert.Empty(errors);
        Assert.Equal(("c", "b", TimeSpan.FromSeconds(1.5)), (lease?.Container, lease?.BlobName, lease?.Wait));
    }

    [Theory]
    [InlineData("lock", "--lock")]
    [InlineData("lease", "--lease-blob")]
    public void Parse_UrlAndConnectionString_RefusedAsBoth(string prefix, string url)
    {
        // Arrange
        var options = prefix == "lock" ? LeaseOptions.ForApply() : LeaseOptions.ForWatch();

        // Act
        var (_, errors) = Parse(options, url, "https://a.blob.core.windows.net/c/b", $"--{prefix}-connection-string", "UseDevelopmentStorage=true");

        // Assert
        Assert.Equal([$"Give the {prefix} either as {url} URL or with --{prefix}-connection-string, not both."], errors);
    }

    [Theory]
    [InlineData("lock", "--lock", "http://a.blob.core.windows.net/c/b")]
    [InlineData("lease", "--lease-blob", "http://a.blob.core.windows.net/c/b")]
    [InlineData("lease", "--lease-blob", "not a url")]
    public void Parse_UrlNotHttps_Refused(string prefix, string url, string value)
    {
        // Arrange
        var options = prefix == "lock" ? LeaseOptions.ForApply() : LeaseOptions.ForWatch();

        // Act
        var (_, errors) = Parse(options, url, value);

        // Assert
        Assert.Equal([$"{url} must be an absolute https URL of a blob, not '{value}'."], errors);
    }

    [Theory]
    [InlineData("--lock-wait", "-1")]
    [InlineData("--lease-duration", "10s")]
    [InlineData("--lease-duration", "61s")]
    public void Parse_WaitOrDurationOutOfRange_Refused(string option, string value)
    {
        // Arrange
        var options = option == "--lock-wait" ? LeaseOptions.ForApply() : LeaseOptions.ForWatch();

        // Act
        var (_, errors) = Parse(options, option, value);

        // Assert
        Assert.Single(errors, e => e.StartsWith(option + " must be", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_NothingGiven_NoLease()
    {
        // Arrange: unless the environment names one (TENANT_RECONCILER_LEASE_CONNECTION_STRING, not set by the tests).
        Assert.Null(Environment.GetEnvironmentVariable(LeaseArguments.ConnectionStringVariable));

        // Act
        var (lease, errors) = Parse(LeaseOptions.ForApply());

        // Assert
        Assert.Empty(errors);
        Assert.Null(lease);
    }

    private static string[] OptionNames(LeaseOptions options)
    {
        var command = new Command("test");
        options.AddTo(command);
        return [.. command.Options.Select(o => o.Name)];
    }

    private static (LeaseArguments? Lease, string[] Errors) Parse(LeaseOptions options, params string[] args)
    {
        var command = new RootCommand();
        options.AddTo(command);
        var result = command.Parse(args);
        return (result.Errors.Count == 0 ? options.Parse(result) : null, [.. result.Errors.Select(e => e.Message)]);
    }
}
