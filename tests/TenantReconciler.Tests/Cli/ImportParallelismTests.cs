using TenantReconciler.Tests.Applying;

namespace TenantReconciler.Tests.Cli;

/// <summary><c>import --parallelism</c>: registrations listed side by side, with the output of a sequential import.</summary>
public sealed class ImportParallelismTests
{
    private const string Subscription = "3c9a41f2-8e5b-4d07-a6c3-1f2e3d4c5b6a";

    [Fact]
    public async Task Import_SixRegistrationsAtParallelism3_SameOutputAndRequestsAsParallelism1()
    {
        // Arrange: two emulators with the same state, three to a page; the first holds its GETs (after pacing's first,
        // sent alone) until three are in flight together, so the parallel import is seen to be parallel.
        var state = State(6);
        var probe = new ConcurrencyProbe(holdUntil: 3, skip: 1);
        await using var parallelBed = await CliTestBed.StartAsync(state, new EmulatorOptions { PageSize = 3, Middleware = [probe.Middleware] });
        await using var sequentialBed = await CliTestBed.StartAsync(state, new EmulatorOptions { PageSize = 3 });
        var ids = state.Registrations.Select(Id).ToArray();

        // Act
        var parallel = await parallelBed.RunAsync(["import", .. ids, "--parallelism", "3"]);
        var sequential = await sequentialBed.RunAsync(["import", .. ids, "--parallelism", "1"]);

        // Assert
        Assert.True(parallel.ExitCode == 0, parallel.ToString());
        Assert.True(sequential.ExitCode == 0, sequential.ToString());
        Assert.True(probe.Reached, $"at most {probe.Max} GETs were in flight together");
        Assert.Equal(3, probe.Max);
        Assert.Equal(sequential.Stdout, parallel.Stdout);
        Assert.Equal(
            sequential.Stderr.Replace(sequentialBed.Connection[1], "ENDPOINT", StringComparison.Ordinal).Replace(sequentialBed.Connection[3], "PEM", StringComparison.Ordinal),
            parallel.Stderr.Replace(parallelBed.Connection[1], "ENDPOINT", StringComparison.Ordinal).Replace(parallelBed.Connection[3], "PEM", StringComparison.Ordinal));
        Assert.Contains("Imported 27 tenant mapping(s) of 6 registration(s)", parallel.Stderr);
        Assert.Equal(
            sequentialBed.Emulator.Requests.Select(r => r.PathAndQuery).Order(StringComparer.Ordinal),
            parallelBed.Emulator.Requests.Select(r => r.PathAndQuery).Order(StringComparer.Ordinal));
        Assert.All(parallelBed.Emulator.Requests, r => Assert.Equal("GET", r.Method));
    }

    [Fact]
    public async Task ImportHelp_ListsParallelism()
    {
        // Act
        var help = await CliRunner.RunAsync("import", "--help");

        // Assert
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("--parallelism", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("Registrations listed side by side.", help.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65")]
    public async Task Import_ParallelismOutOfRange_ExitsOneAndSendsNothing(string value)
    {
        // Arrange
        await using var bed = await CliTestBed.StartAsync();

        // Act
        var import = await bed.RunAsync("import", Id(CliTestBed.ExampleState().Registrations[0]), "--parallelism", value);

        // Assert
        Assert.NotEqual(0, import.ExitCode);
        Assert.Contains($"--parallelism must be a whole number from 1 to 64, not '{value}'.", import.Stderr, StringComparison.Ordinal);
        Assert.Empty(bed.Emulator.Requests);
    }

    private static string Id(EmulatorRegistration registration) =>
        $"/subscriptions/{registration.SubscriptionId}/resourceGroups/{registration.ResourceGroup}/providers/Microsoft.AzureStack/registrations/{registration.Name}";

    /// <summary><paramref name="count"/> registrations in one subscription, the i-th with 2 + i mappings (one to three pages).</summary>
    private static EmulatorState State(int count) => Enumerable.Range(0, count).Aggregate(
        new Scenario(),
        (world, r) => world.Have(
            new RegistrationRef(Guid.Parse(Subscription), "azurestack", $"azurestack-{r:D2}"),
            [.. Enumerable.Range(0, 2 + r).Select(i => (Guid.Parse($"{r:x8}-0000-4000-8000-{i:x12}"), Guid.Parse($"{r:x8}-1111-4000-8000-{i:x12}")))]))
        .EmulatorState();
}
