using TenantReconciler.Tests.Schema;

namespace TenantReconciler.Tests.Rendering;

public class TenantsYamlWriterTests
{
    private static readonly Guid Sub1 = Guid.Parse("6513270E-269E-4D37-B2A7-4DE452E6B438");
    private static readonly Guid Sub2 = Guid.Parse("D23F0824-128B-4F33-8C5C-7FD0A6A3A450");

    [Fact]
    public void Write_TwoRegistrations_SortedLowerCaseWithModelineAndNoLabels()
    {
        // Arrange: given out of order, tenants unsorted, ids as ARM shows them.
        var live = new[]
        {
            new LiveRegistration(new RegistrationRef(Sub2, "azurestack", "azurestack-2d4c6e8a"), []),
            new LiveRegistration(new RegistrationRef(Sub1, "azurestack", "azurestack-8f3e1b2c"),
            [
                new LiveMapping("0FD630F1-F29D-4DA9-953F-48F1A09F76B5", Guid.Parse("0FD630F1-F29D-4DA9-953F-48F1A09F76B5"), Guid.Parse("9531985D-5D9D-49F8-9818-E811892F902B")),
                new LiveMapping("AE97BA94-D0ED-482F-8F6D-05584EF8AA38", Guid.Parse("AE97BA94-D0ED-482F-8F6D-05584EF8AA38"), Guid.Parse("10C192CF-D3AC-44AF-8F21-DDB66CAD4A26")),
            ]),
        };

        // Act
        var text = TenantsYamlWriter.Write(AzureCloud.AzureCloud, "2017-06-01", live);

        // Assert
        Assert.Equal(
            """
            # yaml-language-server: $schema=./tenants.schema.json
            # Editors validate this file against the schema beside it: tenant-reconciler schema > tenants.schema.json
            # Written by 'tenant-reconciler import' from the live mappings of 2 registration(s), 2 tenant mapping(s).
            # ARM does not know the tenants' names: add a 'name:' label to each tenant, so that plans and reports say who it is.
            # 'tenant-reconciler plan' against this file shows no changes until you edit it.
            cloud: AzureCloud
            apiVersion: "2017-06-01"

            registrations:
              - name: azurestack-8f3e1b2c
                subscriptionId: 6513270e-269e-4d37-b2a7-4de452e6b438
                resourceGroup: azurestack
                tenants:
                  - tenantId: 10c192cf-d3ac-44af-8f21-ddb66cad4a26
                    customerSubscriptionId: ae97ba94-d0ed-482f-8f6d-05584ef8aa38
                  - tenantId: 9531985d-5d9d-49f8-9818-e811892f902b
                    customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5
              - name: azurestack-2d4c6e8a
                subscriptionId: d23f0824-128b-4f33-8c5c-7fd0a6a3a450
                resourceGroup: azurestack
                tenants: []

            """,
            text);
    }

    [Theory]
    [InlineData("123", "rg")]
    [InlineData("true", "null")]
    [InlineData("no", "(rg)")]
    [InlineData("a.b-c_d", "1e3")]
    [InlineData("Off", "rg.x_(1)")]
    public void Write_NamesYamlWouldRetype_QuotedSoTheLoaderAndSchemaReadTheSameNames(string name, string resourceGroup)
    {
        // Arrange
        var registration = new RegistrationRef(Sub1, resourceGroup, name);

        // Act
        var text = TenantsYamlWriter.Write(AzureCloud.AzureChinaCloud, "2022-06-01", [new LiveRegistration(registration, [])]);

        // Assert
        var loaded = DesiredStateLoader.Parse(text, "imported.yaml");
        Assert.Equal(name, loaded.Registrations.Single().Registration.Name);
        Assert.Equal(resourceGroup, loaded.Registrations.Single().Registration.ResourceGroup);
        Assert.Equal(AzureCloud.AzureChinaCloud, loaded.Cloud);
        Assert.True(TenantsSchemaTests.Validate(text, out var errors) == SchemaVerdict.Valid, errors);
    }

    [Fact]
    public void Write_SameRegistrationTwice_Refuses()
    {
        // Arrange
        var live = new LiveRegistration(new RegistrationRef(Sub1, "azurestack", "azurestack-8f3e1b2c"), []);
        var again = new LiveRegistration(new RegistrationRef(Sub1, "AzureStack", "AZURESTACK-8F3E1B2C"), []);

        // Act
        var error = Assert.Throws<ReconcilerException>(() => TenantsYamlWriter.Write(AzureCloud.AzureCloud, "2017-06-01", [live, again]));

        // Assert
        Assert.Contains("is named twice", error.Message);
    }
}
