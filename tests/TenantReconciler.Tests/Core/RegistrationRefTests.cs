namespace TenantReconciler.Tests.Core;

/// <summary><see cref="RegistrationRef.TryParse"/>: a registration's ARM id read with Azure.Core's ResourceIdentifier.</summary>
public sealed class RegistrationRefTests
{
    private const string Subscription = "6513270e-269e-4d37-b2a7-4de452e6b438";

    [Theory]
    [InlineData($"/subscriptions/{Subscription}/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/azurestack-8f3e1b2c")]
    [InlineData($"/SUBSCRIPTIONS/{Subscription}/resourcegroups/azurestack/PROVIDERS/microsoft.azurestack/REGISTRATIONS/azurestack-8f3e1b2c")]
    public void TryParse_RegistrationIdInAnyCaseOfItsFixedSegments_ReadsItsParts(string id)
    {
        // Act
        var parsed = RegistrationRef.TryParse(id, out var registration, out var problem);

        // Assert
        Assert.True(parsed, problem);
        Assert.Equal(new RegistrationRef(Guid.Parse(Subscription), "azurestack", "azurestack-8f3e1b2c"), registration);
        Assert.Empty(problem);
    }

    [Theory]
    [InlineData("subscriptions/x", "must be an ARM resource id")]
    [InlineData("", "must be an ARM resource id")]
    [InlineData($"/subscriptions/{Subscription}/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/r/customerSubscriptions/0cb1e29c-658c-4a14-95e6-0af593bd04cf", "customer subscription, not a registration")]
    [InlineData($"/subscriptions/{Subscription}/resourceGroups/azurestack/providers/Microsoft.Compute/registrations/r", "the provider must be 'Microsoft.AzureStack', not 'Microsoft.Compute'")]
    [InlineData($"/subscriptions/{Subscription}/resourceGroups/azurestack", "4 segments instead of 8")]
    [InlineData($"/subscriptions/{Subscription}/providers/Microsoft.AzureStack/registrations/r", "it must name the registration's resource group")]
    [InlineData("/subscriptions/not-a-guid/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/r", "'not-a-guid' is not a subscription GUID")]
    [InlineData($"/subscriptions/{Subscription}/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/bad name", "'bad name' is not a valid registration name")]
    public void TryParse_AnythingButARegistrationId_FalseWithTheProblem(string id, string expected)
    {
        // Act
        var parsed = RegistrationRef.TryParse(id, out var registration, out var problem);

        // Assert
        Assert.False(parsed);
        Assert.Null(registration);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }
}
