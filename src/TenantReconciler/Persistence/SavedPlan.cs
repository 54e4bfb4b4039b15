using System.Text.Json;
using System.Text.Json.Serialization;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Rendering;

namespace TenantReconciler.Persistence;

/// <summary>
/// A plan written by <c>plan --out</c> (or <c>undo</c>) and checked by <c>apply PLANFILE</c>. It is never executed as
/// written: apply re-derives the plan from its <see cref="Source"/> and a fresh listing and requires the result to be
/// identical to <see cref="Registrations"/>' changes. What it records is what the re-derivation is checked against:
/// the source files' hashes, the <see cref="Target"/> it was made against, and a fingerprint of every listing.
/// It holds no guard setting (those come only from the re-loaded file and the command line) and no secret; the guards'
/// verdicts it records (<see cref="Guards"/>) are what <c>plan</c> showed, for <c>show</c>, and apply never reads them.
/// The file is the plan JSON contract (docs/plan-json.md), written by <see cref="JsonPlanRenderer"/>: what
/// <c>plan -o json</c> prints, with the plan's id and time filled in.
/// </summary>
public sealed record SavedPlan
{
    public const string CurrentFormatVersion = "2.0";

    public required string FormatVersion { get; init; }

    public required string ToolVersion { get; init; }

    /// <summary>Unique per plan; the journal claims it before the first write, and a plan is applied at most once.</summary>
    public required Guid PlanId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required PlanSource Source { get; init; }

    public required PlanTarget Target { get; init; }

    public required IReadOnlyList<SavedRegistration> Registrations { get; init; }

    /// <summary>The guards' verdicts as plan judged them (with the command line plan was given): for reading, never for a decision.</summary>
    public IReadOnlyList<PlanGuard> Guards { get; init; } = [];

    /// <summary>What the JSON states besides the plan and its verdicts.</summary>
    public PlanHeader Header() => new(ToolVersion, Source, Target, Fingerprints()) { PlanId = PlanId, CreatedAt = CreatedAt };

    /// <summary>
    /// The SHA-256 of the plan's canonical content: everything it records but its own <see cref="PlanId"/> (sources,
    /// target, fingerprints, changes, versions and time), as the JSON it is saved as. <c>plan --out</c> records it in the journal
    /// with the id, and apply accepts the plan only when the file it loads hashes to the same: an edited id finds no
    /// issue, edited content another hash. Properties the format does not know are ignored on load, so they change nothing.
    /// </summary>
    public string ContentHash() =>
        Desired.FileHash.Of(JsonSerializer.SerializeToUtf8Bytes(this with { PlanId = Guid.Empty }, SavedPlanJsonContext.Default.SavedPlan));

    /// <summary>The plan as it was reviewed, for the comparison with the re-derived one.</summary>
    public Plan ToPlan() => new(Registrations.Select(r => new RegistrationPlan(r.ToRegistrationRef(), r.Changes)).ToArray());

    /// <summary>The live fingerprint of each registration when the plan was made.</summary>
    public IReadOnlyDictionary<RegistrationRef, string> Fingerprints() =>
        Registrations.ToDictionary(r => r.ToRegistrationRef(), r => r.LiveFingerprint);

    public static SavedPlan Create(
        Plan plan, PlanSource source, PlanTarget target, IReadOnlyList<LiveRegistration> live, string toolVersion, Guid planId, DateTimeOffset createdAt, IReadOnlyList<GuardViolation>? guards = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var liveByRegistration = live.ToDictionary(l => l.Registration);
        return new SavedPlan
        {
            FormatVersion = CurrentFormatVersion,
            ToolVersion = toolVersion,
            PlanId = planId,
            CreatedAt = createdAt,
            Source = source,
            Target = target,
            Guards = (guards ?? []).Select(PlanGuard.Of).ToArray(),
            Registrations = plan.Registrations.Select(r => new SavedRegistration
            {
                Id = r.Registration.Id.ToString(),
                SubscriptionId = r.Registration.SubscriptionId,
                ResourceGroup = r.Registration.ResourceGroup,
                Name = r.Registration.Name,
                LiveFingerprint = LiveFingerprint.Of(liveByRegistration[r.Registration]),
                Changes = r.Changes.ToArray(),
            }).ToArray(),
        };
    }

    /// <summary>Writes the plan through <see cref="AtomicFile"/>, replacing a file there; a link there only with <paramref name="replaceLink"/>.</summary>
    /// <exception cref="ReconcilerException">It cannot be written; nothing was.</exception>
    public void Save(string path, bool replaceLink = false) =>
        AtomicFile.WriteAllText(path, ToJson(), overwrite: true, replaceLink);

