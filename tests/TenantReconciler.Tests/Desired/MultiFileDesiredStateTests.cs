namespace TenantReconciler.Tests.Desired;

/// <summary>Several desired-state files merged into one: <see cref="DesiredStateLoader.LoadAll"/> and <see cref="DesiredSet"/>.</summary>
public sealed class MultiFileDesiredStateTests : IDisposable
{
    private const string Sub = "5c17413c-1135-479b-a046-847e1ef9fbeb";
    private const string T1 = "11111111-1111-1111-1111-111111111111";
    private const string T2 = "22222222-2222-2222-2222-222222222222";
    private const string S1 = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
    private const string S2 = "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>One registration named <paramref name="name"/> with one tenant; <paramref name="header"/> goes first. The registration is at line header+2, column 3.</summary>
    private static string Yaml(string name, string tenant = T1, string subscription = S1, string header = "") => $"""
        {header}
        registrations:
          - name: {name}
            subscriptionId: {Sub}
            resourceGroup: azurestack
            tenants:
              - tenantId: {tenant}
                customerSubscriptionId: {subscription}
        """;

    private string Write(string name, string content) => _temp.Write(name, content);

    private static IReadOnlyList<Diagnostic> Errors(Action load) => Assert.Throws<DesiredStateException>(load).Diagnostics;

    [Fact]
    public void LoadAll_TwoFiles_MergesRegistrationsInFileOrderAndRecordsEachFile()
    {
        // Arrange
        var a = Write("a.yaml", Yaml("stamp-a"));
        var b = Write("b.yaml", Yaml("stamp-b", T2, S2));

        // Act
        var state = DesiredStateLoader.LoadAll([a, b]);

        // Assert
        Assert.Equal(["stamp-a", "stamp-b"], state.Registrations.Select(r => r.Registration.Name));
        Assert.Equal([a, b], state.Sources.Select(s => s.Path));
        Assert.Equal(DesiredStateLoader.Load(a).Sha256, state.Sources[0].Sha256);
        Assert.Equal(DesiredSet.HashOf(state.Sources), state.Sha256);
        Assert.NotEqual(state.Sources[0].Sha256, state.Sha256);
        Assert.Equal(b, state.Registrations[1].Location.File);
    }

    [Fact]
    public void LoadAll_OneFile_IsExactlyLoad()
    {
        // Arrange
        var a = Write("a.yaml", Yaml("stamp-a"));

        // Act
        var all = DesiredStateLoader.LoadAll([a]);
        var one = DesiredStateLoader.Load(a);

        // Assert
        Assert.Equal(one.Sha256, all.Sha256);
        Assert.Equal(one.SourcePath, all.SourcePath);
        Assert.Equal([new DesiredSourceFile(a, one.Sha256!)], all.Sources);
        Assert.Equal(one.Sha256, DesiredSet.HashOf(all.Sources));
    }

