namespace TenantReconciler.Desired;

/// <summary>The validated content of <c>tenants.yaml</c>, or of several desired-state files merged (<see cref="DesiredSet"/>).</summary>
/// <param name="SourcePath">The file as given; for several files, their paths joined with ", " (for messages only).</param>
/// <param name="Protect">Tenants that must never be removed (top-level <c>protect:</c>). Empty when absent.</param>
/// <param name="Suspend">Top-level <c>suspend:</c>: when true, nothing is to be changed.</param>
public sealed record DesiredState(
    string SourcePath,
    AzureCloud Cloud,
    string ApiVersion,
    IReadOnlyList<DesiredRegistration> Registrations,
    IReadOnlyList<Guid>? Protect = null,
    bool Suspend = false)
{
    public IReadOnlyList<Guid> Protect { get; init; } = Protect ?? [];

    /// <summary>
    /// <c>sha256:…</c> of the bytes that were parsed (set by <see cref="DesiredStateLoader.Load"/>; null for text parsed
    /// from memory). For several files it is the hash over the set (<see cref="DesiredSet.HashOf"/>), which for one file
    /// is that file's hash: it is the generation that watch reports (<c>observedGeneration</c>).
    /// </summary>
    public string? Sha256 { get; init; }

    /// <summary>Every file this state was parsed from, in load order, each with the hash of its bytes. Empty for text parsed from memory.</summary>
    public IReadOnlyList<DesiredSourceFile> Sources { get; init; } = [];

    /// <summary>
    /// This state limited to the registrations that <paramref name="names"/> select, as <c>terraform -target</c> limits a
    /// run: a name selects the registrations of that name (ARM names compare case-insensitively), or one registration by
    /// its resource id. <paramref name="unknown"/> holds the names that select none. Everything else (the cloud, the
    /// protected tenants, <c>suspend:</c>, the sources and their hashes) stays as it is.
    /// </summary>
    public DesiredState Only(IReadOnlyCollection<string> names, out IReadOnlyList<string> unknown)
    {
        ArgumentNullException.ThrowIfNull(names);
        unknown = names.Where(n => !Registrations.Any(r => Selects(n, r.Registration))).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        return this with { Registrations = Registrations.Where(r => names.Any(n => Selects(n, r.Registration))).ToArray() };
    }

    private static bool Selects(string name, RegistrationRef registration) =>
        string.Equals(name, registration.Name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name.TrimEnd('/'), registration.Id.ToString(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Where <c>cloud:</c> is set; null when the file omits it (then it is the default).</summary>
    internal SourceLocation? CloudAt { get; init; }

    /// <summary>Where <c>apiVersion:</c> is set; null when the file omits it.</summary>
    internal SourceLocation? ApiVersionAt { get; init; }
}

/// <summary>A desired-state file that was parsed: its path as given (or as found in a directory given) and <c>sha256:…</c> of its bytes.</summary>
public sealed record DesiredSourceFile(string Path, string Sha256);

/// <summary>One registration and the tenants it must map, in file order.</summary>
/// <param name="MaxRemovals">Per-registration <c>maxRemovals:</c>; null when absent.</param>
public sealed record DesiredRegistration(
    RegistrationRef Registration,
    IReadOnlyList<DesiredTenant> Tenants,
    SourceLocation Location,
    int? MaxRemovals = null)
{
    /// <summary>The registration's stamp (<c>stamp:</c>); null when the file names none (then no usage is read).</summary>
    public DesiredStamp? Stamp { get; init; }
}

/// <summary>One desired mapping: customer subscription to tenant. <see cref="Name"/> is a display label only.</summary>
public sealed record DesiredTenant(
    Guid TenantId,
    Guid CustomerSubscriptionId,
    string? Name,
    SourceLocation Location);
