using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TenantReconciler.Cli.Composition;
using TenantReconciler.Cli.Watch;
using TenantReconciler.Cli.Watch.Notifications;
using TenantReconciler.Leasing;

namespace TenantReconciler.Cli.Commands;

/// <summary><c>watch</c>: the long-lived service that keeps the registrations converged. Parses its options into <see cref="WatchArguments"/>.</summary>
public static class WatchCommand
{
    public const string Name = "watch";

    public static Command Create(IOContext io, Func<Verbosity, IHost> hostFactory, Option<Verbosity> verbosity)
    {
        var file = Options.CommonOptions.File("The desired-state file, or a directory of *.yaml/*.yml files; repeat -f for several. All are re-read on every tick and watched.");
        var mode = new Option<string>("--mode")
        {
            Description = "observe: report drift only; apply: adds and overwrites, never removals; full: removals too, under the prune guards.",
            DefaultValueFactory = _ => "apply",
        };
        mode.AcceptOnlyFromAmong("observe", "apply", "full");
        var interval = Options.CommonOptions.Duration("--interval", "How often to reconcile (plus up to 10% jitter), e.g. 5m, 30s, 1h.", WatchArguments.DefaultInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24));
        var suspend = new Option<bool>("--suspend") { Description = "Write nothing; keep reporting (as 'suspend: true' in the file)." };
        var listen = new Option<ListenAddress>("--listen")
        {
            Description = "Address of /healthz, /readyz, /status and /metrics: HOST:PORT (loopback by default; 0.0.0.0:8080 in a pod).",
            DefaultValueFactory = _ => Parse(ListenAddress.Default),
            CustomParser = r =>
            {
                if (ListenAddress.TryParse(r.Tokens.Single().Value, out var address, out var error))
                {
                    return address;
                }

                r.AddError(error!);
                return null;
            },
        };
        var debounce = Options.CommonOptions.Duration("--debounce", "Quiet time after a change of the file before the early tick.", WatchArguments.DefaultDebounce, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        var shutdown = Options.CommonOptions.Duration("--shutdown-timeout", "On SIGTERM or Ctrl+C: how long writes in flight may take to finish.", WatchArguments.DefaultShutdownTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        var replica = new Option<string>("--replica-id")
        {
            Description = "This replica's name in logs and /status (default: the host name, which is the pod name in Kubernetes).",
            DefaultValueFactory = _ => Environment.MachineName,
        };
        var applicationId = new Option<string?>("--application-id")
        {
            Description = "Prefix of the User-Agent sent to ARM (at most 24 characters, no spaces), e.g. to tell replicas apart in the activity log.",
        };
        applicationId.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } id && (id.Length is 0 or > 24 || id.Any(char.IsWhiteSpace)))
            {
                r.AddError("--application-id must be 1 to 24 characters without spaces.");
            }
        });

        var journal = new Option<string?>("--journal")
        {
            Description = "Also record every write in this apply journal (JSON lines; 'undo' reads it). None by default: the JSON log has every write too.",
        };
        var parallelism = Options.CommonOptions.Parallelism();
        var notify = new Option<NotifyTarget[]>("--notify")
        {
            Description = "POST a notification to URL on every transition (drift detected or corrected, apply failed, recovered, stalled, guard refused, file invalid); repeatable. Only scheme and host are ever logged.",
            HelpName = "URL",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = r =>
            {
                var targets = new List<NotifyTarget>();
                foreach (var token in r.Tokens)
                {
                    if (NotifyTarget.TryParse(token.Value, out var target, out var error))
                    {
                        targets.Add(target!);
                    }
                    else
                    {
                        r.AddError(error!);
                    }
                }

                return [.. targets];
            },
        };
        var notifyFormat = new Option<string>("--notify-format")
        {
            Description = "The body of --notify: cloudevents (a CloudEvents 1.0 JSON event, structured mode) or slack (an incoming-webhook message).",
            DefaultValueFactory = _ => "cloudevents",
        };
        notifyFormat.AcceptOnlyFromAmong("cloudevents", "slack");
        var connection = new Options.ConnectionOptions(
            $"Start the local emulator in-process with the state in STATEFILE, and use it. Without STATEFILE: a git-ignored copy ({Options.CommonOptions.EmulatorStateCopy}), seeded from {Options.CommonOptions.DefaultEmulatorState} on first use.",
            "Credential for ARM and the lease blob: default, cli, environment, workload-identity, managed-identity, or emulator (loopback only).");
        var lease = Options.LeaseOptions.ForWatch();
        var registrations = new Options.RegistrationOption();
        var logFormat = new Option<string?>("--log-format")
        {
            Description = "Logs on stderr: json (one object per line, with its EventName) or console (lines for people). Default: console on a terminal, json otherwise.",
        };
        logFormat.AcceptOnlyFromAmong("json", "console");
        var stampOptions = new Options.StampOptions();
        var usageInterval = Options.CommonOptions.Duration("--usage-interval", "How often a stamp's usage is read at most (the data is daily), e.g. 6h, 30m.", WatchArguments.DefaultUsageInterval, TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        var command = new Command(Name, "Run as a service: re-read the file, list, plan and act on every interval and on every change of the file, until SIGTERM or Ctrl+C.")
        {
            file, mode, interval, suspend, listen, debounce, shutdown, replica, applicationId, journal, parallelism, notify, notifyFormat,
            usageInterval,
        };
        connection.AddTo(command);
        lease.AddTo(command);
        registrations.AddTo(command);
        command.Options.Add(logFormat);
        stampOptions.AddTo(command);
        command.SetAction((parseResult, cancellationToken) =>
            CommandBoundary.RunAsync(io, parseResult.GetValue(verbosity), async () =>
            {
                var arguments = new WatchArguments(
                    [.. parseResult.GetRequiredValue(file)],
                    Enum.Parse<WatchMode>(parseResult.GetRequiredValue(mode), ignoreCase: true),
                    parseResult.GetValue(interval),
                    parseResult.GetValue(suspend),
                    parseResult.GetRequiredValue(listen),
                    parseResult.GetValue(debounce),
                    parseResult.GetValue(shutdown),
                    parseResult.GetRequiredValue(replica),
                    connection.Parse(parseResult) with { ApplicationId = parseResult.GetValue(applicationId) },
                    lease.Parse(parseResult))
                {
                    Journal = parseResult.GetValue(journal),
                    Parallelism = parseResult.GetValue(parallelism),
                    Registrations = registrations.Parse(parseResult),
                    LogFormat = parseResult.GetValue(logFormat) is { } format ? Enum.Parse<WatchLogFormat>(format, ignoreCase: true) : null,
                    Notify = new NotifyArguments(
                        parseResult.GetValue(notify) ?? [],
                        Enum.Parse<NotificationFormat>(parseResult.GetRequiredValue(notifyFormat), ignoreCase: true)),
                    Stamps = stampOptions.Parse(parseResult),
                    UsageInterval = parseResult.GetValue(usageInterval),
                };
                using var host = hostFactory(parseResult.GetValue(verbosity));
                return await host.Services.GetRequiredService<WatchHandler>().RunAsync(arguments, cancellationToken);
            }, cancellationToken));
        return command;
    }

    private static ListenAddress Parse(string text) =>
        ListenAddress.TryParse(text, out var address, out _) ? address! : throw new ArgumentException(text, nameof(text));
}
