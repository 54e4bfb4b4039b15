using System.Reflection;

namespace TenantReconciler.Schema;

/// <summary>
/// The JSON Schema (draft 2020-12) of tenants.yaml. The text is <c>schema/tenants.schema.json</c> of the repository,
/// embedded in this assembly, so the tool prints exactly the schema that editors load from the repository.
/// </summary>
public static class TenantsSchema
{
    /// <summary>Where the schema is in the repository, relative to its root.</summary>
    public const string RepositoryPath = "schema/tenants.schema.json";

    /// <summary>The name of the embedded resource.</summary>
    public const string ResourceName = "TenantReconciler.Schema.tenants.schema.json";

    private static readonly Lazy<string> LazyText = new(Load);

    /// <summary>The schema, as UTF-8 text without a BOM, ending with a newline.</summary>
    public static string Text => LazyText.Value;

    /// <summary>
    /// The first line of a tenants.yaml that editors with the YAML language server (VS Code's YAML extension, and
    /// others) use to validate and complete the file. <paramref name="schemaLocation"/> is a path relative to the YAML
    /// file, or a URL; the default suits a tenants.yaml at the root of a checkout of this repository.
    /// </summary>
    public static string Modeline(string schemaLocation = "./" + RepositoryPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schemaLocation);
        return "# yaml-language-server: $schema=" + schemaLocation;
    }

    /// <summary>
    /// The schema's file name beside a tenants.yaml outside this repository (<c>tenant-reconciler schema &gt; tenants.schema.json</c>):
    /// what <c>import</c>'s modeline points at, so the file it writes works wherever it is put.
    /// </summary>
    public const string BesideFileName = "tenants.schema.json";

    /// <summary>The modeline of a tenants.yaml with the schema beside it (<see cref="BesideFileName"/>), as <c>import</c> writes it.</summary>
    public static string BesideModeline() => Modeline("./" + BesideFileName);

    private static string Load()
    {
        using var stream = typeof(TenantsSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(TenantsSchema).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        var text = reader.ReadToEnd();
        return text.EndsWith('\n') ? text : text + "\n";
    }
}
