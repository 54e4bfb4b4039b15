using Microsoft.Extensions.Logging;
using TenantReconciler.Applying;

// Arguments not named in a message are still logged as structured fields (the JSON log's "State"): that is the intent.
#pragma warning disable SYSLIB1015

namespace TenantReconciler.Cli.Watch;

/// <summary>
/// The structured log of the loop: one event per registration per tick (counts, duration, result, request ids), one
/// per tick, and one for an invalid file. Only ids, counts and ARM's messages are logged: never a header or a token.
/// </summary>
public sealed partial class WatchLog(ILogger<WatchLog> logger) : IWatchObserver
{
    public void OnTickCompleted(TickReport report)
    {
        if (report.Diagnostics.Count > 0)
        {
            LogInvalid(logger, report.Number, report.File, report.Diagnostics.Count, string.Join(" | ", report.Diagnostics.Select(d => d.ToString(Commands.Options.OptionNames.Instance))));
        }

        if (report.Error is { } error)
        {
            LogTickError(logger, report.Number, error.Message, error.Code);
        }

        foreach (var r in report.Registrations)
        {
            var level = r.Result switch
            {
                RegistrationResult.InSync or RegistrationResult.Applied or RegistrationResult.Drift => LogLevel.Information,
                RegistrationResult.Error => LogLevel.Error,
                _ => LogLevel.Warning,
            };
            var detected = r.Detected;
            var pending = r.PendingSummary;
            LogRegistration(
                logger,
                level,
                report.Number,
                r.Registration.Name,
                WatchStatus.Kebab(r.Result),
                detected?.Add ?? 0,
                detected?.Overwrite ?? 0,
                detected?.Remove ?? 0,
                r.Count(ChangeOutcome.Done),
                r.Count(ChangeOutcome.Failed),
                r.Count(ChangeOutcome.NotAttempted),
                r.Pending.Count,
                (long)r.Duration.TotalMilliseconds,
                r.Registration.Id.ToString(),
                WatchStatus.Kebab(report.Mode),
                report.Leader,
                WatchStatus.Kebab(report.Suspended),
                r.Blocked == WriteBlock.None ? null : WatchStatus.Kebab(r.Blocked),
                pending.Add,
                pending.Overwrite,
                pending.Remove,
                r.Withheld.Count,
                string.Join(",", r.RequestIds),
                string.Join(" | ", r.Violations),
                r.Error?.Message,
                r.Error?.Code,
                r.Error?.Status,
                r.Error?.Transient);
        }

        LogTick(logger, report.Number, WatchStatus.Kebab(report.Reason), report.Registrations.Count, (long)report.Duration.TotalMilliseconds, report.DesiredSha256);
    }

    [LoggerMessage(EventId = 10, EventName = "RegistrationReconciled",
        Message = "Tick {Tick} {Registration}: {Result}; drift found +{Add} ~{Overwrite} -{Remove}; written {Done}, failed {Failed}, not attempted {NotAttempted}; {Pending} pending; {DurationMs} ms")]
    private static partial void LogRegistration(
        ILogger logger,
        LogLevel level,
        long tick,
        string registration,
        string result,
        int add,
        int overwrite,
        int remove,
        int done,
        int failed,
        int notAttempted,
        int pending,
        long durationMs,
        string RegistrationId,
        string Mode,
        bool Leader,
        string Suspended,
        string? Blocked,
        int PendingAdd,
        int PendingOverwrite,
        int PendingRemove,
        int WithheldRemovals,
        string RequestIds,
        string GuardViolations,
        string? Error,
        string? ErrorCode,
        int? Status,
        bool? Transient);

    [LoggerMessage(EventId = 11, EventName = "TickCompleted", Level = LogLevel.Information,
        Message = "Tick {Tick} ({Reason}): {Registrations} registration(s) in {DurationMs} ms")]
    private static partial void LogTick(ILogger logger, long tick, string reason, int registrations, long durationMs, string? DesiredSha256);

    [LoggerMessage(EventId = 12, EventName = "DesiredStateInvalid", Level = LogLevel.Error,
        Message = "Tick {Tick}: {File} is invalid ({Count} problem(s)); nothing is listed or written until it is fixed: {Diagnostics}")]
    private static partial void LogInvalid(ILogger logger, long tick, string file, int count, string diagnostics);

    [LoggerMessage(EventId = 13, EventName = "TickError", Level = LogLevel.Error,
        Message = "Tick {Tick} could not run: {Error}")]
    private static partial void LogTickError(ILogger logger, long tick, string Error, string? ErrorCode);
}
