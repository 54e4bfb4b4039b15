using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Applying;

/// <summary>One line of the apply journal (JSON lines).</summary>
public sealed record JournalEntry
{
    public const string ApplyStarted = "apply-started";
    public const string RequestStarted = "request-started";
    public const string RequestFinished = "request-finished";
    public const string ApplyFinished = "apply-finished";

    public required string Type { get; init; }

    public required Guid ApplyId { get; init; }

    public Guid? PlanId { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>The registration's resource id.</summary>
    public string? Registration { get; init; }

    public string? Operation { get; init; }

    public ChangeAction? Action { get; init; }

    /// <summary>The customer subscription this request wrote.</summary>
    public Guid? CustomerSubscriptionId { get; init; }

    /// <summary>The tenant mapped to <see cref="CustomerSubscriptionId"/> before the request (null: no mapping).</summary>
    public Guid? PreviousTenantId { get; init; }

    /// <summary>The tenant mapped to <see cref="CustomerSubscriptionId"/> after the request (null: no mapping).</summary>
    public Guid? NewTenantId { get; init; }

    /// <summary>started, done or failed.</summary>
    public string? Result { get; init; }

    public string? RequestId { get; init; }

    public string? ErrorCode { get; init; }

    public string? Error { get; init; }

    public int? Done { get; init; }

    public int? Failed { get; init; }

    public int? NotAttempted { get; init; }
}

/// <summary>
/// Appends every request of an apply to a JSON-lines file, before it is sent and after it finished, each line flushed
/// as it is written: a killed process leaves at most a partial last line, which <see cref="JournalReader"/> skips.
/// It records changes and request ids only: never a token or a header.
/// </summary>
public sealed class ApplyJournal : IApplyObserver, IDisposable
{
    private readonly FileStream _stream;
    private readonly TimeProvider _time;
    private readonly object _gate = new();

    private ApplyJournal(FileStream stream, Guid applyId, Guid? planId, TimeProvider time)
    {
        _stream = stream;
        ApplyId = applyId;
        PlanId = planId;
        _time = time;
    }

    public Guid ApplyId { get; }

    public Guid? PlanId { get; }

    public string Path => _stream.Name;

    public static ApplyJournal Open(string path, Guid? planId, TimeProvider time)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReconcilerException($"cannot open the apply journal {path}: {e.Message}", e);
        }

        var journal = new ApplyJournal(stream, Guid.NewGuid(), planId, time);

        // A previous run killed mid-line left a partial line: start on a fresh one so this run's entries stay readable.
        if (stream.Length > 0)
        {
            journal.WriteRaw("\n"u8);
        }

        return journal;
    }

    public void Started(Plan plan) => Write(new JournalEntry
    {
        Type = JournalEntry.ApplyStarted,
        ApplyId = ApplyId,
        PlanId = PlanId,
        Time = _time.GetUtcNow(),
        Done = 0,
        Failed = 0,
        NotAttempted = plan.Registrations.Sum(r => r.PendingChanges.Count()),
    });

    public void Finished(ApplyResult result) => Write(new JournalEntry
    {
        Type = JournalEntry.ApplyFinished,
        ApplyId = ApplyId,
        PlanId = PlanId,
        Time = _time.GetUtcNow(),
        Done = result.Count(ChangeOutcome.Done),
        Failed = result.Count(ChangeOutcome.Failed),
        NotAttempted = result.Count(ChangeOutcome.NotAttempted),
    });

    public ValueTask OnStartingAsync(RegistrationRef registration, PlannedOperation operation, CancellationToken cancellationToken)
    {
        Write(Entry(JournalEntry.RequestStarted, registration, operation, "started"));
        return ValueTask.CompletedTask;
    }

    public ValueTask OnCompletedAsync(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error, CancellationToken cancellationToken)
    {
        Write(Entry(JournalEntry.RequestFinished, registration, operation, error is null ? "done" : "failed") with
        {
            RequestId = result?.RequestId ?? error?.RequestId,
            ErrorCode = error?.ErrorCode,
            Error = error?.Message,
        });
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _stream.Dispose();

    private JournalEntry Entry(string type, RegistrationRef registration, PlannedOperation operation, string result)
    {
        var change = operation.Change;
        var (subscription, previous, next) = operation.Kind switch
        {
            OperationKind.Put => (change.CustomerSubscriptionId, change.PreviousTenantId, change.TenantId),
            _ when change.IsMove => (change.MovedFromSubscriptionId!.Value, change.TenantId, (Guid?)null),
            _ => (change.CustomerSubscriptionId, change.PreviousTenantId, (Guid?)null),
        };

        return new JournalEntry
        {
            Type = type,
            ApplyId = ApplyId,
            PlanId = PlanId,
            Time = _time.GetUtcNow(),
            Registration = registration.Id.ToString(),
            Operation = operation.Kind == OperationKind.Put ? "PUT" : "DELETE",
            Action = change.Action,
            CustomerSubscriptionId = subscription,
            PreviousTenantId = previous,
            NewTenantId = next,
            Result = result,
        };
    }

    private void Write(JournalEntry entry)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, JournalReader.SerializerOptions);
        lock (_gate)
        {
            var buffer = new byte[line.Length + 1];
            line.CopyTo(buffer, 0);
            buffer[^1] = (byte)'\n';
            _stream.Write(buffer);
            _stream.Flush();
        }
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            _stream.Write(bytes);
            _stream.Flush();
        }
    }
}

/// <summary>Reads a journal, tolerating the partial or corrupt lines a killed process may leave.</summary>
public static class JournalReader
{
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static JournalContents Read(string path)
    {
        if (!File.Exists(path))
        {
            return new JournalContents([], 0);
        }

        var entries = new List<JournalEntry>();
        var skipped = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize<JournalEntry>(line, SerializerOptions) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
                skipped++;
            }
        }

        return new JournalContents(entries, skipped);
    }
}

/// <summary>The readable entries of a journal, in file order, and how many lines could not be read.</summary>
public sealed record JournalContents(IReadOnlyList<JournalEntry> Entries, int SkippedLines)
{
    /// <summary>The start entry of the apply that used <paramref name="planId"/>, if any: a plan is applied at most once.</summary>
    public JournalEntry? ApplyOfPlan(Guid planId) =>
        Entries.FirstOrDefault(e => e.Type == JournalEntry.ApplyStarted && e.PlanId == planId);

    /// <summary>The successful writes of the last apply that made any, in order.</summary>
    public IReadOnlyList<JournalEntry> LastApplyWrites()
    {
        var last = Entries.LastOrDefault(e => e.Type == JournalEntry.RequestFinished && e.Result == "done");
        return last is null
            ? []
            : Entries.Where(e => e.ApplyId == last.ApplyId && e.Type == JournalEntry.RequestFinished && e.Result == "done").ToArray();
    }
}
