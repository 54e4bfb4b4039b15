using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TenantReconciler.Emulator;

/// <summary>The failures the emulator injects, as counted by <see cref="ArmEmulator.InjectedFaults"/>.</summary>
public enum FaultKind
{
    /// <summary>429 <c>TooManyRequests</c>.</summary>
    Throttle,

    /// <summary>500 <c>InternalServerError</c>.</summary>
    ServerError,

    /// <summary>503 <c>ServiceUnavailable</c>.</summary>
    Unavailable,

    /// <summary>The connection aborted before the handler ran: nothing was applied.</summary>
    DropBeforeCommit,

    /// <summary>The handler ran (a write is applied and persisted), then the connection aborted without a response.</summary>
    DropAfterCommit,

    /// <summary>A listing page answered 200 with an empty body and no nextLink (<see cref="FaultRule.EmptyPage"/>).</summary>
    EmptyPage,
}

/// <summary>The operations a <see cref="FaultRule"/> can target.</summary>
public enum FaultOperation
{
    /// <summary>GET of the customerSubscriptions collection (every page).</summary>
    List,

    /// <summary>GET of one customerSubscriptions resource.</summary>
    Get,

    /// <summary>PUT of one customerSubscriptions resource.</summary>
    Put,

    /// <summary>DELETE of one customerSubscriptions resource.</summary>
    Delete,
}

/// <summary>
/// What to do to the requests of one operation. The decisions are taken in this order, each with its own draw, the
/// first hit winning: latency, then <see cref="ThrottleRate"/>, <see cref="ServerErrorRate"/>,
/// <see cref="UnavailableRate"/>, <see cref="DropBeforeCommitRate"/>, <see cref="DropAfterCommitRate"/>. A later
/// rate therefore applies to the requests the earlier ones let through.
/// </summary>
public sealed record FaultRule
{
    /// <summary>Fraction (0..1) of requests answered 429 <c>TooManyRequests</c>.</summary>
    public double ThrottleRate { get; init; }

    /// <summary>Fraction (0..1) answered 500 <c>InternalServerError</c>.</summary>
    public double ServerErrorRate { get; init; }

    /// <summary>Fraction (0..1) answered 503 <c>ServiceUnavailable</c>.</summary>
    public double UnavailableRate { get; init; }

    /// <summary>Fraction (0..1) whose connection is aborted before the request is handled.</summary>
    public double DropBeforeCommitRate { get; init; }

    /// <summary>Fraction (0..1) handled (a write applied and persisted) whose connection is then aborted without a response.</summary>
    public double DropAfterCommitRate { get; init; }

    /// <summary>
    /// The <c>Retry-After</c> value sent verbatim with 429 and 503: seconds (<c>"2"</c>) or an HTTP date. Without it
    /// and without <see cref="RetryAfterSeconds"/>, no <c>Retry-After</c> is sent.
    /// </summary>
    [JsonConverter(typeof(StringOrNumberConverter))]
    public string? RetryAfter { get; init; }

    /// <summary><c>Retry-After</c> in seconds, sent as a number or, with <see cref="RetryAfterAsHttpDate"/>, as now + seconds in HTTP-date form.</summary>
    public int? RetryAfterSeconds { get; init; }

    public bool RetryAfterAsHttpDate { get; init; }

    /// <summary>Delay before the request is handled, on <see cref="EmulatorOptions.TimeProvider"/> (real time by default).</summary>
    public int LatencyMs { get; init; }

    /// <summary>A uniformly drawn extra 0..<see cref="LatencyJitterMs"/> ms on top of <see cref="LatencyMs"/>.</summary>
    public int LatencyJitterMs { get; init; }

    /// <summary>
    /// Listings only: the rule applies from this 1-based page on (2: every page reached through a nextLink). Null,
    /// the default, is 1: every page.
    /// </summary>
    public int? FromPage { get; init; }

    /// <summary>
    /// Listings only (the <c>list</c> rule): the 1-based page answered 200 with an empty body and no <c>nextLink</c>, as
    /// a listing truncated on the way looks. Page 1 is the product document's "no tenants"; a later page loses the rest
    /// of the listing. Applied before every other decision of the rule, and regardless of <see cref="FromPage"/>.
    /// </summary>
    public int? EmptyPage { get; init; }

    /// <summary>The <c>Retry-After</c> header value at <paramref name="now"/>, or null for none.</summary>
    internal string? RetryAfterHeader(DateTimeOffset now) =>
        RetryAfter
        ?? (RetryAfterSeconds is not { } seconds ? null
            : RetryAfterAsHttpDate ? now.AddSeconds(seconds).ToUniversalTime().ToString("R", CultureInfo.InvariantCulture)
            : seconds.ToString(CultureInfo.InvariantCulture));

