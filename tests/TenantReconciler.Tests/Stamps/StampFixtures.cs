namespace TenantReconciler.Tests.Stamps;

/// <summary>
/// One registration and its stamp, as the emulator serves them, on a fixed clock: it is 2026-12-01 09:30 UTC, so the
/// last 7 complete UTC days are 2026-11-24 up to 2026-12-01.
/// </summary>
internal static class StampFixtures
{
    public const string RegistrationSubscription = "6513270e-269e-4d37-b2a7-4de452e6b438";
    public const string RegistrationName = "azurestack-8f3e1b2c";
    public const string RegistrationId = $"/subscriptions/{RegistrationSubscription}/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/{RegistrationName}";

    public static readonly RegistrationRef Registration = new(Guid.Parse(RegistrationSubscription), "azurestack", RegistrationName);

    /// <summary>As the stamp spells it (AzureStack-Tools capitalises the name): compared case-insensitively.</summary>
    public const string RegistrationIdAsTheStampSpellsIt = $"/subscriptions/{RegistrationSubscription}/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/AzureStack-8f3e1b2c";

    public const string Provider = "8158498d-27b1-4ccf-9aa1-de0f925731e6";
    public const string Reseller = "c7b6a5f4-1e2d-4c3b-8a9f-0e1d2c3b4a59";

    /// <summary>Mapped, with usage on two subscriptions.</summary>
    public const string Contoso = "9531985d-5d9d-49f8-9818-e811892f902b";
    public const string ContosoSub1 = "5144634d-7e4d-443b-a304-d27e44220fc6";
    public const string ContosoSub2 = "6255745e-8f5e-454c-b415-e38f55331fd7";

    /// <summary>Unmapped, with usage: the leak.</summary>
    public const string Fabrikam = "2b3697e6-a7a2-4cdd-a3d4-f4ef6505cd4f";
    public const string FabrikamSub = "7366856f-9a6f-465d-8526-f49a66442ae8";

    /// <summary>A reseller's tenant: its usage is not visible to the operator.</summary>
    public const string Northwind = "d9b782d5-d098-4374-8f2c-3907cc34611c";
    public const string NorthwindSub = "8477967a-ab7a-476e-9637-a5ab77553bf9";

    public static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Today = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Now);

    /// <summary>The stamp's admin endpoint in the emulator.</summary>
    public static Uri AdminEndpoint(ArmEmulator emulator, string provider = Provider) => new(emulator.BaseUri, $"stamps/{provider}");

    public static EmulatorUsageRecord Usage(string subscription, DateTimeOffset day, double quantity, string? text = null, string? meter = null) => new()
    {
        SubscriptionId = subscription,
        UsageStartTime = day,
        Quantity = quantity,
        QuantityText = text,
        MeterId = meter,
    };

    /// <summary>Days before today (1 is yesterday) as the usage day that starts then.</summary>
    public static DateTimeOffset DaysAgo(int days) => Today.AddDays(-days);

    /// <summary>
    /// Contoso (mapped) used 24 + 12.5 on two subscriptions and 100 more eight days ago (outside the window);
    /// Fabrikam (unmapped) used 30 as a string; Northwind is a reseller's tenant.
    /// </summary>
    public static EmulatorStamp Stamp(string? registrationId = RegistrationIdAsTheStampSpellsIt) => new()
    {
        ProviderSubscriptionId = Provider,
        Activation = registrationId is null ? null : new EmulatorActivation { RegistrationId = registrationId },
        Subscriptions =
        [
            new() { SubscriptionId = ContosoSub1, TenantId = Contoso, Offer = "gold", Owner = "admin@contoso.example", DisplayName = "Contoso production" },
            new() { SubscriptionId = ContosoSub2, TenantId = Contoso, Offer = "silver", Owner = "dev@contoso.example" },
            new() { SubscriptionId = FabrikamSub, TenantId = Fabrikam, Offer = "gold", Owner = "it@fabrikam.example" },
            new() { SubscriptionId = NorthwindSub, TenantId = Northwind, DelegatedProviderSubscriptionId = Reseller, Offer = "reseller-basic" },
        ],
        Usage =
        [
            Usage(ContosoSub1, DaysAgo(2), 24),
            Usage(ContosoSub2, DaysAgo(7), 12.5),
            Usage(ContosoSub1, DaysAgo(8), 100),
            Usage(FabrikamSub, DaysAgo(1), 0, text: "30.0"),
            Usage(NorthwindSub, DaysAgo(3), 999),
        ],
    };

    /// <summary>The registration, with Contoso mapped, and the stamp.</summary>
    public static EmulatorState State(EmulatorStamp? stamp = null) => new()
    {
        Registrations =
        [
            new EmulatorRegistration
            {
                SubscriptionId = RegistrationSubscription,
                ResourceGroup = "azurestack",
                Name = RegistrationName,
                CustomerSubscriptions = [new EmulatorCustomerSubscription { SubscriptionId = "0FD630F1-F29D-4DA9-953F-48F1A09F76B5", TenantId = Contoso }],
            },
        ],
        Stamps = [stamp ?? Stamp()],
    };

    /// <summary><paramref name="count"/> usage records of one subscription, one a day-in-window apart, each of quantity 1.</summary>
    public static List<EmulatorUsageRecord> ManyRecords(string subscription, int count) =>
        [.. Enumerable.Range(0, count).Select(i => Usage(subscription, DaysAgo(1 + (i % 7)), 1, meter: $"{i:x8}-0000-0000-0000-000000000000"))];

    /// <summary>tenants.yaml of the registration without its <c>stamp:</c> block: Contoso on one subscription.</summary>
    public static string PlainYaml() =>
        new Scenario().Want(Registration, (Guid.Parse("0fd630f1-f29d-4da9-953f-48f1a09f76b5"), Guid.Parse(Contoso))).Yaml();

    /// <summary>The stamp's usage read answers 403 AuthorizationFailed.</summary>
    public static EmulatorStampFault UsageForbidden() => new() { Read = EmulatorStampFault.Usage, Status = 403, Code = "AuthorizationFailed" };

    /// <summary><paramref name="state"/> with its one stamp changed by <paramref name="change"/>.</summary>
    public static EmulatorState WithStamp(EmulatorState state, Func<EmulatorStamp, EmulatorStamp> change) => state with { Stamps = [change(state.Stamps![0])] };

    /// <summary><paramref name="state"/> with one more usage record on its stamp.</summary>
    public static EmulatorState WithUsage(EmulatorState state, EmulatorUsageRecord record) => WithStamp(state, stamp => stamp with { Usage = [.. stamp.Usage!, record] });
}
