namespace TenantReconciler.Tests.Cli;

/// <summary>A scratch folder, deleted after the test.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("tenant-reconciler-tests-").FullName;
    }

    private TempDirectory(string path)
    {
        Path = Directory.CreateDirectory(path).FullName;
    }

    /// <summary>
    /// A scratch folder below the working directory, where a pull request's checkout is: the tool judges the links of
    /// the folders it writes in there, and not above it.
    /// </summary>
    public static TempDirectory InWorkingDirectory() =>
        new(System.IO.Path.Combine(Directory.GetCurrentDirectory(), "checkout-" + Guid.NewGuid().ToString("N")));

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A copy of the repository's <c>examples/emulator-state.json</c> in this folder, for a test that lets the emulator change it.</summary>
    public string CopyOfExampleState(string name) => Write(name, System.IO.File.ReadAllText(RepoFiles.Path("examples/emulator-state.json")));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
