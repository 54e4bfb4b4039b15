using System.Text.Json.Serialization;

namespace TenantReconciler.Tests.Persistence;

/// <summary>
/// Saved plans and journal lines are written by source-generated System.Text.Json (the native build has no reflection).
/// These tests hold the generated JSON to what the reflection-based serializer with the former options writes, byte
/// for byte, so a plan or journal written by one build is read the same by the other (and by an older version).
/// </summary>
public sealed class PersistenceJsonTests : IDisposable
{
    /// <summary>The options the tool used before source generation (reflection): the reference.</summary>
    private static readonly JsonSerializerOptions ReflectionPlanOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly JsonSerializerOptions ReflectionJournalOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Plans() => ["full", "minimal"];

    [Theory]
    [MemberData(nameof(Plans))]
    public void Save_ThePlanJsonContract_LoadsBackToTheSameRecordAndHash(string which)
    {
        // Arrange
        var plan = which == "full" ? FullPlan() : MinimalPlan();
        var path = _temp.File("plan.json");

        // Act: written by the plan JSON renderer, read by the source-generated serializer.
        plan.Save(path);
        var loaded = SavedPlan.Load(path);

        // Assert: every field survives, so the content hash the journal holds is the one apply computes.
        Assert.Equal(JsonSerializer.Serialize(plan, ReflectionPlanOptions), JsonSerializer.Serialize(loaded, ReflectionPlanOptions));
        Assert.Equal(plan.ContentHash(), loaded.ContentHash());
        Assert.Equal(plan.ToJson(), File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(Plans))]
    public void Load_AFileTheReflectionSerializerWrote_ReadsEveryField(string which)
    {
        // Arrange
        var plan = which == "full" ? FullPlan() : MinimalPlan();
        var path = _temp.Write("plan.json", JsonSerializer.Serialize(plan, ReflectionPlanOptions) + "\n");

        // Act
        var loaded = SavedPlan.Load(path);

        // Assert: what it reads is what it was (compared through the reference serializer).
        Assert.Equal(JsonSerializer.Serialize(plan, ReflectionPlanOptions), JsonSerializer.Serialize(loaded, ReflectionPlanOptions));
    }

    [Fact]
    public void Load_EnumsAsNumbersOrInAnyCase_ReadsThemAsTheReflectionSerializerDid()
    {
        // Arrange: a hand-edited plan: the cloud as a number, an action in PascalCase.
        var json = JsonSerializer.Serialize(FullPlan(), ReflectionPlanOptions)
            .Replace("\"cloud\": \"azureUSGovernment\"", "\"cloud\": 1", StringComparison.Ordinal)
            .Replace("\"action\": \"add\"", "\"action\": \"Add\"", StringComparison.Ordinal);
        var path = _temp.Write("plan.json", json);

        // Act
        var loaded = SavedPlan.Load(path);
        var reference = JsonSerializer.Deserialize<SavedPlan>(json, ReflectionPlanOptions)!;

        // Assert
        Assert.Equal(AzureCloud.AzureUSGovernment, loaded.Target.Cloud);
        Assert.Equal(reference.Target, loaded.Target);
        Assert.Equal(reference.Registrations[0].Changes, loaded.Registrations[0].Changes);
    }

    public static TheoryData<string> Entries() => ["claim", "request", "finished"];

