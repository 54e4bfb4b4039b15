using TenantReconciler.Cli.Commands;

namespace TenantReconciler.Tests.Cli;

public sealed class CommandBoundaryTests
{
    [Fact]
    public async Task RunAsync_ReconcilerException_PrintsItsMessageAndExitsOne()
    {
        // Arrange
        var (io, stdout, stderr) = Io();

        // Act
        var exitCode = await CommandBoundary.RunAsync(io, () => throw new ReconcilerException("the file is wrong."));

        // Assert
        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Equal("Error: the file is wrong.\n", Normalize(stderr));
        Assert.Empty(stdout.ToString());
    }

    [Theory]
    [InlineData(Verbosity.Quiet)]
    [InlineData(Verbosity.Normal)]
    [InlineData(Verbosity.Detailed)]
    public async Task RunAsync_UnexpectedException_PrintsOneLineWithoutStackAndExitsInternalError(Verbosity verbosity)
    {
        // Arrange
        var (io, stdout, stderr) = Io();

        // Act
        var exitCode = await CommandBoundary.RunAsync(io, verbosity, Throw<int>(new InvalidOperationException("Sequence contains no elements.\nsecond line")), CancellationToken.None);

        // Assert
        Assert.Equal(ExitCodes.InternalError, exitCode);
        Assert.Equal(
            "Error: internal error (InvalidOperationException): Sequence contains no elements. Re-run with -v diagnostic for details, and report it.\n",
            Normalize(stderr));
        Assert.Empty(stdout.ToString());
    }

    [Fact]
    public async Task RunAsync_UnexpectedExceptionAtDiagnostic_AlsoPrintsTheStackTrace()
    {
        // Arrange
        var (io, _, stderr) = Io();

        // Act
        var exitCode = await CommandBoundary.RunAsync(io, Verbosity.Diagnostic, Throw<int>(new InvalidOperationException("boom")), CancellationToken.None);

        // Assert
        Assert.Equal(ExitCodes.InternalError, exitCode);
        var lines = Normalize(stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Error: internal error (InvalidOperationException): boom. ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("   at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_CancelledByTheCommandToken_SaysInterruptedAndExits130()
    {
        // Arrange
        var (io, _, stderr) = Io();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        // Act
        var exitCode = await CommandBoundary.RunAsync(io, Verbosity.Normal, () => Task.FromCanceled<int>(cancel.Token), cancel.Token);

        // Assert
        Assert.Equal(ExitCodes.Interrupted, exitCode);
        Assert.Equal(CommandBoundary.CancelledMessage + "\n", Normalize(stderr));
    }

    [Fact]
    public async Task RunAsync_CancellationNotRequestedByTheCommandToken_IsAnInternalError()
    {
        // Arrange: some inner timeout cancelled, not the user.
        var (io, _, stderr) = Io();

        // Act
        var exitCode = await CommandBoundary.RunAsync(io, Verbosity.Normal, Throw<int>(new TaskCanceledException("A task was canceled.")), CancellationToken.None);

        // Assert
        Assert.Equal(ExitCodes.InternalError, exitCode);
        Assert.StartsWith("Error: internal error (TaskCanceledException): A task was canceled. ", Normalize(stderr), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CredentialExceptionAtDiagnostic_AlsoPrintsTheCredentialsWholeMessage()
    {
        // Arrange
        var (io, _, stderr) = Io();
        var error = new CredentialException(AuthKind.Default, "--auth default could not get a token.", "first\n- EnvironmentCredential: unavailable");

        // Act
        var normal = await CommandBoundary.RunAsync(io, Verbosity.Normal, () => throw error, CancellationToken.None);
        var normalText = Normalize(stderr);
        stderr.GetStringBuilder().Clear();
        var diagnostic = await CommandBoundary.RunAsync(io, Verbosity.Diagnostic, () => throw error, CancellationToken.None);

        // Assert
        Assert.Equal((ExitCodes.Error, ExitCodes.Error), (normal, diagnostic));
        Assert.Equal("Error: --auth default could not get a token.\n", normalText);
        Assert.Equal("Error: --auth default could not get a token.\nfirst\n- EnvironmentCredential: unavailable\n", Normalize(stderr));
    }

    [Fact]
    public async Task Plan_BugInAService_ExitsInternalErrorWithOneLine()
    {
        // Arrange: the credential factory fails as a bug would.
        using var temp = new TempDirectory();
        var yaml = temp.Write("tenants.yaml", File.ReadAllText(RepoFiles.Path("tenants.yaml")));

        // Act
        var result = await CliRunner.RunWithServicesAsync(
            services => services.AddSingleton<CredentialFactory>(new BrokenCredentialFactory()),
            null,
            "plan", "-f", yaml, "--auth", "cli", "--arm-endpoint", "https://127.0.0.1:9/");

        // Assert
        Assert.True(result.ExitCode == ExitCodes.InternalError, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(
            "Error: internal error (InvalidOperationException): the factory is broken. Re-run with -v diagnostic for details, and report it.\n",
            result.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Plan_CancelledBeforeTheListing_SaysInterruptedAndExits130()
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var (io, stdout, stderr) = Io();

        // Act
        var exitCode = await Program.RunAsync(["plan", "-f", RepoFiles.Path("tenants.yaml"), .. bed.Connection], io, cancellationToken: cancel.Token);

        // Assert
        Assert.Equal(ExitCodes.Interrupted, exitCode);
        Assert.Equal(string.Empty, stdout.ToString());
        Assert.Equal(CommandBoundary.CancelledMessage + "\n", Normalize(stderr));
        Assert.Empty(bed.Emulator.Requests);
    }

    private static Func<Task<T>> Throw<T>(Exception exception) => () => Task.FromException<T>(exception);

    private static (IOContext Io, StringWriter Stdout, StringWriter Stderr) Io()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        return (new IOContext(stdout, stderr, TextReader.Null, IsInteractive: false), stdout, stderr);
    }

    private static string Normalize(StringWriter writer) => writer.ToString().ReplaceLineEndings("\n");

    private sealed class BrokenCredentialFactory : CredentialFactory
    {
        public override TokenCredential Create(AuthKind auth, AzureCloud cloud, Uri endpoint) => throw new InvalidOperationException("the factory is broken.");
    }
}
