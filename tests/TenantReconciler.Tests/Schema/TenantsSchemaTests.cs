extern alias JsonSchemaNet;

using System.CommandLine;
using System.Reflection;
using JsonSchemaNet::Json.Schema;
using TenantReconciler.Cli.Commands;
using TenantReconciler.Schema;

namespace TenantReconciler.Tests.Schema;

/// <summary>The schema of tenants.yaml against the loader, which is the reference: they must agree, or say why not.</summary>
public class TenantsSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(TenantsSchema.Text));

    public static TheoryData<CorpusFile> Agreements => [.. SchemaCorpus.Agreements()];

    public static TheoryData<CorpusFile> AllZeroGuids => [.. SchemaCorpus.AllZeroGuids()];

    public static TheoryData<Disagreement> Disagreements => [.. SchemaCorpus.Disagreements()];

    [Fact]
    public void Corpus_Size_IsAtLeastThirtyFilesBothValidAndInvalid()
    {
        // Arrange
        var corpus = SchemaCorpus.Agreements().ToList();

        // Assert
        Assert.True(corpus.Count >= 30, $"{corpus.Count} files");
        Assert.True(corpus.Count(f => f.Valid) >= 10);
        Assert.True(corpus.Count(f => !f.Valid) >= 20);
        Assert.Equal(corpus.Count, corpus.Select(f => f.Name).Distinct().Count());
        var texts = corpus.Select(f => f.Yaml).Concat(SchemaCorpus.AllZeroGuids().Select(f => f.Yaml)).Concat(SchemaCorpus.Disagreements().Select(d => d.Yaml)).ToList();
        Assert.Equal(texts.Count, texts.Distinct(StringComparer.Ordinal).Count()); // every variation really changed the base file

    }

    [Theory]
    [MemberData(nameof(Agreements))]
    public void Schema_CorpusFile_AgreesWithTheLoader(CorpusFile file)
    {
        // Act
        var loader = LoaderCode(file.Yaml);
        var schema = Validate(file.Yaml, out var errors);

        // Assert
        Assert.Equal(file.LoaderCode, loader);
        Assert.True(schema == (file.Valid ? SchemaVerdict.Valid : SchemaVerdict.Invalid), $"schema: {schema}; {errors}");
    }

    [Theory]
    [MemberData(nameof(AllZeroGuids))]
    public void Schema_AllZeroGuid_IsRefusedLikeTheLoaderRefusesIt(CorpusFile file)
    {
        // Act
        var loader = LoaderCode(file.Yaml);
        var schema = Validate(file.Yaml, out var errors);

        // Assert
        Assert.True(schema == SchemaVerdict.Invalid, errors);
        Assert.Equal(file.LoaderCode, loader);
    }

    [Theory]
    [MemberData(nameof(Disagreements))]
    public void Schema_ExpectedDisagreement_IsExactlyAsListed(Disagreement case_)
    {
        // Act
        var loader = LoaderCode(case_.Yaml);
        var schema = Validate(case_.Yaml, out var errors);

        // Assert: each row of SchemaCorpus.Disagreements says what each side decides, and why they differ.
        Assert.False(string.IsNullOrWhiteSpace(case_.Why));
        Assert.Equal(case_.LoaderCode, loader);
        Assert.True(schema == case_.Schema, $"schema: {schema}; {errors}");
        Assert.True(schema == SchemaVerdict.NoJsonForm || (loader is null) != (schema == SchemaVerdict.Valid), "not a disagreement: move it to the agreements");
    }

    [Fact]
    public void ExampleFiles_EveryDesiredStateFile_HasTheModelineAndValidates()
    {
        // Arrange
        var root = RepositoryRoot();
        var files = Directory.EnumerateFiles(Path.Combine(root, "examples"), "*.y*ml", SearchOption.AllDirectories)
            .Where(IsDesiredState)
            .Prepend(Path.Combine(root, "tenants.yaml"))
            .ToList();

        // Act + Assert
        Assert.All(files, path =>
        {
            var yaml = File.ReadAllText(path);
            var modeline = yaml.Split('\n')[0];
            Assert.StartsWith("# yaml-language-server: $schema=", modeline, StringComparison.Ordinal);
            var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, modeline["# yaml-language-server: $schema=".Length..].Trim()));
            Assert.Equal(Path.Combine(root, "schema", "tenants.schema.json"), target);
            Assert.Null(LoaderCode(yaml));
            Assert.True(Validate(yaml, out var errors) == SchemaVerdict.Valid, $"{path}: {errors}");
        });
    }

    [Fact]
    public void Text_EmbeddedSchema_IsTheRepositoryFileAndDraft202012()
    {
        // Arrange
        var file = File.ReadAllText(Path.Combine(RepositoryRoot(), TenantsSchema.RepositoryPath));

        // Act
        var text = TenantsSchema.Text;

        // Assert
        Assert.Equal(file.TrimEnd('\n') + "\n", text);
        using var document = JsonDocument.Parse(text);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", document.RootElement.GetProperty("$schema").GetString());
    }

    [Fact]
    public void Text_Keys_AreTheLoadersKeysAndValues()
    {
        // Arrange
        using var document = JsonDocument.Parse(TenantsSchema.Text);
        var root = document.RootElement;
        var definitions = root.GetProperty("$defs");

        // Assert
        Assert.Equal(LoaderKeys("TopLevelKeys"), PropertyNames(root));
        Assert.Equal(LoaderKeys("RegistrationKeys", "RegistrationListReader"), PropertyNames(definitions.GetProperty("registration")));
        Assert.Equal(LoaderKeys("TenantKeys", "TenantListReader"), PropertyNames(definitions.GetProperty("tenant")));
        Assert.Equal(LoaderKeys("StampKeys", "StampBlockReader"), PropertyNames(definitions.GetProperty("stamp")));
        Assert.Equal(ApiVersions.Supported, root.GetProperty("properties").GetProperty("apiVersion").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(Enum.GetNames<AzureCloud>(), root.GetProperty("properties").GetProperty("cloud").GetProperty("anyOf")[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Modeline_Default_PointsAtTheSchemaFromTheRepositoryRoot()
    {
        // Act
        var line = TenantsSchema.Modeline();

        // Assert
        Assert.Equal("# yaml-language-server: $schema=./schema/tenants.schema.json", line);
    }

    [Fact]
    public void SchemaCommand_Invoked_PrintsTheSchemaAndReturnsZero()
    {
        // Arrange
        using var output = new StringWriter();
        using var error = new StringWriter();
        var io = new IOContext(output, error, TextReader.Null, IsInteractive: false);
        var root = new RootCommand { SchemaCommand.Create(io) };

        // Act
        var exitCode = root.Parse(["schema"]).Invoke();

        // Assert
        Assert.Equal(0, exitCode);
        Assert.Equal(TenantsSchema.Text, output.ToString());
        Assert.Empty(error.ToString());
    }

    /// <summary>The schema's verdict on <paramref name="yaml"/> as an editor would give it; <paramref name="errors"/> says why.</summary>
    internal static SchemaVerdict Validate(string yaml, out string errors)
    {
        var json = YamlToJson.Convert(yaml, out var problem);
        if (json is null)
        {
            errors = problem!;
            return SchemaVerdict.NoJsonForm;
        }

        var results = Schema.Value.Evaluate(json.Value, new EvaluationOptions { OutputFormat = OutputFormat.List });
        errors = string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
        return results.IsValid ? SchemaVerdict.Valid : SchemaVerdict.Invalid;
    }

    /// <summary>Null if the loader accepts the text, else its first diagnostic code.</summary>
    internal static string? LoaderCode(string yaml)
    {
        try
        {
            DesiredStateLoader.Parse(yaml, "corpus.yaml");
            return null;
        }
        catch (DesiredStateException ex)
        {
            return ex.Diagnostics[0].Code;
        }
    }

    /// <summary>
    /// The loader refuses all-zero GUIDs on the branch that adds the check (feat/loader). Until it is merged here, the
    /// all-zero files are checked on the schema side only; afterwards this returns false and both sides are checked.
    /// </summary>
    private static IEnumerable<string> LoaderKeys(string field, string reader = "DesiredStateReader") =>
        ((string[])typeof(DesiredStateLoader).Assembly.GetType($"TenantReconciler.Desired.{reader}", throwOnError: true)!
            .GetField(field, BindingFlags.NonPublic | BindingFlags.Static)!
            .GetValue(null)!).Order(StringComparer.Ordinal);

    private static IEnumerable<string> PropertyNames(JsonElement schema) =>
        schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);

    /// <summary>Kubernetes manifests (apiVersion and kind) and JSON emulator states are not desired-state files.</summary>
    /// <summary>Not Kubernetes manifests (kind:) nor CI workflows (examples/ci: jobs and stages, not registrations).</summary>
    private static bool IsDesiredState(string path)
    {
        var text = File.ReadAllText(path);
        var ci = path.Replace('\\', '/').Contains("/examples/ci/", StringComparison.Ordinal);
        return !ci && !(text.Contains("\nkind:", StringComparison.Ordinal) || text.StartsWith("kind:", StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Directory.Packages.props")) && File.Exists(Path.Combine(directory.FullName, TenantsSchema.RepositoryPath)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
    }
}
