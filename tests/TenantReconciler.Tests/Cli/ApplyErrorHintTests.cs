namespace TenantReconciler.Tests.Cli;

/// <summary>
/// Each documented error code of the resource provider, answered by the emulator for one customer subscription, shows
/// its one-line hint once in the apply report, next to ARM's message and request id.
/// </summary>
public sealed class ApplyErrorHintTests
{
    private const string Added = "0cb1e29c-658c-4a14-95e6-0af593bd04cf";

    [Theory]
    [InlineData(ArmErrorHints.RegistrationNotFound, 404)]
    [InlineData(ArmErrorHints.BadCustomerSubscriptionId, 400)]
    [InlineData(ArmErrorHints.InvalidCustomerSubscriptionId, 400)]
    [InlineData(ArmErrorHints.CustomerSubscriptionNotFound, 404)]
    [InlineData(ArmErrorHints.UnauthorizedCspRegistration, 403)]
    [InlineData(ArmErrorHints.CustomerSubscriptionsNotAllowed, 400)]
    [InlineData(ArmErrorHints.InvalidCspSubscription, 400)]
    public async Task Apply_CodeForOneCustomerSubscription_ReportShowsItsHintOnceWithMessageAndRequestId(string code, int status)
    {
        // Arrange: the emulator refuses every request for one customer subscription that the plan adds.
        var state = CliTestBed.ExampleState();
        state.Registrations[0] = state.Registrations[0] with
        {
            CustomerSubscriptionErrors = [new EmulatorCustomerSubscriptionError { SubscriptionId = Added.ToUpperInvariant(), Code = code }],
        };
        await using var bed = await CliTestBed.StartAsync(state);

        // Act
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve");

        // Assert
        Assert.Equal(1, apply.ExitCode);
        var lines = apply.Stdout.Split('\n');
        var failed = Array.FindIndex(lines, l => l.StartsWith($"  failed          + azurestack-8f3e1b2c customerSubscription {Added}: failure 1 ", StringComparison.Ordinal));
        Assert.True(failed >= 0, apply.ToString());
        Assert.Matches(@"\(x-ms-request-id: [0-9a-f-]{36}, x-ms-correlation-request-id: [0-9a-f-]{36}\)$", lines[failed]);
        var reason = Array.FindIndex(lines, l => l.StartsWith($"  1. 1 change failed with {status} {code}: ", StringComparison.Ordinal));
        Assert.True(reason > failed, apply.ToString());
        var hint = ArmErrorHints.HintFor(code)!;
        Assert.Equal($"     hint ({code}): {hint}", lines[reason + 1]);
        Assert.Equal(1, apply.Stdout.Split(hint).Length - 1);
        Assert.Contains("1 failed, 0 not attempted", apply.Stdout);
    }
}
