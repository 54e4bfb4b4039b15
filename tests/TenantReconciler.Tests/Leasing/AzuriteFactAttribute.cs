namespace TenantReconciler.Tests.Leasing;

/// <summary>
/// A fact that needs Azurite. Skipped, with the reason, when Azurite is not to be had (no <c>AZURITE_BLOB_ENDPOINT</c>,
/// and no <c>.ci/node_modules/azurite</c> or no <c>node</c>), unless <c>REQUIRE_AZURITE=1</c> (as in CI): then it runs
/// and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AzuriteFactAttribute : FactAttribute
{
    private string? _skip;

    /// <summary>
    /// The test starts an Azurite of its own (HTTPS with bearer tokens), so an external <c>AZURITE_BLOB_ENDPOINT</c> is
    /// not enough: it needs <c>.ci/node_modules/azurite</c> and <c>node</c>.
    /// </summary>
    public bool Local { get; set; }

    public override string? Skip
    {
        get => _skip ?? (Local ? AzuriteAvailability.LocalSkipReason : AzuriteAvailability.SkipReason);
        set => _skip = value;
    }
}

/// <summary>The cheap, static check behind <see cref="AzuriteFactAttribute"/>: environment variables and files only.</summary>
public static class AzuriteAvailability
{
    public const string EndpointVariable = "AZURITE_BLOB_ENDPOINT";
    public const string RequireVariable = "REQUIRE_AZURITE";

    /// <summary>Set by CI: Azurite must be there, and a test that cannot reach it fails instead of being skipped.</summary>
    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>An Azurite started outside the tests (<c>eval "$(bash .ci/azurite.sh start)"</c>).</summary>
    public static string? ExternalEndpoint =>
        Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } endpoint ? endpoint : null;

    /// <summary>The blob service's entry point installed by <c>npm ci --prefix .ci</c>, if the repository and it are found.</summary>
    public static string? InstalledMainScript { get; } = FindMainScript();

    public static string? NodeExecutable { get; } = FindOnPath("node");

    /// <summary>Why the Azurite tests cannot run here, or null when they can (or must).</summary>
    public static string? SkipReason => Required ? null : UnavailableReason;

    /// <summary>Why the tests cannot reach an Azurite (external or started by them), or null when they can.</summary>
    public static string? UnavailableReason =>
        ExternalEndpoint is null && LocalUnavailableReason is { } local
            ? $"Azurite is not available: {EndpointVariable} is not set and {local}. " +
              $"Run `eval \"$(bash .ci/azurite.sh start)\"` (it installs Azurite and sets {EndpointVariable})"
            : null;

    /// <summary>Why the tests that start an Azurite of their own cannot run here, or null when they can (or must).</summary>
    public static string? LocalSkipReason => Required ? null : LocalUnavailableReason is { } local
        ? $"this test starts an Azurite of its own (HTTPS), and {local}. Run `npm ci --prefix .ci`"
        : null;

    /// <summary>Why the tests cannot start an Azurite of their own, or null when they can.</summary>
    public static string? LocalUnavailableReason =>
        InstalledMainScript is null ? ".ci/node_modules/azurite is not installed"
        : NodeExecutable is null ? "`node` is not on PATH"
        : null;

    private static string? FindMainScript()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TenantReconciler.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            return null;
        }

        var script = Path.Combine(dir.FullName, ".ci", "node_modules", "azurite", "dist", "src", "blob", "main.js");
        return File.Exists(script) ? script : null;
    }

    private static string? FindOnPath(string name)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in OperatingSystem.IsWindows() ? [name + ".exe", name + ".cmd"] : new[] { name })
            {
                var path = Path.Combine(folder, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }
}