    [Fact]
    public void LoadAll_RegistrationInTwoFiles_ReportsTheSecondNamingTheFirst()
    {
        // Arrange: names compare case-insensitively, as in one file.
        var a = Write("a.yaml", Yaml("stamp-a"));
        var b = Write("b.yaml", Yaml("STAMP-A", T2, S2));

        // Act
        var diagnostics = Errors(() => DesiredStateLoader.LoadAll([a, b]));

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.DuplicateRegistration, d.Code);
        Assert.Equal(new SourceLocation(b, 3, 5), d.Location);
        Assert.Contains($"also defined at {a}:3:5", d.Message, StringComparison.Ordinal);
        Assert.Contains($"{b}:3:5: error TR1019", d.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(T1, S2)] // the same tenant
    [InlineData(T2, S1)] // the same customer subscription
    public void LoadAll_TenantOrSubscriptionOfARegistrationInTwoFiles_ReportedAsTheRegistrationNamingBoth(string tenant, string subscription)
    {
        // Arrange: a registration's tenants live in one file, so a tenant or customer subscription repeated in another file
        // can only come with the registration repeated there.
        var a = Write("a.yaml", Yaml("stamp-a"));
        var b = Write("b.yaml", Yaml("stamp-a", tenant, subscription));

        // Act
        var diagnostics = Errors(() => DesiredStateLoader.LoadAll([a, b]));

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.DuplicateRegistration, d.Code);
        Assert.Equal(b, d.Location.File);
        Assert.Contains($"{a}:3:5", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadAll_SameTenantInRegistrationsOfDifferentFiles_IsFine()
    {
        // Arrange: a tenant is registered on each stamp it uses.
        var a = Write("a.yaml", Yaml("stamp-a"));
        var b = Write("b.yaml", Yaml("stamp-b"));

        // Act
        var state = DesiredStateLoader.LoadAll([a, b]);

        // Assert
        Assert.All(state.Registrations, r => Assert.Equal(Guid.Parse(T1), r.Tenants.Single().TenantId));
    }

    [Fact]
    public void LoadAll_ProblemsInSeveralFiles_AreAllReportedInFileOrder()
    {
        // Arrange
        var a = Write("a.yaml", Yaml("stamp-a", tenant: "not-a-guid"));
        var b = Write("b.yaml", Yaml("stamp-b", subscription: "also-not"));

        // Act
        var diagnostics = Errors(() => DesiredStateLoader.LoadAll([a, b]));

        // Assert
        Assert.Equal([a, b], diagnostics.Select(d => d.Location.File));
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticCodes.InvalidGuid, d.Code));
    }

    [Fact]
    public void LoadAll_ProtectLists_AreUnited()
    {
        // Arrange
        var a = Write("a.yaml", Yaml("stamp-a", header: $"protect: [{T1}]"));
        var b = Write("b.yaml", Yaml("stamp-b", T2, S2, header: $"protect: [{T2}, {T1}]"));
        var c = Write("c.yaml", Yaml("stamp-c"));

        // Act
        var state = DesiredStateLoader.LoadAll([a, b, c]);

        // Assert
        Assert.Equal([Guid.Parse(T1), Guid.Parse(T2)], state.Protect);
    }

    [Fact]
    public void LoadAll_SuspendInOneFile_SuspendsAll()
    {
        // Arrange
        var a = Write("a.yaml", Yaml("stamp-a"));
        var b = Write("b.yaml", Yaml("stamp-b", header: "suspend: true"));

        // Act
        var state = DesiredStateLoader.LoadAll([a, b]);

        // Assert
        Assert.True(state.Suspend);
        Assert.False(DesiredStateLoader.Load(a).Suspend);
    }

    [Fact]
    public void LoadAll_CloudSetInOneFileAndOmittedInAnother_TheOmittingFileFollows()
    {
        // Arrange
        var a = Write("a.yaml", Yaml("stamp-a"));
        var b = Write("b.yaml", Yaml("stamp-b", header: "cloud: AzureUSGovernment\napiVersion: \"2022-06-01\""));

        // Act
        var state = DesiredStateLoader.LoadAll([a, b]);

        // Assert
        Assert.Equal(AzureCloud.AzureUSGovernment, state.Cloud);
        Assert.Equal("2022-06-01", state.ApiVersion);
    }

    [Fact]
    public void LoadAll_FilesSetDifferentCloudsAndApiVersions_ReportsEachAtTheLaterFileNamingTheFirst()
    {
        // Arrange
        var a = Write("a.yaml", Yaml("stamp-a", header: "cloud: AzureCloud\napiVersion: \"2017-06-01\""));
        var b = Write("b.yaml", Yaml("stamp-b", header: "cloud: AzureChinaCloud\napiVersion: \"2022-06-01\""));

        // Act
        var diagnostics = Errors(() => DesiredStateLoader.LoadAll([a, b]));

        // Assert
        Assert.Collection(
            diagnostics,
            d =>
            {
                Assert.Equal((DiagnosticCodes.CloudMismatch, new SourceLocation(b, 1, 1)), (d.Code, d.Location));
                Assert.Contains($"'AzureChinaCloud' here but 'AzureCloud' at {a}:1:1", d.Message, StringComparison.Ordinal);
            },
            d =>
            {
                Assert.Equal((DiagnosticCodes.ApiVersionMismatch, new SourceLocation(b, 2, 1)), (d.Code, d.Location));
                Assert.Contains($"at {a}:2:1", d.Message, StringComparison.Ordinal);
            });
    }

    [Fact]
    public void LoadAll_Directory_ReadsItsYamlFilesInOrdinalOrderNotRecursively()
    {
        // Arrange
        var dir = Path.Combine(_temp.Path, "desired");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "b.yaml"), Yaml("stamp-b"));
        File.WriteAllText(Path.Combine(dir, "a.yml"), Yaml("stamp-a"));
        File.WriteAllText(Path.Combine(dir, "C.YAML"), Yaml("stamp-c"));
        File.WriteAllText(Path.Combine(dir, ".yamllint.yaml"), "rules: {}\n");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not desired state\n");
        File.WriteAllText(Path.Combine(dir, "sub", "x.yaml"), Yaml("stamp-x"));

        // Act
        var state = DesiredStateLoader.LoadAll([dir]);

        // Assert: ordinal, so upper case sorts first.
        Assert.Equal(["C.YAML", "a.yml", "b.yaml"], state.Sources.Select(s => Path.GetFileName(s.Path)));
        Assert.Equal(["stamp-c", "stamp-a", "stamp-b"], state.Registrations.Select(r => r.Registration.Name));
        Assert.All(state.Sources, s => Assert.Equal(Path.Combine(dir, Path.GetFileName(s.Path)), s.Path));
    }

    [Fact]
    public void LoadAll_DirectoryWithoutYaml_ReportsTheDirectory()
    {
        // Arrange
        var dir = Directory.CreateDirectory(Path.Combine(_temp.Path, "empty")).FullName;

        // Act
        var diagnostics = Errors(() => DesiredStateLoader.LoadAll([dir]));

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.FileNotFound, new SourceLocation(dir, 1, 1)), (d.Code, d.Location));
        Assert.Contains("holds no *.yaml or *.yml file", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadAll_FileNamedTwice_IsReadOnce()
    {
        // Arrange
        var dir = Directory.CreateDirectory(Path.Combine(_temp.Path, "desired")).FullName;
        var a = Path.Combine(dir, "a.yaml");
        File.WriteAllText(a, Yaml("stamp-a"));
        File.WriteAllText(Path.Combine(dir, "b.yaml"), Yaml("stamp-b"));

        // Act
        var state = DesiredStateLoader.LoadAll([a, dir]);

        // Assert
        Assert.Equal(["a.yaml", "b.yaml"], state.Sources.Select(s => Path.GetFileName(s.Path)));
    }

    [Fact]
    public void LoadAll_AliasToAnAnchorOfAnotherFile_SaysAnchorsDoNotCrossFiles()
    {
        // Arrange
        var a = Write("a.yaml", $"""
            registrations:
              - name: stamp-a
                subscriptionId: {Sub}
                resourceGroup: azurestack
                tenants: &shared
                  - tenantId: {T1}
                    customerSubscriptionId: {S1}
            """);
        var b = Write("b.yaml", $"""
            registrations:
              - name: stamp-b
                subscriptionId: {Sub}
                resourceGroup: azurestack
                tenants: *shared
            """);

        // Act
        var diagnostics = Errors(() => DesiredStateLoader.LoadAll([a, b]));

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.YamlSyntax, new SourceLocation(b, 5, 14)), (d.Code, d.Location));
        Assert.Contains($"'*shared' refers to an anchor that is defined only in another file, at {a}:5:14", d.Message, StringComparison.Ordinal);
        Assert.Contains("anchors and aliases do not cross files", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadAll_AliasToAnAnchorNowhere_KeepsTheOneFileMessage()
    {
        // Arrange
        var a = Write("a.yaml", Yaml("stamp-a"));
        var b = Write("b.yaml", Yaml("stamp-b").Replace($"tenantId: {T1}", "tenantId: *nowhere", StringComparison.Ordinal));

        // Act
        var diagnostics = Errors(() => DesiredStateLoader.LoadAll([a, b]));

        // Assert
        var d = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticCodes.YamlSyntax, d.Code);
        Assert.Contains("refers to an anchor that is not defined before it", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HashOf_SetOfFiles_IgnoresOrderAndChangesWithAFileAddedOrEdited()
    {
        // Arrange
        DesiredSourceFile a = new("a.yaml", "sha256:aa"), b = new("b.yaml", "sha256:bb"), c = new("c.yaml", "sha256:cc");

        // Act
        var ab = DesiredSet.HashOf([a, b]);

        // Assert
        Assert.Equal(ab, DesiredSet.HashOf([b, a]));
        Assert.NotEqual(ab, DesiredSet.HashOf([a, b, c]));
        Assert.NotEqual(ab, DesiredSet.HashOf([a, b with { Sha256 = "sha256:b2" }]));
        Assert.Equal("sha256:aa", DesiredSet.HashOf([a]));
        Assert.StartsWith("sha256:", ab, StringComparison.Ordinal);
    }

    [Fact]
    public void TryHash_DirectoryGainsAFile_HashChanges()
    {
        // Arrange
        var dir = Directory.CreateDirectory(Path.Combine(_temp.Path, "desired")).FullName;
        File.WriteAllText(Path.Combine(dir, "a.yaml"), Yaml("stamp-a"));
        var before = DesiredSet.TryHash([dir]);

        // Act
        File.WriteAllText(Path.Combine(dir, "b.yaml"), Yaml("stamp-b"));
        var after = DesiredSet.TryHash([dir]);

        // Assert
        Assert.NotNull(before);
        Assert.NotEqual(before, after);
        Assert.Equal(DesiredStateLoader.LoadAll([dir]).Sha256, after);
    }
}