    /// <summary>The file's content: the plan JSON contract, every field of this record in it.</summary>
    public string ToJson()
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        JsonPlanRenderer.Render(ToPlan(), Header(), Guards, writer);
        return writer.ToString();
    }

    /// <exception cref="ReconcilerException">The file cannot be read, is not a plan, or is of another format version.</exception>
    public static SavedPlan Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var shown = OutsideText.Sanitize(path);
        SavedPlan? plan;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var version = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("formatVersion", out var v) ? v.ToString() : null;
            if (version != CurrentFormatVersion)
            {
                throw new ReconcilerException($"{shown}: unsupported plan format version '{Desired.Text.Quote(version ?? string.Empty)}' (expected {CurrentFormatVersion}). Run plan again.");
            }

            if (document.RootElement.TryGetProperty("planId", out var id) && id.ValueKind == JsonValueKind.Null)
            {
                throw new ReconcilerException(OptionText.Of($"{shown}: not a saved plan: it has no planId, as '{UserOption.PlanJson}' prints it. Save a plan with '{UserOption.PlanOut} FILE'."));
            }

            plan = document.Deserialize(SavedPlanJsonContext.Default.SavedPlan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            throw new ReconcilerException($"{shown}: not a readable plan file: {OutsideText.Sanitize(e.Message)}", e);
        }

        return Validated(plan ?? throw new ReconcilerException($"{shown}: not a readable plan file: it is empty."), shown);
    }

    /// <summary>What the types cannot say: no registration and no desired-state file named twice.</summary>
    private static SavedPlan Validated(SavedPlan plan, string path)
    {
        var registrations = new HashSet<RegistrationRef>();
        foreach (var registration in plan.Registrations)
        {
            RegistrationRef reference;
            try
            {
                reference = registration.ToRegistrationRef();
            }
            catch (ReconcilerException e)
            {
                throw new ReconcilerException($"{path}: not a usable plan file: {e.Message} Run plan again.", e);
            }

            if (!registrations.Add(reference))
            {
                throw new ReconcilerException(
                    $"{path}: not a usable plan file: it names the registration '{Desired.Text.Quote(registration.Name)}' (resource group '{Desired.Text.Quote(registration.ResourceGroup)}', subscription {registration.SubscriptionId:D}) twice. Run plan again.");
            }
        }

        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in plan.Source.Files)
        {
            if (!files.Add(file.Path))
            {
                throw new ReconcilerException($"{path}: not a usable plan file: it names the desired-state file '{Desired.Text.Quote(file.Path)}' twice. Run plan again.");
            }
        }

        return plan;
    }

}

/// <summary>What a plan is re-derived from: the desired-state files (by path and hash), or an apply to undo.</summary>
/// <param name="Files">The desired-state files, each with the SHA-256 of the bytes that were parsed.</param>
/// <param name="UndoOf">For an undo plan: the apply whose writes it restores.</param>
/// <param name="Journal">For an undo plan: where that apply's journal is (as <c>--journal</c> names it; never a secret).</param>
public sealed record PlanSource(IReadOnlyList<SourceFile> Files, Guid? UndoOf = null, string? Journal = null)
{
    /// <summary>The <c>-f</c> paths as given when one is a directory (apply expands them again to find a file added or removed); else null.</summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>The registrations the plan was limited to (<c>--registration</c>), as given; null for every registration. Apply re-derives only those.</summary>
    public IReadOnlyList<string>? Registrations { get; init; }

    [JsonIgnore]
    public bool IsUndo => UndoOf is not null;
}

public sealed record SourceFile(string Path, string Sha256);

/// <summary>
/// Where a plan was made: the cloud, the ARM endpoint (scheme, host and port) or <see cref="EmulatorEndpoint"/> for the
/// in-process emulator (whose port changes on every run), and the api-version. A plan applies only to the same target.
/// </summary>
public sealed record PlanTarget(AzureCloud Cloud, string Endpoint, string ApiVersion)
{
    public const string EmulatorEndpoint = "emulator";

    public static PlanTarget Of(AzureCloud cloud, Uri endpoint, bool emulator, string apiVersion) =>
        new(cloud, emulator ? EmulatorEndpoint : endpoint.GetLeftPart(UriPartial.Authority).ToLowerInvariant(), apiVersion);

    /// <summary>The target for people: the endpoint (or the emulator, with the setting that chose it), the cloud and the api-version.</summary>
    public OptionText Describe() =>
        Endpoint == EmulatorEndpoint
            ? OptionText.Of($"the in-process emulator ({UserOption.Emulator}), cloud {Cloud}, api-version {ApiVersion}")
            : OptionText.Plain($"{Endpoint}, cloud {Cloud}, api-version {ApiVersion}");

    public override string ToString() => Describe().ToString();
}

public sealed record SavedRegistration
{
    public required string Id { get; init; }

    public required Guid SubscriptionId { get; init; }

    public required string ResourceGroup { get; init; }

    public required string Name { get; init; }

    public required string LiveFingerprint { get; init; }

    public required IReadOnlyList<PlannedChange> Changes { get; init; }

    /// <summary>Re-validates the names: a hand-edited plan file cannot smuggle a path into a URL.</summary>
    public RegistrationRef ToRegistrationRef()
    {
        try
        {
            return new RegistrationRef(SubscriptionId, ResourceGroup, Name);
        }
        catch (ArgumentException e)
        {
            var what = ArmNames.IsValidResourceGroupName(ResourceGroup)
                ? $"the registration name '{Desired.Text.Quote(Name ?? string.Empty)}'"
                : $"the resource group name '{Desired.Text.Quote(ResourceGroup ?? string.Empty)}'";
            throw new ReconcilerException($"{what} is not a valid ARM name.", e);
        }
    }
}
