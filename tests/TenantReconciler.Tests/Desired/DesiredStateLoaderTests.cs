using System.Diagnostics;
using CsCheck;

namespace TenantReconciler.Tests.Desired;

public sealed class DesiredStateLoaderTests
{
    private const string File = "tenants.yaml";
    private const string Sub = "5c17413c-1135-479b-a046-847e1ef9fbeb";
    private const string Sub2 = "6d28524d-2246-48ac-b157-958f2f0a0cfc";
    private const string T1 = "11111111-1111-1111-1111-111111111111";
    private const string T2 = "22222222-2222-2222-2222-222222222222";
    private const string T3 = "33333333-3333-3333-3333-333333333333";
    private const string S1 = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
    private const string S2 = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";

    // Columns in the documents below: "  - name: " puts a registration's name value at column 11,
    // "    subscriptionId: " at 21, "    resourceGroup: " at 20; "      - tenantId: " puts the tenant mapping at
    // column 9 and its value at 19, "        customerSubscriptionId: " at 33.
    private const string Valid = $$"""
        cloud: AzureCloud
        apiVersion: "2017-06-01"
        registrations:
          - name: azurestack-CLOUDID
            subscriptionId: {{Sub}}
            resourceGroup: azurestack
            tenants:
              - tenantId: {{T1}}
                customerSubscriptionId: {{S1}}
                name: Contoso
              - tenantId: {{T2}}
                customerSubscriptionId: {{S2}}
        """;

    // ---- valid input ----

    [Fact]
    public void Parse_ValidFile_ReturnsEveryValueWithLocations()
    {
        // Arrange
        const string yaml = $$"""
            cloud: AzureUSGovernment
            apiVersion: "2022-06-01"
            suspend: true
            protect:
              - {{T1}}
            registrations:
              - name: azurestack-CLOUDID
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                maxRemovals: 5
                tenants:
                  - tenantId: {{T1}}
                    customerSubscriptionId: {{S1}}
                    name: Contoso
                  - tenantId: {{T2}}
                    customerSubscriptionId: {{S2}}
              - name: second
                subscriptionId: {{Sub2}}
                resourceGroup: rg(1)
                tenants: []
            """;

        // Act
        var state = DesiredStateLoader.Parse(yaml, "dir/tenants.yaml");

        // Assert
        Assert.Equal("dir/tenants.yaml", state.SourcePath);
        Assert.Equal(AzureCloud.AzureUSGovernment, state.Cloud);
        Assert.Equal(ApiVersions.V2022_06_01, state.ApiVersion);
        Assert.True(state.Suspend);
        Assert.Equal([Guid.Parse(T1)], state.Protect);
        Assert.Equal(2, state.Registrations.Count);

        var first = state.Registrations[0];
        Assert.Equal(new RegistrationRef(Guid.Parse(Sub), "azurestack", "azurestack-CLOUDID"), first.Registration);
        Assert.Equal("azurestack-CLOUDID", first.Registration.Name);
        Assert.Equal(5, first.MaxRemovals);
        Assert.Equal(new SourceLocation("dir/tenants.yaml", 7, 5), first.Location);
        Assert.Equal(
            [
                new DesiredTenant(Guid.Parse(T1), Guid.Parse(S1), "Contoso", new SourceLocation("dir/tenants.yaml", 12, 9)),
                new DesiredTenant(Guid.Parse(T2), Guid.Parse(S2), null, new SourceLocation("dir/tenants.yaml", 15, 9)),
            ],
            first.Tenants);

        var second = state.Registrations[1];
        Assert.Equal("rg(1)", second.Registration.ResourceGroup);
        Assert.Null(second.MaxRemovals);
        Assert.Empty(second.Tenants);
    }

    [Fact]
    public void Parse_OptionalKeysAbsent_UsesDefaults()
    {
        // Arrange
        const string yaml = $$"""
            registrations:
              - name: r
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                tenants: []
            """;

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        Assert.Equal(AzureCloud.AzureCloud, state.Cloud);
        Assert.Equal(ApiVersions.Default, state.ApiVersion);
        Assert.Empty(state.Protect);
        Assert.False(state.Suspend);
        Assert.Null(state.Registrations[0].MaxRemovals);
        Assert.Empty(state.Registrations[0].Tenants);
    }

    [Theory]
    [InlineData("azurecloud", AzureCloud.AzureCloud)]
    [InlineData("AZUREUSGOVERNMENT", AzureCloud.AzureUSGovernment)]
    [InlineData("AzureChinaCloud", AzureCloud.AzureChinaCloud)]
    public void Parse_CloudInAnyCase_IsAccepted(string cloud, AzureCloud expected)
    {
        // Arrange
        var yaml = $"cloud: {cloud}\n" + Valid.Replace("cloud: AzureCloud\n", string.Empty, StringComparison.Ordinal);

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        Assert.Equal(expected, state.Cloud);
    }

