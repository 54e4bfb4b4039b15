using System.Text.Json;
using System.Text.Json.Serialization;
using TenantReconciler.Desired;
using TenantReconciler.Live;

namespace TenantReconciler.Planning;

/// <summary>
/// A plan written by <c>plan --out</c> and executed by <c>apply PLANFILE</c>. It records what the plan was made from,
/// so that apply can refuse when anything changed since review: the desired file's hash, the endpoint, and a
/// fingerprint of every registration's live listing. It holds no token or secret of any kind.
/// </summary>
public sealed record SavedPlan
{
    public const string CurrentFormatVersion = "1.0";

    public required string FormatVersion { get; init; }

    public required string ToolVersion { get; init; }

    /// <summary>Unique per plan; the journal records it, and a plan is applied at most once.</summary>
    public required Guid PlanId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string DesiredFile { get; init; }

    public required string DesiredSha256 { get; init; }

    public required AzureCloud Cloud { get; init; }

    public required string Endpoint { get; init; }

    public required string ApiVersion { get; init; }

    public IReadOnlyList<Guid> Protect { get; init; } = [];

    public required IReadOnlyList<SavedRegistration> Registrations { get; init; }

    public static SavedPlan Create(
        Plan plan,
        DesiredState desired,
        IReadOnlyList<LiveRegistration> live,
        string desiredSha256,
        Uri endpoint,
        string toolVersion,
        Guid planId,
        DateTimeOffset createdAt)
    {
        var liveByRegistration = live.ToDictionary(l => l.Registration);
        var desiredByRegistration = desired.Registrations.ToDictionary(r => r.Registration);
        return new SavedPlan
        {
            FormatVersion = CurrentFormatVersion,
            ToolVersion = toolVersion,
            PlanId = planId,
            CreatedAt = createdAt,
            DesiredFile = desired.SourcePath,
            DesiredSha256 = desiredSha256,
            Cloud = desired.Cloud,
            Endpoint = endpoint.GetLeftPart(UriPartial.Authority),
            ApiVersion = desired.ApiVersion,
            Protect = desired.Protect,
            Registrations = plan.Registrations.Select(r => new SavedRegistration
            {
                Id = r.Registration.Id.ToString(),
                SubscriptionId = r.Registration.SubscriptionId,
                ResourceGroup = r.Registration.ResourceGroup,
                Name = r.Registration.Name,
                MaxRemovals = desiredByRegistration[r.Registration].MaxRemovals,
                LiveFingerprint = LiveFingerprint.Of(liveByRegistration[r.Registration]),
                Desired = desiredByRegistration[r.Registration].Tenants
                    .Select(t => new SavedTenant(t.TenantId, t.CustomerSubscriptionId, t.Name))
                    .ToArray(),
                Changes = r.Changes.ToArray(),
            }).ToArray(),
        };
    }

    /// <summary>The desired state the plan was computed from, to re-plan against fresh live state.</summary>
    public DesiredState ToDesiredState()
    {
        var location = new SourceLocation(DesiredFile, 1, 1);
        return new DesiredState(
            DesiredFile,
            Cloud,
            ApiVersion,
            Registrations.Select(r => new DesiredRegistration(
                    r.ToRegistrationRef(),
                    r.Desired.Select(t => new DesiredTenant(t.TenantId, t.CustomerSubscriptionId, t.Name, location)).ToArray(),
                    location)
                { MaxRemovals = r.MaxRemovals })
                .ToArray())
        {
            Protect = Protect,
        };
    }

    /// <summary>The plan exactly as it was reviewed.</summary>
    public Plan ToPlan() => new(Registrations.Select(r => new RegistrationPlan(r.ToRegistrationRef(), r.Changes)).ToArray());

    public void Save(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, SerializerOptions) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    public static SavedPlan Load(string path)
    {
        SavedPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<SavedPlan>(File.ReadAllText(path), SerializerOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or ArgumentException)
        {
            throw new ReconcilerException($"{path}: not a readable plan file: {e.Message}", e);
        }

        if (plan is null || plan.FormatVersion != CurrentFormatVersion)
        {
            throw new ReconcilerException($"{path}: unsupported plan format version '{plan?.FormatVersion}' (expected {CurrentFormatVersion}). Run plan again.");
        }

        return plan;
    }

    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}

public sealed record SavedRegistration
{
    public required string Id { get; init; }

    public required Guid SubscriptionId { get; init; }

    public required string ResourceGroup { get; init; }

    public required string Name { get; init; }

    public int? MaxRemovals { get; init; }

    public required string LiveFingerprint { get; init; }

    public required IReadOnlyList<SavedTenant> Desired { get; init; }

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
            throw new ReconcilerException($"plan file: invalid registration: {e.Message}", e);
        }
    }
}

public sealed record SavedTenant(Guid TenantId, Guid CustomerSubscriptionId, string? Name);
