namespace TenantReconciler.Tests.Cli;

/// <summary>A failed, partial or 404 listing is never "no tenants": it is an error and zero writes, in every registration.</summary>
public sealed class ListingFailureTests
{
    [Fact]
    public async Task Apply_SecondPageFails_ExitsOneWithZeroWrites()
    {
        // Arrange: page size 1, and every request for a later page ($skipToken) is refused with an ARM error.
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions
        {
            PageSize = 1,
            Middleware = [ArmFaults.FailLaterPages],
        });

        // Act
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve");

        // Assert
        bed.AssertRefusedWithoutWrites(apply, "AuthorizationFailed");
    }

    [Fact]
    public async Task Apply_OneRegistrationNotFound_ZeroWritesInTheOthers()
    {
        // Arrange: the second registration is missing (404); the first has pending changes.
        await using var bed = await CliTestBed.StartWithoutSecondRegistrationAsync();

        // Act
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve");

        // Assert
        bed.AssertRefusedWithoutWrites(apply, "ResourceNotFound", "x-ms-request-id");
    }

    [Fact]
    public async Task Apply_ListingThrottledBeyondMaxRetryWait_ExitsOneWithZeroWrites()
    {
        // Arrange: every listing is answered 429 with a Retry-After of an hour.
        await using var bed = await CliTestBed.StartAsync(options: new EmulatorOptions
        {
            Faults = new FaultProfile { Seed = 1, List = new FaultRule { ThrottleRate = 1, RetryAfter = "3600" } },
        });

        // Act
        var apply = await bed.RunAsync("apply", "-f", RepoFiles.Path("tenants.yaml"), "--auto-approve", "--max-retry-wait", "5");

        // Assert
        Assert.Equal(1, apply.ExitCode);
        Assert.Equal(0, bed.Writes);
    }
}
