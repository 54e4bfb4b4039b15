namespace TenantReconciler.Tests.Aot;

/// <summary>
/// The native build stays possible by construction: every project under src/ builds with the trim, AOT and
/// single-file analyzers, their warnings are errors, and nothing in src/ turns them off. A call that needs reflection
/// or runtime code generation therefore fails the build, not a user of the native binary.
/// </summary>
[Collection(ShippingCollection.Name)]
public sealed partial class AotAnalyzerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Build_ASrcProjectWithReflectionBasedJson_FailsWithTheAotAndTrimErrors()
    {
        // Arrange: a project with src/'s settings (src/Directory.Build.props and the central package versions) that
        // makes the two calls the tool once made: reflection-based JsonSerializer and the non-generic enum converter.
        _temp.Write("Directory.Build.props", $"""
            <Project>
              <PropertyGroup>
                <DirectoryPackagesPropsPath>{RepoFiles.Path("Directory.Packages.props")}</DirectoryPackagesPropsPath>
              </PropertyGroup>
              <Import Project="{RepoFiles.Path("src/Directory.Build.props")}" />
            </Project>
            """);
        _temp.Write("Canary.csproj", """<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Library</OutputType></PropertyGroup></Project>""");
        _temp.Write("Canary.cs", """
            using System.Text.Json;
            using System.Text.Json.Serialization;

            namespace Canary;

            public static class Json
            {
                public static string Write(object value) => JsonSerializer.Serialize(value);

                public static JsonSerializerOptions Options() => new() { Converters = { new JsonStringEnumConverter() } };
            }
            """);

        // Act
        var build = await ChildProcess.DotnetAsync(_temp.Path, "build", "Canary.csproj", "--disable-build-servers", "-nologo", "-clp:NoSummary");

        // Assert: it fails, on exactly these analyzer errors (so the setup itself is sound).
        Assert.NotEqual(0, build.ExitCode);
        var errors = ErrorCode().Matches(build.Stdout + build.Stderr).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.True(errors.SetEquals(["IL2026", "IL3050"]), string.Join(", ", errors) + "\n" + build);
    }

    [Fact]
    public void SrcProjects_NoneOverridesTheAnalyzersOrSilencesTheirWarnings()
    {
        // Arrange
        var projects = Directory.GetFiles(RepoFiles.Path("src"), "*.csproj", SearchOption.AllDirectories);
        var sources = Directory.GetFiles(RepoFiles.Path("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var props = File.ReadAllText(RepoFiles.Path("src/Directory.Build.props"));

        // Act
        var projectOverrides = projects.Where(p => ProjectOverride().IsMatch(File.ReadAllText(p))).ToArray();
        var sourceSuppressions = sources.Where(s => SourceSuppression().IsMatch(File.ReadAllText(s))).ToArray();

        // Assert
        Assert.Equal(3, projects.Length);
        Assert.Contains("<IsAotCompatible>true</IsAotCompatible>", props, StringComparison.Ordinal);
        Assert.Contains("<EnableSingleFileAnalyzer>true</EnableSingleFileAnalyzer>", props, StringComparison.Ordinal);
        Assert.Contains("<IlcTreatWarningsAsErrors>true</IlcTreatWarningsAsErrors>", props, StringComparison.Ordinal);
        Assert.Empty(projectOverrides);
        Assert.Empty(sourceSuppressions);
    }

    [GeneratedRegex(@"error (IL\d{4}|CS\d{4}|NU\d{4}|NETSDK\d{4}|MSB\d{4})")]
    private static partial Regex ErrorCode();

    /// <summary>A project that turns an analyzer off, or lets its warnings through or silences them.</summary>
    [GeneratedRegex(@"IsAotCompatible|IsTrimmable|Enable(Trim|Aot|SingleFile)Analyzer|TreatWarningsAsErrors|TrimmerSingleWarn|SuppressTrimAnalysisWarnings|(NoWarn|WarningsNotAsErrors)>[^<]*IL[23]")]
    private static partial Regex ProjectOverride();

    /// <summary>Source that silences an analyzer, or reaches for what it cannot see (dynamic, Reflection.Emit).</summary>
    [GeneratedRegex(@"#pragma warning disable IL[23]|UnconditionalSuppressMessage|RequiresUnreferencedCode|RequiresDynamicCode|DynamicDependency|System\.Reflection\.Emit|\bdynamic\s+\w")]
    private static partial Regex SourceSuppression();
}
