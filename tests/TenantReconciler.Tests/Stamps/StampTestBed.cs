namespace TenantReconciler.Tests.Stamps;

/// <summary>
/// A standalone emulator over HTTPS that serves ARM and a stamp, on <see cref="StampFixtures.Clock"/>; the CLI runs in
/// process on the same clock, pointed at both (<c>--arm-endpoint</c>, <c>--ca-cert</c>, <c>--auth emulator</c>,
/// <c>--stamp-auth emulator</c>, <c>--stamp-ca-cert</c>), with a tenants.yaml whose stamp is the emulator's.
/// </summary>
internal sealed class StampTestBed : IAsyncDisposable
{
    private readonly string _pem;

    private StampTestBed(ArmEmulator emulator, TempDirectory temp, FakeTimeProvider clock)
    {
        Emulator = emulator;
        Temp = temp;
        Clock = clock;
        _pem = temp.Write("emulator.pem", emulator.CertificatePem);
    }

    public ArmEmulator Emulator { get; }

    public TempDirectory Temp { get; }

    public FakeTimeProvider Clock { get; }

    public static async Task<StampTestBed> StartAsync(EmulatorState? state = null)
    {
        var clock = StampFixtures.Clock();
        var emulator = await ArmEmulator.StartAsync(new EmulatorOptions { InitialState = state ?? StampFixtures.State(), TimeProvider = clock });
        return new StampTestBed(emulator, new TempDirectory(), clock);
    }

    /// <summary>tenants.yaml with the registration of <see cref="StampFixtures"/>, its stamp at the emulator, and <paramref name="tenants"/>.</summary>
    public string WriteTenants(string tenants = $"      - tenantId: {StampFixtures.Contoso}\n        customerSubscriptionId: 0fd630f1-f29d-4da9-953f-48f1a09f76b5\n        name: Contoso\n", string? billed = null, string? provider = null) =>
        Temp.Write("tenants.yaml",
            "registrations:\n"
            + $"  - name: {StampFixtures.RegistrationName}\n"
            + $"    subscriptionId: {StampFixtures.RegistrationSubscription}\n"
            + "    resourceGroup: azurestack\n"
            + "    stamp:\n"
            + $"      adminEndpoint: {StampFixtures.AdminEndpoint(Emulator, provider ?? StampFixtures.Provider)}\n"
            + $"      providerSubscriptionId: {provider ?? StampFixtures.Provider}\n"
            + (billed is null ? string.Empty : $"      billedToOperator: [{billed}]\n")
            + (tenants.Length == 0 ? "    tenants: []\n" : "    tenants:\n" + tenants));

    /// <summary>Runs the CLI with the connection and stamp options appended, on the bed's clock.</summary>
    public Task<CliResult> RunAsync(params string[] args) =>
        CliRunner.RunWithServicesAsync(
            services => services.AddSingleton<TimeProvider>(Clock),
            null,
            [.. args, "--arm-endpoint", Emulator.BaseUri.ToString(), "--ca-cert", _pem, "--auth", "emulator", "--stamp-auth", "emulator", "--stamp-ca-cert", _pem]);

    /// <summary>The emulator's certificate, as a PEM file (for <c>--ca-cert</c> or <c>--stamp-ca-cert</c>).</summary>
    public string Pem => _pem;

    /// <summary>Runs the CLI on the bed's clock with <paramref name="args"/> alone (the test gives the connection and stamp options).</summary>
    public Task<CliResult> RunExactlyAsync(params string[] args) =>
        CliRunner.RunWithServicesAsync(services => services.AddSingleton<TimeProvider>(Clock), null, args);

    /// <summary>Output with the emulator's address (its port changes every run) as <c>https://emulator/</c>.</summary>
    public string Stable(string text) => text.Replace(Emulator.BaseUri.ToString(), "https://emulator/", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Temp.Dispose();
    }
}