    [Theory]
    [MemberData(nameof(Entries))]
    public void ToLine_SourceGenerated_EqualsTheReflectionSerializerByteForByte(string which)
    {
        // Arrange
        var entry = Entry(which);

        // Act
        var line = Encoding.UTF8.GetString(JournalReader.ToLine(entry));

        // Assert
        Assert.Equal(JsonSerializer.Serialize(entry, ReflectionJournalOptions) + "\n", line);
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Parse_ALineTheReflectionSerializerWrote_ReadsTheSameEntry(string which)
    {
        // Arrange
        var entry = Entry(which);

        // Act
        var contents = JournalReader.Parse([JsonSerializer.Serialize(entry, ReflectionJournalOptions)]);

        // Assert
        Assert.Equal(0, contents.SkippedLines);
        Assert.Equal(entry, Assert.Single(contents.Entries));
    }

    private static JournalEntry Entry(string which) => which switch
    {
        "claim" => new JournalEntry
        {
            Type = JournalEntry.PlanClaimed,
            ApplyId = Guid.Parse("6f1a7c8e-0d52-4c36-9b3e-1f1d2c3b4a59"),
            Sequence = 0,
            PlanId = Guid.Parse("0b5e43f2-98f1-4a64-b1ba-6d1d8f3a0c11"),
            Time = new DateTimeOffset(2026, 12, 1, 8, 30, 15, 123, TimeSpan.Zero),
            Endpoint = "emulator",
            Writer = "host-1/4242",
        },
        "request" => new JournalEntry
        {
            Type = JournalEntry.RequestFinished,
            ApplyId = Guid.Parse("6f1a7c8e-0d52-4c36-9b3e-1f1d2c3b4a59"),
            Sequence = 3,
            Time = new DateTimeOffset(2026, 12, 1, 8, 30, 16, TimeSpan.FromHours(1)),
            Endpoint = "https://management.azure.com",
            Registration = "/subscriptions/3a1f5b1e-7a8e-4d4c-9f3e-2b7c9f6a1d20/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/stamp-1",
            Operation = "PUT",
            Action = ChangeAction.Overwrite,
            CustomerSubscriptionId = Guid.Parse("c0ffee00-1111-4222-8333-444455556666"),
            PreviousTenantId = Guid.Parse("9531985d-5d9d-49f8-9818-e811892f902b"),
            NewTenantId = Guid.Parse("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
            Result = "failed",
            RequestId = "req-1",
            ErrorCode = "Conflict",
            Error = "The \"tenant\" <is> locked: ü \u0001",
        },
        _ => new JournalEntry
        {
            Type = JournalEntry.ApplyFinished,
            ApplyId = Guid.Parse("6f1a7c8e-0d52-4c36-9b3e-1f1d2c3b4a59"),
            Time = new DateTimeOffset(2026, 12, 1, 8, 31, 0, TimeSpan.Zero),
            Done = 4,
            Failed = 1,
            NotAttempted = 2,
        },
    };

    private static SavedPlan FullPlan() => new()
    {
        FormatVersion = SavedPlan.CurrentFormatVersion,
        ToolVersion = "1.2.3-alpha.0.4",
        PlanId = Guid.Parse("0b5e43f2-98f1-4a64-b1ba-6d1d8f3a0c11"),
        CreatedAt = new DateTimeOffset(2026, 12, 1, 8, 30, 15, 123, TimeSpan.Zero),
        Source = new PlanSource([new SourceFile("tenants/a.yaml", new string('a', 64)), new SourceFile("tenants/ü b.yaml", new string('b', 64))],
            Guid.Parse("6f1a7c8e-0d52-4c36-9b3e-1f1d2c3b4a59"), "https://account.blob.core.windows.net/journals/j.jsonl")
        {
            Inputs = ["tenants"],
        },
        Target = new PlanTarget(AzureCloud.AzureUSGovernment, "https://management.usgovcloudapi.net", ApiVersions.V2022_06_01),
        Guards =
        [
            new PlanGuard
            {
                Guard = "removal-threshold",
                Registration = "/subscriptions/3a1f5b1e-7a8e-4d4c-9f3e-2b7c9f6a1d20/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/stamp-1",
                Count = 7,
                Limit = 5,
                Override = "pass --confirm-removals 7",
                RefusesApply = true,
                Message = "drops 7 \"ü\" \u0001",
            },
            new PlanGuard { Guard = "suspend", Count = 3, RefusesApply = true, Message = "suspended" },
        ],
        Registrations =
        [
            new SavedRegistration
            {
                Id = "/subscriptions/3a1f5b1e-7a8e-4d4c-9f3e-2b7c9f6a1d20/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/stamp-1",
                SubscriptionId = Guid.Parse("3a1f5b1e-7a8e-4d4c-9f3e-2b7c9f6a1d20"),
                ResourceGroup = "azurestack",
                Name = "stamp-1",
                LiveFingerprint = "sha256:" + new string('c', 64),
                Changes =
                [
                    new PlannedChange
                    {
                        Action = ChangeAction.Add,
                        CustomerSubscriptionId = Guid.Parse("c0ffee00-1111-4222-8333-444455556666"),
                        CustomerSubscriptionName = "c0ffee00-1111-4222-8333-444455556666",
                        TenantId = Guid.Parse("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
                        Label = "Contoso <&> \"ü\" \u0001",
                    },
                    new PlannedChange
                    {
                        Action = ChangeAction.Overwrite,
                        CustomerSubscriptionId = Guid.Parse("d0ffee00-1111-4222-8333-444455556666"),
                        CustomerSubscriptionName = "D0FFEE00-1111-4222-8333-444455556666",
                        TenantId = Guid.Parse("b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
                        MovedFromSubscriptionId = Guid.Parse("e0ffee00-1111-4222-8333-444455556666"),
                        MovedFromSubscriptionName = "e0ffee00-1111-4222-8333-444455556666",
                        BillingFallbackTenantId = Guid.Parse("9531985d-5d9d-49f8-9818-e811892f902b"),
                    },
                    new PlannedChange
                    {
                        Action = ChangeAction.Remove,
                        CustomerSubscriptionId = Guid.Parse("f0ffee00-1111-4222-8333-444455556666"),
                        CustomerSubscriptionName = "f0ffee00-1111-4222-8333-444455556666",
                        PreviousTenantId = Guid.Parse("9531985d-5d9d-49f8-9818-e811892f902b"),
                        BillingFallbackTenantId = Guid.Parse("9531985d-5d9d-49f8-9818-e811892f902b"),
                    },
                    new PlannedChange
                    {
                        Action = ChangeAction.Unchanged,
                        CustomerSubscriptionId = Guid.Parse("a0ffee00-1111-4222-8333-444455556666"),
                        CustomerSubscriptionName = "a0ffee00-1111-4222-8333-444455556666",
                        TenantId = Guid.Parse("c1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
                        PreviousTenantId = Guid.Parse("c1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"),
                    },
                ],
            },
        ],
    };

    private static SavedPlan MinimalPlan() => new()
    {
        FormatVersion = SavedPlan.CurrentFormatVersion,
        ToolVersion = "0.0.0-alpha.0",
        PlanId = Guid.Empty,
        CreatedAt = DateTimeOffset.UnixEpoch,
        Source = new PlanSource([]),
        Target = new PlanTarget(AzureCloud.AzureCloud, PlanTarget.EmulatorEndpoint, ApiVersions.V2017_06_01),
        Registrations = [],
    };
}
