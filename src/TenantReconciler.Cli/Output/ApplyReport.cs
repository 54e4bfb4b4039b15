using System.Globalization;
using System.Text.RegularExpressions;
using TenantReconciler.Applying;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// The per-change result of an apply: a summary line, and whenever anything was not done a table of every change, then
/// the failures grouped by what went wrong. Each registration's URL is said once, above its rows; a failed row names its
/// failure by number and its request ids; a failure is said once with how many changes it failed
/// ("38 changes failed with 429 TooManyRequests: …") and the hint of ARM's error code.
/// </summary>
public static partial class ApplyReport
{
    /// <summary>The label of a change whose request was in flight when the apply was aborted: it may or may not have been written.</summary>
    public const string UnknownLabel = "outcome unknown";

    public static void Write(TextWriter output, ApplyResult result)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        output.WriteLine();
        if (!result.Succeeded)
        {
            WriteTable(output, result);
        }

        var done = result.Results.Where(r => r.Outcome == ChangeOutcome.Done).Select(r => r.Change).ToArray();
        var s = PlanSummary.Of(done);
        var unknown = result.Results.Count(IsUnknown);
        output.WriteLine(
            $"Apply {(result.Succeeded ? "complete" : "incomplete")}! {s.Add} added, {s.Overwrite} overwritten, {s.Remove} removed; " +
            $"{result.Count(ChangeOutcome.Failed) - unknown} failed, {result.Count(ChangeOutcome.NotAttempted)} not attempted" +
            (unknown > 0 ? $", {unknown} {UnknownLabel}." : "."));
    }

    /// <summary>A change cancelled while its request was in flight (a second Ctrl+C): ours to say, not ARM's.</summary>
    public static bool IsUnknown(ChangeResult result) =>
        result is { Outcome: ChangeOutcome.Failed, ErrorCode: PlanApplier.CancelledErrorCode };

    private static void WriteTable(TextWriter output, ApplyResult result)
    {
        output.WriteLine("Apply results:");
        var failures = new List<Failure>();
        foreach (var registration in result.Results.GroupBy(r => r.Registration))
        {
            // The URL of the registration, once: the rows below name only their customer subscription.
            if (registration.Select(r => Parse(r.Error)?.RegistrationUrl).FirstOrDefault(u => u is not null) is { } url)
            {
                output.WriteLine($"  # {registration.Key.Name}: {url}");
            }

            foreach (var r in registration)
            {
                var outcome = r.Outcome switch
                {
                    ChangeOutcome.Done => "done",
                    ChangeOutcome.Failed when IsUnknown(r) => UnknownLabel,
                    ChangeOutcome.Failed => "failed",
                    _ => "not attempted",
                };
                output.Write($"  {outcome,-15} {Symbol(r.Change.Action)} {r.Registration.Name} customerSubscription {r.Change.CustomerSubscriptionId:D}");
                if (r.Error is null)
                {
                    output.WriteLine();
                    continue;
                }

                if (r.Outcome != ChangeOutcome.Failed)
                {
                    output.WriteLine($": {r.Error}");
                    continue;
                }

                var parsed = Parse(r.Error);
                var (reason, hint) = ArmErrorText.Split(parsed?.Reason ?? r.Error, r.ErrorCode, requestId: null);
                var index = failures.FindIndex(f => f.Reason == reason && f.Code == r.ErrorCode);
                if (index < 0)
                {
                    failures.Add(new Failure(reason, r.ErrorCode, hint));
                    index = failures.Count - 1;
                }

                failures[index].Count++;
                var ids = parsed?.Ids ?? (r.RequestId is null ? null : $"(x-ms-request-id: {r.RequestId})");
                output.WriteLine($": failure {index + 1}{(ids is null ? string.Empty : " " + ids)}");
            }
        }

        output.WriteLine();
        if (failures.Count == 0)
        {
            return;
        }

        output.WriteLine("Failures:");
        for (var i = 0; i < failures.Count; i++)
        {
            var failure = failures[i];
            var count = failure.Count == 1 ? "1 change" : string.Create(CultureInfo.InvariantCulture, $"{failure.Count} changes");
            output.WriteLine($"  {i + 1}. {count} failed with {failure.Reason}");
            if (failure.Hint is not null)
            {
                output.WriteLine($"     hint ({failure.Code}): {failure.Hint}");
            }
        }

        output.WriteLine();
    }

    /// <summary>
    /// A client message "<c>PUT URL failed: REASON (x-ms-request-id: …, x-ms-correlation-request-id: …)</c>" in its parts:
    /// the registration's URL (without the customer subscription and the query), the reason and the ids. Null for any
    /// other message (ours: not sent, cancelled), which is then shown as it is.
    /// </summary>
    private static (string RegistrationUrl, string Reason, string? Ids)? Parse(string? message)
    {
        if (message is null || ClientMessage().Match(message) is not { Success: true } match)
        {
            return null;
        }

        var url = match.Groups["url"].Value;
        var at = url.IndexOf("/customerSubscriptions", StringComparison.OrdinalIgnoreCase);
        var registrationUrl = at > 0 ? url[..at] : url.Split('?')[0];
        return (registrationUrl, match.Groups["reason"].Value.Trim(), match.Groups["ids"].Success ? match.Groups["ids"].Value : null);
    }

    private static char Symbol(ChangeAction action) => action switch
    {
        ChangeAction.Add => '+',
        ChangeAction.Overwrite => '~',
        ChangeAction.Remove => '-',
        _ => ' ',
    };

    [GeneratedRegex(@"^(?<method>[A-Z]+) (?<url>\S+) failed: (?<reason>.*?)(?: (?<ids>\((?:x-ms-request-id|x-ms-correlation-request-id): [^()]*\)))?$", RegexOptions.Singleline)]
    private static partial Regex ClientMessage();

    private sealed class Failure(string reason, string? code, string? hint)
    {
        public string Reason { get; } = reason;

        public string? Code { get; } = code;

        public string? Hint { get; } = hint;

        public int Count { get; set; }
    }
}
