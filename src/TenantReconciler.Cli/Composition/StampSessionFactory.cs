using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Microsoft.Extensions.Logging;
using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Stamps;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// Reads the stamps of tenants.yaml (<c>stamp:</c>), all side by side, through the same pipeline settings as ARM's and
/// a credential of their own (<c>--stamp-auth</c>). With <c>--emulator</c>, every stamp is the emulator's of the same
/// provider subscription. Everything a stamp read can get wrong is in its report (usage unknown); only bad options
/// (refused before any request) are errors.
/// </summary>
public sealed class StampSessionFactory(ILogger<StampSessionFactory> logger, CredentialFactory credentials, TimeProvider clock)
{
    /// <summary>The window of <paramref name="arguments"/> on the container's clock.</summary>
    public UsageWindow WindowFor(StampArguments arguments) => UsageWindow.LastCompleteDays(clock, arguments.UsageDays);

    /// <summary>True when any registration has a stamp: only then is anything read.</summary>
    public static bool AnyStamp(DesiredState desired) => desired.Registrations.Any(r => r.Stamp is not null);

    /// <summary>Each registration's stamp report, in the order of tenants.yaml; empty without any <c>stamp:</c>.</summary>
    /// <exception cref="ReconcilerException">The stamp options cannot work (refused before any request).</exception>
    public async Task<IReadOnlyList<StampReport>> ReadAsync(
        DesiredState desired,
        ArmSession session,
        StampArguments arguments,
        ArmPipelineSettings settings,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(arguments);
        var stamped = desired.Registrations.Where(r => r.Stamp is not null).ToArray();
        if (stamped.Length == 0)
        {
            return [];
        }

        var (auth, trusted, targets) = Targets(stamped, session, arguments);
        var window = WindowFor(arguments);
        var stampCredentials = new StampCredentials(credentials, auth, desired.Cloud);
        var effective = logger.IsEnabled(LogLevel.Debug) ? settings with { HttpTrace = line => logger.LogDebug("{Line}", line) } : settings;
        var reads = stamped.Select((registration, i) => StampReader.ReadAsync(
            registration.Registration,
            registration.Stamp!,
            token => StampConnector.ConnectAsync(targets[i], stampCredentials, effective, clock, token),
            window,
            cancellationToken));
        var reports = await Task.WhenAll(reads);
        foreach (var report in reports)
        {
            logger.LogInformation(
                "Stamp {Endpoint} ({Registration}): {Status}, {Subscriptions} user subscription(s), {Records} usage record(s) {Between}",
                StampEndpoint.Base(report.Stamp.AdminEndpoint),
                report.Registration.Name,
                report.Status,
                report.SubscriptionCount,
                report.UsageRecords,
                window.Between);
        }

        trusted?.Dispose();
        return reports;
    }

    /// <summary>Checks the stamp options against <paramref name="desired"/> before any request: a command refuses bad ones with exit 1.</summary>
    /// <exception cref="ReconcilerException">The stamp options cannot work.</exception>
    public static void Check(DesiredState desired, ArmSession session, StampArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var stamped = desired.Registrations.Where(r => r.Stamp is not null).ToArray();
        if (stamped.Length > 0)
        {
            Targets(stamped, session, arguments).Trusted?.Dispose();
        }
    }

    /// <summary>The usage source of the engine: every stamp of the desired state it is given, read through <paramref name="session"/>'s target.</summary>
    public IUsageSource UsageSource(ArmSession session, StampArguments arguments, ArmPipelineSettings settings) =>
        new SessionUsageSource(this, () => Task.FromResult(session), arguments, settings);

    /// <summary>As <see cref="UsageSource(ArmSession, StampArguments, ArmPipelineSettings)"/>, with the session found for each read (watch's, which can change with the file).</summary>
    public IUsageSource UsageSource(Func<DesiredState, CancellationToken, Task<ArmSession>> session, StampArguments arguments, ArmPipelineSettings settings) =>
        new DeferredUsageSource(this, session, arguments, settings);

    /// <summary>Where each stamp is reached; every option checked before anything is sent.</summary>
    private static (AuthKind Auth, X509Certificate2? Trusted, StampTarget[] Targets) Targets(DesiredRegistration[] stamped, ArmSession session, StampArguments arguments)
    {
        if (session.Emulator is { } emulator)
        {
            if (arguments.CaCertPath is not null)
            {
                throw new ReconcilerException("--emulator serves the stamps itself: it cannot be combined with --stamp-ca-cert.");
            }

            if (arguments.Auth is not null and not AuthKind.Emulator)
            {
                throw new ReconcilerException("--emulator only accepts --stamp-auth emulator.");
            }

            return (AuthKind.Emulator, null, [.. stamped.Select(r => new StampTarget(
                new Uri(emulator.BaseUri, $"stamps/{r.Stamp!.ProviderSubscriptionId:D}"),
                r.Stamp.ProviderSubscriptionId,
                emulator.Certificate) { OptionNames = OptionNames.Instance })]);
        }

        var auth = arguments.Auth ?? AuthKind.Default;
        if (auth == AuthKind.Emulator && stamped.FirstOrDefault(r => !ArmConnections.IsLoopback(r.Stamp!.AdminEndpoint)) is { } remote)
        {
            throw new ReconcilerException(
                $"--stamp-auth emulator sends a fixed, non-secret token and is refused for {remote.Stamp!.AdminEndpoint.GetLeftPart(UriPartial.Authority)} (the stamp of {remote.Registration.Name}): "
                + "it is only allowed for an endpoint on loopback (127.0.0.1, ::1, localhost).");
        }

        var trusted = arguments.CaCertPath is null ? null : ArmSessionFactory.LoadCertificate(arguments.CaCertPath, "--stamp-ca-cert");
        return (auth, trusted, [.. stamped.Select(r => new StampTarget(r.Stamp!.AdminEndpoint, r.Stamp.ProviderSubscriptionId, trusted) { OptionNames = OptionNames.Instance })]);
    }

    private sealed class SessionUsageSource(StampSessionFactory factory, Func<Task<ArmSession>> session, StampArguments arguments, ArmPipelineSettings settings) : IUsageSource
    {
        public UsageWindow CurrentWindow => factory.WindowFor(arguments);

        public async Task<IReadOnlyList<StampReport>> ReadAsync(DesiredState desired, CancellationToken cancellationToken) =>
            await factory.ReadAsync(desired, await session(), arguments, settings, cancellationToken);
    }

    private sealed class DeferredUsageSource(StampSessionFactory factory, Func<DesiredState, CancellationToken, Task<ArmSession>> session, StampArguments arguments, ArmPipelineSettings settings) : IUsageSource
    {
        public UsageWindow CurrentWindow => factory.WindowFor(arguments);

        public async Task<IReadOnlyList<StampReport>> ReadAsync(DesiredState desired, CancellationToken cancellationToken) =>
            await factory.ReadAsync(desired, await session(desired, cancellationToken), arguments, settings, cancellationToken);
    }

    /// <summary><c>--stamp-auth</c> through the one credential rule (<see cref="CredentialFactory.CreateForStamp"/>).</summary>
    private sealed class StampCredentials(CredentialFactory factory, AuthKind auth, AzureCloud cloud) : IStampCredentials
    {
        public bool NeedsMetadata => auth != AuthKind.Emulator;

        public TokenCredential Create(Uri adminEndpoint, StampMetadata? metadata) => factory.CreateForStamp(auth, cloud, adminEndpoint, metadata);
    }
}
