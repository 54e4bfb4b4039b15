using static TenantReconciler.Tests.Applying.ApplyTestSupport;

namespace TenantReconciler.Tests.Live;

/// <summary>
/// The resource provider's documented error codes (issue 8, §6), answered by the emulator for one customer subscription
/// and read end to end through the real client: each comes back with its code, ARM's message, the request id and a hint.
/// </summary>
public sealed class ArmErrorCodeTests
{
    private static readonly Guid Customer = Guid.Parse("e09a4e93-29a7-4eba-a6d4-76202383f07f");
    private static readonly Guid Tenant = Guid.Parse("dbab3982-796f-4d03-9908-044c08aef8a2");

    public static TheoryData<string, int> PermanentCodes => new()
    {
        { "RegistrationNotFound", 404 },
        { "BadCustomerSubscriptionId", 400 },
        { "InvalidCustomerSubscriptionId", 400 },
        { "CustomerSubscriptionNotFound", 404 },
        { "UnauthorizedCspRegistration", 403 },
        { "CustomerSubscriptionsNotAllowed", 400 },
        { "InvalidCSPSubscription", 400 },
    };

    [Theory]
    [MemberData(nameof(PermanentCodes))]
    public async Task PutAsync_ResourceProviderCode_FailsOnceWithTheCodeItsHintAndTheRequestId(string code, int status)
    {
        // Arrange
        await using var emulator = await StartAsync(new EmulatorCustomerSubscriptionError { SubscriptionId = Customer.ToString(), Code = code });
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.PutAsync(RegistrationA, Customer.ToString("D"), Tenant, CancellationToken.None));

        // Assert
        Assert.Equal(code, exception.ErrorCode);
        Assert.Equal(status, exception.Status);
        Assert.False(exception.IsTransient);
        Assert.NotNull(exception.Hint);
        Assert.Equal(ArmErrorHints.HintFor(code), exception.Hint);
        Assert.Contains("Hint: " + exception.Hint, exception.Message, StringComparison.Ordinal);
        Assert.Contains(exception.RequestId!, exception.Message, StringComparison.Ordinal);
        Assert.Single(emulator.Requests);
        Assert.Empty(emulator.CommittedWrites);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(400)]
    public async Task PutAsync_MetadataResolverBadGatewayErrorEveryTime_IsRetriedThenReportedAsTransient(int status)
    {
        // Arrange: at 400 only the code says it is transient.
        await using var emulator = await StartAsync(new EmulatorCustomerSubscriptionError
        {
            SubscriptionId = Customer.ToString(),
            Code = ArmErrorHints.MetadataResolverBadGatewayError,
            Status = status,
        });
        var client = CreateClient(emulator);

        // Act
        var exception = await Assert.ThrowsAsync<ArmRequestException>(() => client.PutAsync(RegistrationA, Customer.ToString("D"), Tenant, CancellationToken.None));

        // Assert
        Assert.Equal(ArmErrorHints.MetadataResolverBadGatewayError, exception.ErrorCode);
        Assert.Equal(status, exception.Status);
        Assert.True(exception.IsTransient);
        Assert.Equal(ArmErrorHints.HintFor(ArmErrorHints.MetadataResolverBadGatewayError), exception.Hint);
        Assert.Equal(1 + FastSettings.MaxRetries, emulator.Requests.Count);
        Assert.Empty(emulator.CommittedWrites);
    }

    [Fact]
    public async Task PutAsync_MetadataResolverBadGatewayErrorOnceAt400_TheRetrySucceeds()
    {
        // Arrange
        await using var emulator = await StartAsync(new EmulatorCustomerSubscriptionError
        {
            SubscriptionId = Customer.ToString(),
            Code = ArmErrorHints.MetadataResolverBadGatewayError,
            Status = 400,
            Times = 1,
        });
        var client = CreateClient(emulator);

        // Act
        var result = await client.PutAsync(RegistrationA, Customer.ToString("D"), Tenant, CancellationToken.None);

        // Assert
        Assert.Equal(200, result.Status);
        Assert.Equal([400, 200], emulator.Requests.Select(r => r.Status));
        Assert.Single(emulator.CommittedWrites);
    }

    [Fact]
    public async Task DeleteAsync_ErrorForAnotherSubscription_DoesNotApply()
    {
        // Arrange
        await using var emulator = await StartAsync(new EmulatorCustomerSubscriptionError { SubscriptionId = Guid.NewGuid().ToString(), Code = "BadCustomerSubscriptionId" });
        var client = CreateClient(emulator);

        // Act
        var result = await client.DeleteAsync(RegistrationA, Customer.ToString("D"), CancellationToken.None);

        // Assert
        Assert.Equal(204, result.Status);
    }

    [Fact]
    public void HintFor_EveryDocumentedCode_HasOneLine()
    {
        // Arrange
        string[] documented =
        [
            "RegistrationNotFound", "BadCustomerSubscriptionId", "InvalidCustomerSubscriptionId", "CustomerSubscriptionNotFound",
            "UnauthorizedCspRegistration", "CustomerSubscriptionsNotAllowed", "InvalidCSPSubscription", "MetadataResolverBadGatewayError",
            "ScopeLocked", // ARM's own, for a write a management lock refuses
        ];

        // Act
        var hints = documented.Select(ArmErrorHints.HintFor).ToList();

        // Assert
        Assert.All(hints, h => Assert.False(string.IsNullOrWhiteSpace(h)));
        Assert.All(hints, h => Assert.DoesNotContain('\n', h!));
        Assert.Equal(documented.Order(), ArmErrorHints.Codes.Order());
        Assert.Equal(ArmErrorHints.HintFor("BadCustomerSubscriptionId"), ArmErrorHints.HintFor("badcustomersubscriptionid"));
        Assert.Null(ArmErrorHints.HintFor("SomethingElse"));
        Assert.Null(ArmErrorHints.HintFor(null));
        Assert.Equal(["MetadataResolverBadGatewayError"], documented.Where(ArmErrorHints.IsTransient));
    }

    private static Task<ArmEmulator> StartAsync(EmulatorCustomerSubscriptionError error) =>
        ArmEmulator.StartAsync(new EmulatorOptions
        {
            RequiredToken = EmulatorTokenCredential.Token,
            InitialState = new EmulatorState
            {
                Registrations =
                [
                    new EmulatorRegistration
                    {
                        SubscriptionId = RegistrationA.SubscriptionId.ToString(),
                        ResourceGroup = RegistrationA.ResourceGroup,
                        Name = RegistrationA.Name,
                        CustomerSubscriptionErrors = [error],
                    },
                ],
            },
        });
}