    [Fact]
    public void Parse_GuidsWithBracesAndUpperCase_CompareEqualToPlainForm()
    {
        // Arrange
        var yaml = Valid
            .Replace(Sub, "'{" + Sub.ToUpperInvariant() + "}'", StringComparison.Ordinal)
            .Replace(T1, "\"{" + T1 + "}\"", StringComparison.Ordinal)
            .Replace(S1, S1.ToUpperInvariant(), StringComparison.Ordinal);

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        var registration = state.Registrations[0];
        Assert.Equal(Guid.Parse(Sub), registration.Registration.SubscriptionId);
        Assert.Equal(Guid.Parse(T1), registration.Tenants[0].TenantId);
        Assert.Equal(Guid.Parse(S1), registration.Tenants[0].CustomerSubscriptionId);
    }

    [Fact]
    public void Parse_SameTenantInBraceAndUpperCaseForm_IsADuplicate()
    {
        // Arrange
        var yaml = Valid.Replace(T2, "'{" + T1.ToUpperInvariant() + "}'", StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.DuplicateTenant, 11, 19);
    }

    [Fact]
    public void Parse_AnchorsAndAliases_ShareTenantsAcrossRegistrations()
    {
        // Arrange
        const string yaml = $$"""
            registrations:
              - name: first
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                tenants:
                  - &contoso
                    tenantId: {{T1}}
                    customerSubscriptionId: {{S1}}
                    name: Contoso
              - name: second
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                tenants:
                  - *contoso
                  - tenantId: {{T2}}
                    customerSubscriptionId: {{S2}}
            """;

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        var shared = state.Registrations[1].Tenants[0];
        Assert.Equal(Guid.Parse(T1), shared.TenantId);
        Assert.Equal(Guid.Parse(S1), shared.CustomerSubscriptionId);
        Assert.Equal("Contoso", shared.Name);
        Assert.Equal(new SourceLocation(File, 14, 9), shared.Location);
        Assert.Equal(new SourceLocation(File, 6, 9), state.Registrations[0].Tenants[0].Location); // the anchored mapping starts at its anchor
        Assert.Equal(2, state.Registrations[1].Tenants.Count);
    }

    [Fact]
    public void Parse_MergeKeyFromAnchorInsideRegistrations_AppliesBase()
    {
        // Arrange
        const string yaml = $$"""
            registrations:
              - &base
                name: first
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                tenants:
                  - tenantId: {{T1}}
                    customerSubscriptionId: {{S1}}
              - <<: *base
                name: second
                resourceGroup: other
              - <<: [*base]
                name: third
                tenants: []
            """;

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        Assert.Equal(3, state.Registrations.Count);
        var second = state.Registrations[1];
        Assert.Equal(new RegistrationRef(Guid.Parse(Sub), "other", "second"), second.Registration);
        Assert.Equal(Guid.Parse(T1), Assert.Single(second.Tenants).TenantId);
        var third = state.Registrations[2];
        Assert.Equal(new RegistrationRef(Guid.Parse(Sub), "azurestack", "third"), third.Registration);
        Assert.Empty(third.Tenants);
    }

    [Fact]
    public void Parse_NestedMergeKeys_ApplyDepthFirstWithOwnKeysWinning()
    {
        // Arrange
        const string yaml = $$"""
            registrations:
              - &a
                name: first
                subscriptionId: {{Sub}}
                resourceGroup: ga
                tenants:
                  - tenantId: {{T1}}
                    customerSubscriptionId: {{S1}}
              - &b
                <<: *a
                name: second
                resourceGroup: gb
              - <<: [*b, {resourceGroup: ignored, maxRemovals: 3}]
                name: third
            """;

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert: 'third' takes resourceGroup from b (before the inline source), tenants from a through b.
        var third = state.Registrations[2];
        Assert.Equal(new RegistrationRef(Guid.Parse(Sub), "gb", "third"), third.Registration);
        Assert.Equal(3, third.MaxRemovals);
        Assert.Equal(Guid.Parse(S1), Assert.Single(third.Tenants).CustomerSubscriptionId);
    }

