using System.Net.Sockets;

namespace TenantReconciler.Tests.Cli;

/// <summary>
/// A new user's mistakes on the command line: each is exit 1 and one sentence that names the option, the value and
/// what is allowed; never an abort with a stack trace (exit 134) or an "internal error" (exit 70).
/// </summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("plan", "--parallelism", "abc", "--parallelism must be a whole number from 1 to 64, not 'abc'.")]
    [InlineData("plan", "--parallelism", "65", "--parallelism must be a whole number from 1 to 64, not '65'.")]
    [InlineData("apply", "--parallelism", "2147483648", "--parallelism must be a whole number from 1 to 64, not '2147483648'.")]
    [InlineData("import", "--parallelism", "-1", "--parallelism must be a whole number from 1 to 64, not '-1'.")]
    [InlineData("tenants", "--parallelism", "1.5", "--parallelism must be a whole number from 1 to 64, not '1.5'.")]
    [InlineData("watch", "--parallelism", "x", "--parallelism must be a whole number from 1 to 64, not 'x'.")]
    [InlineData("apply", "--max-removals", "2147483648", "--max-removals must be a whole number from 0 to 2147483647, not '2147483648'.")]
    [InlineData("apply", "--max-removals", "many", "--max-removals must be a whole number from 0 to 2147483647, not 'many'.")]
    [InlineData("apply", "--confirm-removals", "-3", "--confirm-removals must be a whole number from 0 to 2147483647, not '-3'.")]
    [InlineData("apply", "--max-retry-wait", "soon", "--max-retry-wait must be a number of seconds from 0 to 86400 (or a duration such as 90s or 2m), not 'soon'.")]
    [InlineData("apply", "--lock-wait", "-1", "--lock-wait must be a number of seconds from 0 to 86400 (or a duration such as 90s or 2m), not '-1'.")]
    [InlineData("emulator", "--page-size", "0", "--page-size must be a whole number from 1 to 2147483647, not '0'.")]
    [InlineData("emulator", "--latency-ms", "fast", "--latency-ms must be a whole number from 0 to 2147483647, not 'fast'.")]
    [InlineData("emulator", "--port", "99999", "--port must be a whole number from 0 to 65535, not '99999'.")]
    [InlineData("emulator", "--put-status", "204", "--put-status must be one of 200, 201, not '204'.")]
    [InlineData("emulator", "--seed", "1e3", "--seed must be a whole number from -2147483648 to 2147483647, not '1e3'.")]
    public async Task Command_IntegerOptionNotAllowed_ExitOneWithOneLineNamingTheValue(string command, string option, string value, string expected)
    {
        // Act
        var result = await CliRunner.RunAsync([command, .. Needed(command), option, value]);

        // Assert: the sentence, then where to read more; nothing else.
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Equal($"Error: {expected}\nsee 'tenant-reconciler {command} --help'\n", result.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("plan", "--verbosity", "loud", "--verbosity must be one of quiet, normal, detailed, diagnostic, not 'loud'.")]
    [InlineData("import", "--cloud", "Mars", "--cloud must be one of AzureCloud, AzureUSGovernment, AzureChinaCloud, not 'Mars'.")]
    [InlineData("apply", "--max-removals", "x", "--max-removals must be a whole number")]
    [InlineData("plan", "-f", "", "--file needs a value, not an empty one.")]
    public async Task Command_ValueOfTheWrongType_TheUsersWordsNoTypeName(string command, string option, string value, string expected)
    {
        // Act
        var result = await CliRunner.RunAsync([command, .. Needed(command), option, value]);

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("TenantReconciler.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>What the command needs besides the option under test (import: a registration), so that only it is wrong.</summary>
    private static string[] Needed(string command) => command == "import"
        ? ["/subscriptions/6513270e-269e-4d37-b2a7-4de452e6b438/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-8f3e1b2c"]
        : [];

    [Fact]
    public async Task Import_SubscriptionNotAGuid_SaysWhatASubscriptionIdIs()
    {
        // Act
        var result = await CliRunner.RunAsync("import", "--subscription", "x", "--resource-group", "azurestack", "--registration", "azurestack-8f3e1b2c");

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("--subscription must be a subscription id (a GUID such as 6513270e-269e-4d37-b2a7-4de452e6b438), not 'x'.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_UnknownOption_TheErrorAndOneLineToTheHelpNotTheWholeHelp()
    {
        // Act
        var result = await CliRunner.RunAsync("plan", "--paralelism", "2");

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("Error: Unrecognized command or argument '--paralelism'.", result.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("see 'tenant-reconciler plan --help'\n", result.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("Usage:", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Description:", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--interval", "5", "--interval 5 has no unit: a duration needs one, e.g. 5s or 5m")]
    [InlineData("--debounce", "2", "--debounce 2 has no unit: a duration needs one, e.g. 2s or 2m")]
    [InlineData("--lease-duration", "30", "--lease-duration 30 has no unit: a duration needs one, e.g. 30s or 30m")]
    public async Task Watch_DurationWithoutAUnit_RefusedWithTheUnitsItCouldMean(string option, string value, string expected)
    {
        // Act
        var result = await CliRunner.RunAsync("watch", option, value);

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_EmulatorGivenTheDesiredStateFile_SaysItIsADesiredStateFile()
    {
        // Arrange
        using var temp = new TempDirectory();
        var yaml = temp.Write("tenants.yaml", File.ReadAllText(RepoFiles.Path("tenants.yaml")));

        // Act
        var result = await CliRunner.RunAsync("plan", "--emulator", yaml, "-f", yaml);

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains($"Error: {yaml} is a desired-state file, not an emulator state; did you mean -f {yaml}?", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emulator_StateThatIsNotJson_ExitOneNamingTheFile()
    {
        // Arrange
        using var temp = new TempDirectory();
        var state = temp.Write("state.json", "{ not json");

        // Act
        var result = await CliRunner.RunAsync("emulator", "--state", state);

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains($"Error: {state} is not an emulator state file (JSON, see docs/emulator.md)", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("emulator", "--state")]
    [InlineData("plan", "--emulator")]
    public async Task EmulatorState_ADirectoryOrTheRoot_OneSentenceNotAnInternalError(string command, string option)
    {
        // Arrange: the property test's random values found '--state /' (the root has no parent folder): exit 70.
        using var temp = new TempDirectory();
        foreach (var directory in new[] { "/", temp.Path })
        {
            // Act
            var result = await CliRunner.RunAsync(command == "plan" ? [command, option, directory, "-f", RepoFiles.Path("tenants.yaml")] : [command, option, directory]);

            // Assert
            Assert.True(result.ExitCode == ExitCodes.Error, result.ToString());
            Assert.Contains($"Error: {directory} is not an emulator state file (JSON, see docs/emulator.md): it is a directory, not a file.", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Emulator_PortInUse_OneLineNoStackTrace()
    {
        // Arrange: a port that is taken.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        // Act
        var result = await CliRunner.RunAsync("emulator", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Equal($"Error: the emulator cannot listen on 127.0.0.1:{port}: the port is in use. Choose another --port, or 0 for any free one.\n", result.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_CaCertThatIsNoPem_ASentenceWithoutParameterNames()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act: the desired-state file given as the certificate.
        var result = await CliRunner.RunAsync(
            "plan", "-f", RepoFiles.Path("tenants.yaml"), "--arm-endpoint", bed.Emulator.BaseUri.ToString(), "--auth", "emulator", "--ca-cert", RepoFiles.Path("tenants.yaml"));

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("expected a PEM 'CERTIFICATE' block", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(bed.Emulator.Requests);
    }

    [Fact]
    public async Task Apply_ResponseFileSyntax_IsAPlainValueNotAFileToExpand()
    {
        // Act: '@x' would have been read as a response file (and a NUL in it aborted the parser).
        var result = await CliRunner.RunAsync("validate", "-f", "@missing.yaml");

        // Assert
        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains("@missing.yaml", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Response file", result.Stderr, StringComparison.Ordinal);
    }
}
