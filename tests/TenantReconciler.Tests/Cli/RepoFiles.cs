namespace TenantReconciler.Tests.Cli;

/// <summary>Files of the repository itself (tenants.yaml, examples/), found from the test's output folder.</summary>
public static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "TenantReconciler.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("TenantReconciler.sln not found above " + AppContext.BaseDirectory);
    }
}
