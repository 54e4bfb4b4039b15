using System.Security.Cryptography;
using YamlDotNet.Core;

namespace TenantReconciler.Tests.Desired;

/// <summary>Input that once crashed the loader or could exhaust it: parser crashes, huge files, alias bombs, the all-zero GUID.</summary>
public sealed class DesiredStateLimitsTests : IDisposable
{
    private const string File = "tenants.yaml";
    private const string Sub = "5c17413c-1135-479b-a046-847e1ef9fbeb";
    private const string T1 = "11111111-1111-1111-1111-111111111111";
    private const string S1 = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa";
    private const string Zero = "00000000-0000-0000-0000-000000000000";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("desired-limits-");

    public void Dispose() => _dir.Delete(recursive: true);

    // ---- exceptions out of YamlDotNet's scanner and parser ----

    [Fact]
    public void Parse_UnclosedFlowSequenceBeforeAnotherKey_ReportsYamlSyntaxAtTheLastMarkRead()
    {
        // Arrange: YamlDotNet's scanner throws InvalidOperationException here, not a YamlException.
        var yaml = Tenant("[unclosed");

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert: at the "[" (the end of the last event the parser produced); nothing else is reported.
        var d = AssertSingle(diagnostics, DiagnosticCodes.YamlSyntax, 6, 19);
        Assert.Contains("unclosed '['", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a: {b: c\nd: e\n", 1, 6)] // InvalidOperationException from the scanner
    [InlineData("name: !!st] r\n", 1, 5)] // ArgumentException: "Global tags must be valid URIs"
    [InlineData("a: !<> x\n", 1, 2)] // ArgumentException: "Tag value must not be empty"
    public void Parse_InputThatCrashesYamlDotNet_ReportsYamlSyntaxAtTheLastMarkRead(string yaml, int line, int column)
    {
        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.YamlSyntax, line, column);
        Assert.StartsWith("Invalid YAML: the parser stopped at or just after this point", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_InputThatCrashesYamlDotNet_ExitsOneWithFileLineColumnAndNoStackTrace()
    {
        // Arrange
        var path = Write("crash.yaml", Tenant("[unclosed"));

        // Act
        var result = await CliRunner.RunAsync("validate", "-f", path);

        // Assert
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{path}:6:19: error {DiagnosticCodes.YamlSyntax}:", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }

    // ---- the file-size cap ----

    [Fact]
    public void Load_FileOverTheCap_ReportsFileTooLargeWithoutReadingIt()
    {
        // Arrange: a sparse file, one byte over 64 MiB (takes no disk space; deleted with the folder).
        var path = Path.Combine(_dir.FullName, "huge.yaml");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.SetLength(DesiredStateLoader.MaxFileBytes + 1);
        }

        // Act
        var ex = Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Load(path));

        // Assert
        var d = AssertSingle(ex.Diagnostics, DiagnosticCodes.FileTooLarge, 1, 1);
        Assert.Equal(path, d.Location.File);
        Assert.Contains("is 67,108,865 bytes: the limit is 64 MiB (67,108,864 bytes)", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ValidFile_Sha256IsTheHashOfTheFileBytes()
    {
        // Arrange: with a BOM, which is parsed past but hashed.
        var path = Write("tenants.yaml", Tenant(T1), bom: true);

        // Act
        var state = DesiredStateLoader.Load(path);

        // Assert
        var expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.IO.File.ReadAllBytes(path)));
        Assert.Equal(expected, state.Sha256);
        Assert.Single(state.Registrations[0].Tenants);
    }

    // ---- the budget for anchor recording and alias replay ----

    [Fact]
    public void Parse_AnchorsNestedInAnchors_AreRefusedAtTheAnchorThatRecords()
    {
        // Arrange: 900 nested anchored lists, then scalars: each scalar is recorded 900 times.
        const int depth = 900;
        var sb = new StringBuilder("registrations: ");
        for (var i = 0; i < depth; i++)
        {
            sb.Append("&a").Append(i).Append(" [");
        }

        sb.Append(string.Join(", ", Enumerable.Repeat("x", 5_000)));
        sb.Append(new string(']', depth)).Append('\n');

        // Act
        var diagnostics = ParseErrors(sb.ToString());

        // Assert: on line 1, at a scalar inside the innermost anchor.
        var d = Assert.Single(diagnostics);
        Assert.Equal((DiagnosticCodes.YamlSyntax, 1), (d.Code, d.Location.Line));
        Assert.Contains("Nested anchors record far more content than the file holds", d.Message, StringComparison.Ordinal);
        Assert.Contains("the anchor '&a", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasesOfAliases_AreRefusedWhereTheyAreExpanded()
    {
        // Arrange: "billion laughs" through merge keys (the reader expands aliases only where it reads them): each
        // level merges ten aliases of the level before, 10^9 mappings if nothing stopped it.
        var sb = new StringBuilder("l0: &l0 {name: lol}\n");
        for (var i = 1; i < 10; i++)
        {
            sb.Append('l').Append(i).Append(": &l").Append(i).Append(" {<<: [")
                .Append(string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 10))).Append("]}\n");
        }

        sb.Append("registrations: [{<<: *l9}]\n");

        // Act
        var diagnostics = ParseErrors(sb.ToString());

        // Assert: merges are applied at the end of the mapping that has them: the "}" on line 11.
        var d = AssertSingle(diagnostics, DiagnosticCodes.YamlSyntax, 11, 25);
        Assert.Contains("Aliases expand to far more content than the file holds", d.Message, StringComparison.Ordinal);
        Assert.Contains("reached at the alias '*l", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cursor_ExpansionOverTheCeiling_IsRefusedEvenWhenTheFileIsLarge()
    {
        // Arrange: a list of 1,000 scalars aliased 100 times is 100,000 replays, within 1,000,000 + 100 per event
        // parsed but over a ceiling of 50,000 (the real ceiling, 16,000,000, is the same code with a larger number).
        var yaml = "a: &big [" + string.Join(", ", Enumerable.Repeat("x", 1_000)) + "]\nb: [" + string.Join(", ", Enumerable.Repeat("*big", 100)) + "]\n";
        var cursor = new YamlEventCursor(new Parser(new StringReader(yaml)), new ExpansionBudget(ceiling: 50_000));

        // Act
        var ex = Assert.Throws<YamlException>(() =>
        {
            do
            {
                cursor.Next();
            }
            while (cursor.Current is not null);
        });

        // Assert: at an alias on line 2.
        Assert.Equal(2, ex.Start.Line);
        Assert.Contains("over 50,000 events recorded and replayed, reached at the alias '*big'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cursor_SharedTenantListUnderManyRegistrations_StaysWithinTheBudget()
    {
        // Arrange: legitimate reuse, 200 tenants anchored once and aliased in 50 registrations.
        var tenants = string.Join(string.Empty, Enumerable.Range(1, 200).Select(i =>
            $"\n      - {{tenantId: {Guid.NewGuid():D}, customerSubscriptionId: {Guid.NewGuid():D}}}"));
        var sb = new StringBuilder($"registrations:\n  - name: r0\n    subscriptionId: {Sub}\n    resourceGroup: g\n    tenants: &all{tenants}\n");
        for (var i = 1; i < 50; i++)
        {
            sb.Append($"  - name: r{i}\n    subscriptionId: {Sub}\n    resourceGroup: g\n    tenants: *all\n");
        }

        // Act
        var state = DesiredStateLoader.Parse(sb.ToString(), File);

        // Assert
        Assert.Equal(50 * 200, state.Registrations.Sum(r => r.Tenants.Count));
    }

    // ---- the all-zero GUID ----

    [Theory]
    [InlineData("tenantId", 6, 19)]
    [InlineData("customerSubscriptionId", 7, 33)]
    [InlineData("subscriptionId", 3, 21)]
    [InlineData("protect", 10, 5)]
    public void Parse_AllZeroGuid_IsRefusedAtTheValue(string key, int line, int column)
    {
        // Arrange
        var yaml = key switch
        {
            "tenantId" => Tenant(Zero),
            "customerSubscriptionId" => Tenant(T1).Replace(S1, Zero, StringComparison.Ordinal),
            "subscriptionId" => Tenant(T1).Replace(Sub, Zero, StringComparison.Ordinal),
            _ => Tenant(T1) + $"protect:\n  - {T1}\n  - {Zero}\n",
        };

        // Act
        var diagnostics = ParseErrors(yaml);

        // Assert
        var d = AssertSingle(diagnostics, DiagnosticCodes.NilGuid, line, column);
        Assert.Contains($"'{key}' is the all-zero GUID", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AllZeroGuidInBraces_IsRefused()
    {
        // Act
        var diagnostics = ParseErrors(Tenant("\"{" + Zero + "}\""));

        // Assert
        AssertSingle(diagnostics, DiagnosticCodes.NilGuid, 6, 19);
    }

    // ---- helpers ----

    /// <summary>One registration with one tenant; the tenantId value is at line 6, column 19.</summary>
    private static string Tenant(string tenantId) => $"""
        registrations:
          - name: r
            subscriptionId: {Sub}
            resourceGroup: azurestack
            tenants:
              - tenantId: {tenantId}
                customerSubscriptionId: {S1}

        """;

    private string Write(string name, string text, bool bom = false)
    {
        var path = Path.Combine(_dir.FullName, name);
        System.IO.File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: bom));
        return path;
    }

    private static IReadOnlyList<Diagnostic> ParseErrors(string yaml) =>
        Assert.Throws<DesiredStateException>(() => DesiredStateLoader.Parse(yaml, File)).Diagnostics;

    private static Diagnostic AssertSingle(IReadOnlyList<Diagnostic> diagnostics, string code, int line, int column)
    {
        var d = Assert.Single(diagnostics);
        Assert.Equal((code, line, column), (d.Code, d.Location.Line, d.Location.Column));
        return d;
    }
}