    [Fact]
    public void Parse_SameAliasTwiceInOneRegistration_ReportsDuplicateAtSecondAlias()
    {
        // Arrange
        const string yaml = $$"""
            registrations:
              - name: first
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                tenants:
                  - &contoso
                    tenantId: {{T1}}
                    customerSubscriptionId: {{S1}}
                  - *contoso
            """;

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.DuplicateTenant, 9, 9);
        Assert.Contains("first is at line 7", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ProblemInsideAliasedNode_IsReportedOnceAtTheAnchor()
    {
        // Arrange
        const string yaml = $$"""
            registrations:
              - name: first
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                tenants:
                  - &bad
                    tenantId: not-a-guid
                    customerSubscriptionId: {{S1}}
              - name: second
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                tenants:
                  - *bad
            """;

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.InvalidGuid, 7, 19);
    }

    // ---- one test per rule ----

    [Fact]
    public void Parse_MalformedYaml_ReportsOnlyTheSyntaxError()
    {
        // Arrange: an unknown key before the syntax error must not be reported.
        var yaml = "colour: red\n" + Valid + "\n  bad: [unclosed\n";

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.YamlSyntax, d.Code);
        Assert.Equal(File, d.Location.File);
        Assert.Equal(14, d.Location.Line);
        Assert.Equal(3, d.Location.Column);
    }

    [Fact]
    public void Parse_UnterminatedQuote_ReportsSyntaxErrorAtTheQuote()
    {
        // Act
        var diagnostics = ParseErrors("cloud: 'AzureCloud\n");

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.YamlSyntax, 1, 8);
    }

    [Fact]
    public void Parse_UndefinedAlias_ReportsSyntaxErrorAtTheAlias()
    {
        // Arrange
        var yaml = Valid + "\n  - *missing\n";

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.YamlSyntax, 13, 5);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n# and another\n")]
    [InlineData("~\n")]
    [InlineData("null\n")]
    [InlineData("---\n")]
    public void Parse_EmptyDocument_ReportsEmptyDocumentAtStart(string yaml)
    {
        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.EmptyDocument, 1, 1);
    }

    [Theory]
    [InlineData("- a\n- b\n", 1, 1)]
    [InlineData("just a string\n", 1, 1)]
    [InlineData("# comment\n  [1, 2]\n", 2, 3)]
    public void Parse_TopLevelNotAMapping_ReportsWrongKind(string yaml, int line, int column)
    {
        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.WrongNodeKind, line, column);
        Assert.Contains("'registrations'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SecondDocument_ReportsMultipleDocumentsAtSeparator()
    {
        // Arrange
        var yaml = Valid + "\n---\ncloud: AzureCloud\n";

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.MultipleDocuments, 13, 1);
    }

    [Fact]
    public void Parse_NoRegistrationsKey_ReportsMissingKeyAtTopMapping()
    {
        // Act
        var diagnostics = ParseErrors("# header\ncloud: AzureCloud\n");

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.MissingKey, 2, 1);
    }

    [Fact]
    public void Parse_EmptyRegistrationsList_ReportsNoRegistrationsAtTheList()
    {
        // Act
        var diagnostics = ParseErrors("cloud: AzureCloud\nregistrations: []\n");

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.NoRegistrations, 2, 16);
    }

    [Fact]
    public void Parse_KeyDifferingOnlyByCase_ReportsUnknownKeyWithSuggestionAndNoMissingKey()
    {
        // Arrange
        var yaml = Valid.Replace("- tenantId: " + T2, "- tenantID: " + T2, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.UnknownKey, 11, 9);
        Assert.Contains("'tenantID'", d.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'tenantId'?", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cloud: AzureCloud", "colud: AzureCloud", 1, 1, "Did you mean 'cloud'?")]
    [InlineData("    resourceGroup: azurestack", "    resourcegroup: azurestack", 6, 5, "Did you mean 'resourceGroup'?")]
    [InlineData("    resourceGroup: azurestack", "    resourceGroup: azurestack\n    comment: hello", 7, 5, "Expected one of: name, subscriptionId, resourceGroup, tenants, maxRemovals, stamp.")]
    [InlineData("        name: Contoso", "        name: Contoso\n        displayName: Contoso", 11, 9, "Expected one of: tenantId, customerSubscriptionId, name.")]
    [InlineData("        customerSubscriptionId: " + S2, "        customerSubscription: " + S2, 12, 9, "Did you mean 'customerSubscriptionId'?")]
    public void Parse_UnknownKeyAtEachLevel_ReportsUnknownKey(string find, string replace, int line, int column, string expectedText)
    {
        // Arrange
        var yaml = Valid.Replace(find, replace, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.UnknownKey, line, column);
        Assert.Contains(expectedText, d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  - name: azurestack-CLOUDID\n    subscriptionId:", "  - subscriptionId:", "'name'", 4, 5)]
    [InlineData("    subscriptionId: " + Sub + "\n", "", "'subscriptionId'", 4, 5)]
    [InlineData("    resourceGroup: azurestack\n", "", "'resourceGroup'", 4, 5)]
    [InlineData("\n        customerSubscriptionId: " + S2, "", "'customerSubscriptionId'", 11, 9)]
    [InlineData("      - tenantId: " + T2 + "\n        customerSubscriptionId:", "      - customerSubscriptionId:", "'tenantId'", 11, 9)]
    public void Parse_MissingRequiredKey_ReportsMissingKeyAtTheMapping(string find, string replace, string key, int line, int column)
    {
        // Arrange
        var yaml = Valid.Replace(find, replace, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.MissingKey, line, column);
        Assert.Contains(key, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingTenantsKey_ReportsMissingKeyAtTheRegistration()
    {
        // Arrange
        const string yaml = $$"""
            registrations:
              - name: r
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
            """;

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.MissingKey, 2, 5);
        Assert.Contains("'tenants'", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("registrations: nope\n", 1, 16)]
    [InlineData("registrations:\n  - name: r\n    subscriptionId: " + Sub + "\n    resourceGroup: rg\n    tenants: contoso\n", 5, 14)]
    [InlineData("registrations:\n  - name: r\n    subscriptionId: " + Sub + "\n    resourceGroup: rg\n    tenants: {tenantId: " + T1 + "}\n", 5, 14)]
    [InlineData("registrations:\n  - name: r\n    subscriptionId: " + Sub + "\n    resourceGroup: rg\n    tenants:\n      - " + T1 + "\n", 6, 9)]
    [InlineData("registrations:\n  - name: [r]\n    subscriptionId: " + Sub + "\n    resourceGroup: rg\n    tenants: []\n", 2, 11)]
    [InlineData("registrations:\n  - name: r\n    subscriptionId: [" + Sub + "]\n    resourceGroup: rg\n    tenants: []\n", 3, 21)]
    [InlineData("registrations:\n  - name: r\n    subscriptionId: " + Sub + "\n    resourceGroup: {rg: 1}\n    tenants: []\n", 4, 20)]
    [InlineData("cloud: [AzureCloud]\nregistrations:\n  - name: r\n    subscriptionId: " + Sub + "\n    resourceGroup: rg\n    tenants: []\n", 1, 8)]
    [InlineData("registrations:\n  - name: r\n    subscriptionId: " + Sub + "\n    resourceGroup: rg\n    tenants:\n      - tenantId: " + T1 + "\n        customerSubscriptionId: " + S1 + "\n        name: {first: Contoso}\n", 8, 15)]
    [InlineData("registrations:\n  - name: r\n    subscriptionId: " + Sub + "\n    resourceGroup: rg\n    tenants: []\n    [complex]: key\n", 6, 5)]
    public void Parse_WrongNodeKind_ReportsWrongKindAtTheValue(string yaml, int line, int column)
    {
        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.WrongNodeKind, line, column);
    }

    [Fact]
    public void Parse_RegistrationItemIsAScalar_ReportsWrongKind()
    {
        // Act
        var diagnostics = ParseErrors("registrations:\n  - azurestack-CLOUDID\n");

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.WrongNodeKind, 2, 5);
    }

    [Theory]
    [InlineData("    subscriptionId: " + Sub, "    subscriptionId:", 5, 5)]
    [InlineData("    subscriptionId: " + Sub, "    subscriptionId: ~", 5, 5)]
    [InlineData("    resourceGroup: azurestack", "    resourceGroup:", 6, 5)]
    [InlineData("cloud: AzureCloud", "cloud:", 1, 1)]
    public void Parse_KeyWithoutValue_ReportsEmptyValueAtTheKey(string find, string replace, int line, int column)
    {
        // Arrange
        var yaml = Valid.Replace(find, replace, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.EmptyValue, line, column);
    }

    [Fact]
    public void Parse_TenantsWithoutValue_ReportsEmptyValueSuggestingEmptyList()
    {
        // Arrange
        const string yaml = $$"""
            registrations:
              - name: r
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                tenants:
            """;

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.EmptyValue, 5, 5);
        Assert.Contains("tenants: []", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("11111111111111111111111111111111")] // "N"
    [InlineData("(11111111-1111-1111-1111-111111111111)")] // "P"
    [InlineData("\"{0x11111111,0x1111,0x1111,{0x11,0x11,0x11,0x11,0x11,0x11,0x11,0x11}}\"")] // "X"
    [InlineData("\" 11111111-1111-1111-1111-111111111111\"")]
    [InlineData("\"11111111-1111-1111-1111-111111111111 \"")]
    [InlineData("\"{ 11111111-1111-1111-1111-111111111111}\"")]
    [InlineData("\"11111111-1111-1111-1111-11111111111 1\"")]
    [InlineData("\"\\t11111111-1111-1111-1111-111111111111\"")]
    [InlineData("\"{11111111-1111-1111-1111-111111111111\"")]
    [InlineData("11111111-1111-1111-1111-11111111111g")]
    [InlineData("42")]
    public void Parse_ValueIsNotAGuid_ReportsInvalidGuidAtTheValue(string value)
    {
        // Arrange
        var yaml = Valid.Replace("tenantId: " + T1, "tenantId: " + value, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.InvalidGuid, 8, 19);
        Assert.Contains("'tenantId'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnquotedGuidInBraces_ReportsWrongKindWithQuotingHint()
    {
        // Arrange: unquoted, "{...}" is a YAML flow mapping.
        var yaml = Valid.Replace("tenantId: " + T1, "tenantId: {" + T1 + "}", StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.WrongNodeKind, 8, 19);
        Assert.Contains("must be quoted", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ProtectWithRepeatedTenant_KeepsEachTenantOnceInFileOrder()
    {
        // Arrange
        var yaml = "protect: [" + T2 + ", '{" + T1 + "}', " + T2.ToUpperInvariant() + "]\n" + Valid;

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        Assert.Equal([Guid.Parse(T2), Guid.Parse(T1)], state.Protect);
    }

    [Fact]
    public void Parse_ProtectItemNotAGuid_ReportsInvalidGuidAtTheItem()
    {
        // Arrange
        var yaml = "protect:\n  - " + T1 + "\n  - contoso\n" + Valid;

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.InvalidGuid, 3, 5);
    }

    [Fact]
    public void Parse_ProtectNotAList_ReportsWrongKind()
    {
        // Act
        var diagnostics = ParseErrors("protect: " + T1 + "\n" + Valid);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.WrongNodeKind, 1, 10);
    }

    [Fact]
    public void Parse_DuplicateTenantInOneRegistration_ReportsSecondOccurrenceWithFirstLine()
    {
        // Arrange
        var yaml = Valid.Replace("tenantId: " + T2, "tenantId: " + T1, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.DuplicateTenant, 11, 19);
        Assert.Contains("first is at line 8", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateCustomerSubscriptionInOneRegistration_ReportsSecondOccurrence()
    {
        // Arrange
        var yaml = Valid.Replace("customerSubscriptionId: " + S2, "customerSubscriptionId: " + S1, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.DuplicateCustomerSubscription, 12, 33);
        Assert.Contains("first is at line 9", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameTenantInTwoRegistrations_IsAllowed()
    {
        // Arrange
        var yaml = Valid + $$"""

              - name: other
                subscriptionId: {{Sub}}
                resourceGroup: azurestack
                tenants:
                  - tenantId: {{T1}}
                    customerSubscriptionId: {{S1}}
            """;

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        Assert.Equal(Guid.Parse(T1), state.Registrations[1].Tenants[0].TenantId);
    }

    [Fact]
    public void Parse_DuplicateRegistrationDifferingByCase_ReportsSecondRegistration()
    {
        // Arrange
        var yaml = Valid + $$"""

              - name: AzureStack-cloudid
                subscriptionId: {{Sub.ToUpperInvariant()}}
                resourceGroup: AzureStack
                tenants: []
            """;

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.DuplicateRegistration, 13, 5);
        Assert.Contains("first is at line 4", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameRegistrationNameInOtherResourceGroup_IsAllowed()
    {
        // Arrange
        var yaml = Valid + $$"""

              - name: azurestack-CLOUDID
                subscriptionId: {{Sub}}
                resourceGroup: other
                tenants: []
            """;

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        Assert.Equal(2, state.Registrations.Count);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("\"%2F\"")] // a plain scalar cannot start with %
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a/b")]
    [InlineData("\"reg\u0430\"")] // Cyrillic small a
    [InlineData("\"\uFF52\uFF45\uFF47\"")] // fullwidth "reg"
    [InlineData("\"a\\\\b\"")]
    [InlineData("\"a b\"")]
    [InlineData("x.")]
    [InlineData("\"\"")]
    public void Parse_UnsafeRegistrationName_ReportsInvalidRegistrationName(string name)
    {
        // Arrange
        var yaml = Valid.Replace("name: azurestack-CLOUDID", "name: " + name, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.InvalidRegistrationName, 4, 11);
        Assert.Contains("not a valid registration name", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("\"%2F\"")] // a plain scalar cannot start with %
    [InlineData("a?b")]
    [InlineData("a#b")]
    [InlineData("a/b")]
    [InlineData("\"rg\u0430\"")]
    [InlineData("\"\uFF52\uFF47\"")]
    [InlineData("rg.")]
    public void Parse_UnsafeResourceGroupName_ReportsInvalidResourceGroupName(string name)
    {
        // Arrange
        var yaml = Valid.Replace("resourceGroup: azurestack", "resourceGroup: " + name, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.InvalidResourceGroupName, 6, 20);
        Assert.Contains("not a valid resource group name", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CyrillicLookAlike_MessageNamesTheCodePoint()
    {
        // Arrange
        var yaml = Valid.Replace("name: azurestack-CLOUDID", "name: \"azurest\u0430ck\"", StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Contains("non-ASCII character U+0430", d.Message, StringComparison.Ordinal);
        Assert.Contains("position 8", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ControlCharactersInValue_AreEscapedInTheMessage()
    {
        // Arrange
        var yaml = Valid.Replace("name: azurestack-CLOUDID", "name: \"a\\e[31mred\"", StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.DoesNotContain('\u001b', d.Message);
        Assert.Contains("\\u001B[31mred", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownCloud_ReportsUnknownCloudAtTheValue()
    {
        // Arrange
        var yaml = Valid.Replace("cloud: AzureCloud", "cloud: AzureGermanCloud", StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.UnknownCloud, 1, 8);
    }

    [Theory]
    [InlineData("\"2016-01-01\"")]
    [InlineData("latest")]
    [InlineData("\"2017-06-01-preview\"")]
    public void Parse_UnsupportedApiVersion_ReportsAtTheValue(string version)
    {
        // Arrange
        var yaml = Valid.Replace("apiVersion: \"2017-06-01\"", "apiVersion: " + version, StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.UnsupportedApiVersion, 2, 13);
        Assert.Contains("2022-06-01", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("\"true\"")]
    [InlineData("1")]
    public void Parse_SuspendNotABoolean_ReportsInvalidBoolean(string value)
    {
        // Arrange
        var yaml = "suspend: " + value + "\n" + Valid;

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.InvalidBoolean, 1, 10);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("\"5\"")]
    [InlineData("five")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public void Parse_MaxRemovalsNotANonNegativeInteger_ReportsInvalidInteger(string value)
    {
        // Arrange
        var yaml = Valid.Replace("    resourceGroup: azurestack\n", "    resourceGroup: azurestack\n    maxRemovals: " + value + "\n", StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.InvalidInteger, 7, 18);
    }

    [Fact]
    public void Parse_MaxRemovalsZero_IsAccepted()
    {
        // Arrange
        var yaml = Valid.Replace("    resourceGroup: azurestack\n", "    resourceGroup: azurestack\n    maxRemovals: 0\n", StringComparison.Ordinal);

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        Assert.Equal(0, state.Registrations[0].MaxRemovals);
    }

    [Fact]
    public void Parse_DuplicateKeyInOneMapping_ReportsSecondKeyWithFirstPosition()
    {
        // Arrange
        var yaml = Valid.Replace("        name: Contoso\n", "        name: Contoso\n        name: Fabrikam\n", StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.DuplicateKey, 11, 9);
        Assert.Contains("line 10", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKeyInLargeMapping_IsFound()
    {
        // Arrange: enough keys that duplicate detection switches from a linear search to a dictionary.
        var sb = new StringBuilder(Valid);
        for (var i = 0; i < 20; i++)
        {
            sb.Append("\n        x").Append(i).Append(": v");
        }

        sb.Append("\n        tenantId: ").Append(T3);

        // Act
        var diagnostics = ParseErrors(sb.ToString());

        // Assert: 20 unknown keys (lines 13-32), then the duplicate.
        Assert.Equal(21, diagnostics.Count);
        var d = diagnostics[^1];
        Assert.Equal((DiagnosticCodes.DuplicateKey, 33, 9), (d.Code, d.Location.Line, d.Location.Column));
        Assert.Contains("line 11, column 9", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MergeKeyNotAMapping_ReportsWrongKind()
    {
        // Arrange
        var yaml = Valid.Replace("  - name: azurestack-CLOUDID\n", "  - <<: base\n    name: azurestack-CLOUDID\n", StringComparison.Ordinal);

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.WrongNodeKind, 4, 9);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllInFileOrder()
    {
        // Arrange
        const string yaml = $$"""
            cloud: Mars
            registrations:
              - name: a/b
                subscriptionId: not-a-guid
                resourceGroup: azurestack
                tenants:
                  - tenantID: {{T1}}
                    customerSubscriptionId: {{S1}}
                  - tenantId: {{T2}}
              - name: ok
                resourceGroup: azurestack
                tenants: []
            """;

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        Assert.Equal(
            [
                (DiagnosticCodes.UnknownCloud, 1, 8),
                (DiagnosticCodes.InvalidRegistrationName, 3, 11),
                (DiagnosticCodes.InvalidGuid, 4, 21),
                (DiagnosticCodes.UnknownKey, 7, 9),
                (DiagnosticCodes.MissingKey, 9, 9),
                (DiagnosticCodes.MissingKey, 10, 5),
            ],
            diagnostics.Select(d => (d.Code, d.Location.Line, d.Location.Column)));
        Assert.All(diagnostics, d => Assert.Equal(File, d.Location.File));
    }

    [Fact]
    public void Parse_Invalid_ExceptionMessageListsEveryDiagnostic()
    {
        // Arrange
        var yaml = Valid.Replace("cloud: AzureCloud", "cloud: Mars", StringComparison.Ordinal)
            .Replace("tenantId: " + T2, "tenantId: x", StringComparison.Ordinal);

        // Act
        var ex = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(yaml, File));

        // Assert
        Assert.Equal(2, ex.Diagnostics.Count);
        Assert.Contains("tenants.yaml:1:8: error TR1013", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tenants.yaml:11:19: error TR1010", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedInput_IsRefused()
    {
        // Arrange
        var yaml = "registrations: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert: refused at the 1000th level (the top-level mapping is the first), long before YamlDotNet slows down.
        var d = AssertSingle(diagnostics, DiagnosticCodes.YamlSyntax, 1, 16 + 999); // the first "[" is at column 16
        Assert.Contains("deeper than 1000 levels", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MergeKeysThatExpandExponentially_AreRefused()
    {
        // Arrange: each registration merges the previous one twice: 2^40 replays if nothing stopped it.
        var sb = new StringBuilder("registrations:\n  - &r0 {name: r0, subscriptionId: " + Sub + ", resourceGroup: g, tenants: []}\n");
        for (var i = 1; i <= 40; i++)
        {
            sb.Append("  - &r").Append(i).Append(" {<<: [*r").Append(i - 1).Append(", *r").Append(i - 1).Append("], name: r").Append(i).Append("}\n");
        }

        // Act
        var diagnostics = ParseErrors(sb.ToString());

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.YamlSyntax, d.Code);
        Assert.Contains("Aliases expand", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LargeFile_LoadsEveryMapping()
    {
        // Arrange (speed is measured by the benchmarks, never here: see README "Benchmarks")
        var yaml = LargeFile(registrations: 10, tenantsPerRegistration: 2_000);

        // Act
        var state = DesiredStateLoader.Parse(yaml, File);

        // Assert
        Assert.Equal(20_000, state.Registrations.Sum(r => r.Tenants.Count));
        Assert.All(state.Registrations, r => Assert.Equal(2_000, r.Tenants.Select(t => t.TenantId).Distinct().Count()));
    }

    [Fact]
    public void Parse_LargeFile_AllocatesLittleBeyondYamlDotNetsOwnParse()
    {
        // Arrange
        const int tenants = 20_000;
        var yaml = LargeFile(registrations: 4, tenantsPerRegistration: tenants / 4);
        ParseEventsOnly(Valid);
        DesiredStateLoader.Parse(Valid, File);

        // Act
        var before = GC.GetAllocatedBytesForCurrentThread();
        ParseEventsOnly(yaml);
        var parserOnly = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var state = DesiredStateLoader.Parse(yaml, File);
        var loader = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert: the result (a DesiredTenant each, in lists) plus bookkeeping; no node tree, no per-node LINQ or strings.
        Assert.Equal(tenants, state.Registrations.Sum(r => r.Tenants.Count));
        var perTenant = (loader - parserOnly) / tenants;
        Assert.True(perTenant < 400, $"The loader allocates {perTenant} bytes per tenant beyond the YAML parser ({parserOnly / tenants} bytes).");
    }

    // ---- Load ----

    [Fact]
    public void Load_MissingFile_ReportsFileNotFoundAtStartWithPathAsGiven()
    {
        // Arrange
        var path = Path.Combine("does-not-exist", "tenants.yaml");

        // Act
        var ex = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Load(path));

        // Assert
        var d = AssertSingle(ex.Diagnostics, DiagnosticCodes.FileNotFound, 1, 1);
        Assert.Equal(path, d.Location.File);
        Assert.Contains("not found", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PathIsADirectory_ReportsFileNotFoundCode()
    {
        // Arrange
        using var dir = new TempDirectory();

        // Act
        var ex = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Load(dir.Path));

        // Assert
        var d = AssertSingle(ex.Diagnostics, DiagnosticCodes.FileNotFound, 1, 1);
        Assert.Equal(dir.Path, d.Location.File);
    }

    [Fact]
    public void Load_ValidFileWithBom_ParsesAndNamesThePathAsGiven()
    {
        // Arrange
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "tenants.yaml");
        System.IO.File.WriteAllText(path, Valid.Replace("name: Contoso", "name: Contoso Ä.G.", StringComparison.Ordinal), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        // Act
        var state = DesiredStateLoader.Load(path);

        // Assert
        Assert.Equal(path, state.SourcePath);
        Assert.Equal(new SourceLocation(path, 8, 9), state.Registrations[0].Tenants[0].Location);
        Assert.Equal("Contoso Ä.G.", state.Registrations[0].Tenants[0].Name);
    }

    [Fact]
    public void Load_InvalidFile_DiagnosticsNameThePathAsGiven()
    {
        // Arrange
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "tenants.yaml");
        System.IO.File.WriteAllText(path, "cloud: Mars\n" + Valid.Replace("cloud: AzureCloud\n", string.Empty, StringComparison.Ordinal));

        // Act
        var ex = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Load(path));

        // Assert
        var d = AssertSingle(ex.Diagnostics, DiagnosticCodes.UnknownCloud, 1, 8);
        Assert.Equal(path, d.Location.File);
    }

    [Fact]
    public void Load_InvalidUtf8_ReportsInvalidEncodingAtTheByte()
    {
        // Arrange
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "tenants.yaml");
        var bytes = Encoding.UTF8.GetBytes("cloud: AzureCloud\n# caf\u00e9 ").Concat(new byte[] { 0xC3, 0x28 }).ToArray();
        System.IO.File.WriteAllBytes(path, bytes);

        // Act
        var ex = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Load(path));

        // Assert
        AssertSingle(ex.Diagnostics, DiagnosticCodes.InvalidEncoding, 2, 8);
    }

    // ---- GUID formats (property) ----

    [Fact]
    public void TryParseGuid_AnyGuidInAcceptedAndRejectedFormats_AcceptsOnlyDAndB()
    {
        Gen.Guid.Sample(guid =>
        {
            foreach (var format in new[] { "D", "B" })
            {
                var text = guid.ToString(format);
                Assert.True(YamlValueReader.TryParseGuid(text, out var lower) && lower == guid);
                Assert.True(YamlValueReader.TryParseGuid(text.ToUpperInvariant(), out var upper) && upper == guid);
                Assert.False(YamlValueReader.TryParseGuid(" " + text, out _));
                Assert.False(YamlValueReader.TryParseGuid(text + "\n", out _));
            }

            foreach (var format in new[] { "N", "P", "X" })
            {
                Assert.False(YamlValueReader.TryParseGuid(guid.ToString(format), out _));
            }
        });
    }

    // ---- helpers ----

    private static IReadOnlyList<Diagnostic> ParseErrors(string yaml) =>
        Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(yaml, File)).Diagnostics;

    private static void ParseEventsOnly(string yaml)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(yaml));
        while (parser.MoveNext())
        {
        }
    }

    private static Diagnostic AssertSingle(IReadOnlyList<Diagnostic> diagnostics, string code, int line, int column)
    {
        var d = Assert.Single(diagnostics);
        Assert.Equal((code, line, column), (d.Code, d.Location.Line, d.Location.Column));
        return d;
    }

    internal static string LargeFile(int registrations, int tenantsPerRegistration)
    {
        var sb = new StringBuilder(registrations * tenantsPerRegistration * 130);
        sb.Append("cloud: AzureCloud\nregistrations:\n");
        for (var r = 0; r < registrations; r++)
        {
            sb.Append("  - name: reg").Append(r).Append('\n')
                .Append("    subscriptionId: ").Append(Sub).Append('\n')
                .Append("    resourceGroup: azurestack\n")
                .Append("    tenants:\n");
            for (var i = 0; i < tenantsPerRegistration; i++)
            {
                sb.Append("      - tenantId: ").Append(Guid.NewGuid().ToString("D")).Append('\n')
                    .Append("        customerSubscriptionId: ").Append(Guid.NewGuid().ToString("D")).Append('\n')
                    .Append("        name: Tenant ").Append(i).Append('\n');
            }
        }

        return sb.ToString();
    }

    private sealed class TempDirectory : IDisposable
    {
        public TempDirectory()
        {
            Path = Directory.CreateTempSubdirectory("desired-tests-").FullName;
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
