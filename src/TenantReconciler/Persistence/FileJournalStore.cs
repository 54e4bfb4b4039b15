namespace TenantReconciler.Persistence;

/// <summary>The journal in a local JSON-lines file: safe with several writers on this machine (see <see cref="LockedFile"/>).</summary>
public sealed class FileJournalStore : JournalStore
{
    public FileJournalStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    public string Path { get; }

    /// <summary>How long a write waits while another writer holds the file's lock before it fails.</summary>
    public TimeSpan LockWait { get; init; } = LockedFile.DefaultWait;

    public override string Describe() => Path;

    public override Task<IApplyJournal> OpenAsync(JournalOpenOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Task.FromResult<IApplyJournal>(FileApplyJournal.Open(Path, options.Endpoint, null, options.Time, LockWait));
    }

    public override async Task IssuePlanAsync(Guid planId, string contentHash, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var entry = ApplyJournal.IssueEntry(planId, contentHash, time.GetUtcNow());
        FileApplyJournal.CreateFolder(Path);
        await using var stream = await LockedFile.OpenExclusiveAsync(Path, LockWait, cancellationToken);
        FileApplyJournal.Append(stream, entry);
    }

    public override Task<JournalContents> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(JournalReader.Read(Path));
}

/// <summary>
/// One apply's entries in the local journal file. Every entry, and a plan's claim with the check before it, is written
/// under an exclusive lock on the file, at its end, and flushed to the OS before the call returns: another writer's
/// lines never interleave with ours, and a killed process leaves at most a partial last line, which the next writer
/// ends and <see cref="JournalReader"/> counts as skipped. The file is open only while a line is written.
/// </summary>
public sealed class FileApplyJournal : ApplyJournal
{
    private readonly TimeSpan _lockWait;

    private FileApplyJournal(string path, string? endpoint, Guid? planId, TimeProvider time, TimeSpan lockWait)
        : base(endpoint, planId, time)
    {
        Path = path;
        _lockWait = lockWait;
    }

    public string Path { get; }

    /// <summary>Nothing is held between lines.</summary>
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    internal static FileApplyJournal Open(string path, string? endpoint, Guid? planId, TimeProvider time, TimeSpan lockWait)
    {
        CreateFolder(path);

        // Fail now, before any request, if the file cannot be created or written.
        using (LockedFile.OpenExclusive(path, lockWait))
        {
        }

        return new FileApplyJournal(path, endpoint, planId, time, lockWait);
    }

    private protected override async Task AppendAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        await using var stream = await LockedFile.OpenExclusiveAsync(Path, _lockWait, cancellationToken);
        Append(stream, entry);
    }

    /// <summary>The journal's folder, created when missing.</summary>
    internal static void CreateFolder(string path)
    {
        AtomicFile.RefuseLinks(path, "the apply journal");
        try
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ReconcilerException($"cannot open the apply journal {path}: {e.Message}", e);
        }
    }

    private protected override async Task ClaimAsync(JournalEntry claim, CancellationToken cancellationToken)
    {
        await using var stream = await LockedFile.OpenExclusiveAsync(Path, _lockWait, cancellationToken);
        var contents = JournalReader.Parse(stream);
        CheckIssued(claim, contents.IssueOf(claim.PlanId!.Value), Path);
        var previous = contents.ApplyOfPlan(claim.PlanId!.Value);
        if (previous is not null)
        {
            throw AlreadyApplied(claim.PlanId.Value, previous, Path);
        }

        Append(stream, claim);
    }

    /// <summary>Writes the line at the end, after ending a partial last line a killed writer may have left.</summary>
    internal static void Append(FileStream stream, JournalEntry entry)
    {
        var line = JournalReader.ToLine(entry);
        if (stream.Length > 0)
        {
            stream.Seek(-1, SeekOrigin.End);
            if (stream.ReadByte() != '\n')
            {
                stream.Write("\n"u8);
            }
        }

        stream.Seek(0, SeekOrigin.End);
        stream.Write(line);
        stream.Flush();
    }
}
