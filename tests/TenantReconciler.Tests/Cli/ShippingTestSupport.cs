namespace TenantReconciler.Tests.Cli;

/// <summary>
/// The tests that build what ships (<c>dotnet pack</c>, <c>dotnet tool install</c>, <c>dotnet publish</c>): slow, and
/// all writing the CLI's Release build folders, so they run one at a time, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ShippingCollection
{
    public const string Name = "Shipping (pack, install, publish)";
}

/// <summary>What the shipping tests check a version against.</summary>
public static partial class Shipping
{
    /// <summary>SemVer 2.0, as semver.org gives it.</summary>
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")]
    public static partial Regex SemVer();
}
