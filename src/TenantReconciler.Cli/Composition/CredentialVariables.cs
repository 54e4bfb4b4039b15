namespace TenantReconciler.Cli.Composition;

/// <summary>Reads the variables a credential needs, and names those that are not set before anything is asked.</summary>
internal static class CredentialVariables
{
    /// <summary>The values of <paramref name="names"/>, or a credential that names the missing ones.</summary>
    public static Dictionary<string, string?> Read(IReadOnlyList<string> names, AuthKind auth, AzureCloud cloud, out UnavailableCredential? missing)
    {
        var values = names.ToDictionary(name => name, ToolEnvironment.Read);
        var absent = values.Where(pair => string.IsNullOrWhiteSpace(pair.Value)).Select(pair => pair.Key).ToArray();
        missing = absent.Length == 0 ? null : NotSet(auth, cloud, absent);
        return values;
    }

    /// <summary>A credential that names the missing ones of <paramref name="names"/> (<c>AZURE_TENANT_ID</c> aside), or null.</summary>
    public static UnavailableCredential? MissingExceptTenant(IReadOnlyList<string> names, AuthKind auth, AzureCloud cloud)
    {
        var absent = names.Where(name => string.IsNullOrWhiteSpace(ToolEnvironment.Read(name)) && name != "AZURE_TENANT_ID").ToArray();
        return absent.Length == 0 ? null : NotSet(auth, cloud, absent);
    }

    /// <summary>A credential that says which of the variables it needs are not set.</summary>
    public static UnavailableCredential NotSet(AuthKind auth, AzureCloud cloud, IReadOnlyCollection<string> absent) =>
        new(auth, cloud, $"{string.Join(", ", absent)} {(absent.Count == 1 ? "is" : "are")} not set");
}