    internal IEnumerable<string> Problems(string name)
    {
        foreach (var (field, rate) in new[]
        {
            ("throttleRate", ThrottleRate),
            ("serverErrorRate", ServerErrorRate),
            ("unavailableRate", UnavailableRate),
            ("dropBeforeCommitRate", DropBeforeCommitRate),
            ("dropAfterCommitRate", DropAfterCommitRate),
        })
        {
            if (!(rate is >= 0 and <= 1))
            {
                yield return $"{name}.{field} must be between 0 and 1, not {rate.ToString(CultureInfo.InvariantCulture)}.";
            }
        }

        if (LatencyMs < 0 || LatencyJitterMs < 0)
        {
            yield return $"{name}.latencyMs and {name}.latencyJitterMs must not be negative.";
        }

        if (FromPage is < 1)
        {
            yield return $"{name}.fromPage must be at least 1.";
        }

        if (EmptyPage is < 1)
        {
            yield return $"{name}.emptyPage must be at least 1.";
        }

        if (EmptyPage is not null && name != "list")
        {
            yield return $"{name}.emptyPage applies to listings only: give it in the 'list' rule.";
        }

        if (RetryAfter is not null && RetryAfterSeconds is not null)
        {
            yield return $"{name}: give retryAfter or retryAfterSeconds, not both.";
        }

        if (RetryAfter is not null && (RetryAfter.Trim().Length == 0 || RetryAfter.Any(char.IsControl)))
        {
            yield return $"{name}.retryAfter must be a non-empty header value.";
        }

        if (RetryAfterSeconds < 0)
        {
            yield return $"{name}.retryAfterSeconds must not be negative.";
        }

        if (RetryAfterAsHttpDate && RetryAfterSeconds is null)
        {
            yield return $"{name}.retryAfterAsHttpDate needs retryAfterSeconds.";
        }
    }
}

/// <summary>
/// Fault injection for the customerSubscriptions routes (see docs/emulator.md): a rule per operation, with
/// <see cref="All"/> for the operations that have none (an operation's rule replaces <see cref="All"/> entirely).
/// Every decision comes from one <see cref="Random"/> seeded with <see cref="Seed"/>, so a run of sequential
/// requests replays exactly.
/// </summary>
public sealed record FaultProfile
{
    /// <summary>Null picks a seed at start; <see cref="ArmEmulator.FaultSeed"/> tells which, to replay a run.</summary>
    public int? Seed { get; init; }

    public FaultRule? All { get; init; }

    public FaultRule? List { get; init; }

    public FaultRule? Get { get; init; }

    public FaultRule? Put { get; init; }

    public FaultRule? Delete { get; init; }

    /// <summary>The rule <paramref name="operation"/> follows: its own, else <see cref="All"/>, else none.</summary>
    public FaultRule? RuleFor(FaultOperation operation) => operation switch
    {
        FaultOperation.List => List,
        FaultOperation.Get => Get,
        FaultOperation.Put => Put,
        _ => Delete,
    } ?? All;

    /// <summary>This profile with <paramref name="operation"/>'s rule (or the <see cref="All"/> rule it falls back to) delayed by <paramref name="latencyMs"/>.</summary>
    public FaultProfile WithLatency(FaultOperation operation, int latencyMs)
    {
        var rule = (RuleFor(operation) ?? new FaultRule()) with { LatencyMs = latencyMs };
        return operation switch
        {
            FaultOperation.List => this with { List = rule },
            FaultOperation.Get => this with { Get = rule },
            FaultOperation.Put => this with { Put = rule },
            _ => this with { Delete = rule },
        };
    }

    /// <summary>Reads a profile file (camelCase JSON, comments and trailing commas allowed, unknown properties refused).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid profile.</exception>
    public static FaultProfile Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        try
        {
            return Parse(File.ReadAllText(fullPath));
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"The fault profile '{fullPath}' is not valid: {exception.Message}", exception);
        }
    }

    /// <exception cref="InvalidDataException">The text is not a valid profile.</exception>
    public static FaultProfile Parse(string json)
    {
        FaultProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, FaultProfileJsonContext.Default.FaultProfile);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException(exception.Message, exception);
        }

        if (profile is null)
        {
            throw new InvalidDataException("The profile is null.");
        }

        var problems = profile.Problems().ToList();
        return problems.Count == 0 ? profile : throw new InvalidDataException(string.Join(" ", problems));
    }

    /// <summary>Every problem with the profile's values, empty when it is valid.</summary>
    public IEnumerable<string> Problems() =>
        new[] { ("all", All), ("list", List), ("get", Get), ("put", Put), ("delete", Delete) }
            .Where(r => r.Item2 is not null)
            .SelectMany(r => r.Item2!.Problems(r.Item1));
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(FaultProfile))]
internal sealed partial class FaultProfileJsonContext : JsonSerializerContext;

/// <summary>Reads <c>"retryAfter": 2</c> as <c>"2"</c>: both spellings are natural in a hand-written file.</summary>
internal sealed class StringOrNumberConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        _ => throw new JsonException("retryAfter must be a string or a number of seconds."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
