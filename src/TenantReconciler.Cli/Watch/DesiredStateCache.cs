using TenantReconciler.Desired;

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// The desired state of the last tick, kept while its files' bytes are unchanged: a tick hashes the files (a read, no
/// parse) and parses them again only when the hash differs. The kept state is the one parsed from exactly those bytes,
/// so a file swapped between the hash and a parse can never be planned under the old hash. Ticks never overlap; the
/// lock only makes that explicit.
/// </summary>
public sealed class DesiredStateCache
{
    private readonly Lock _lock = new();
    private DesiredState? _last;

    /// <exception cref="DesiredStateException">The files are missing, unreadable or invalid.</exception>
    public DesiredState Load(IReadOnlyList<string> files)
    {
        lock (_lock)
        {
            if (_last is { Sha256: { } hash } last && string.Equals(DesiredSet.TryHash(files), hash, StringComparison.Ordinal))
            {
                return last;
            }

            _last = null;
            var state = DesiredStateLoader.LoadAll(files);
            _last = state;
            return state;
        }
    }
}
