namespace TenantReconciler.Smoke;

/// <summary>The repository this program was built from (its tenants.yaml and examples/ are the suite's inputs).</summary>
internal sealed class Repository(string root)
{
    public string Root { get; } = root;

    public string File(string relative) => Path.Combine(Root, relative);

    /// <summary>The folder holding TenantReconciler.sln above this program's own folder, or null.</summary>
    public static Repository? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "TenantReconciler.sln")))
            {
                return new Repository(dir.FullName);
            }
        }

        return null;
    }
}
