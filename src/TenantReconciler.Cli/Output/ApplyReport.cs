using TenantReconciler.Applying;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Output;

/// <summary>The per-change result of an apply: a summary line, and a table whenever anything was not done.</summary>
public static class ApplyReport
{
    public static void Write(TextWriter output, ApplyResult result)
    {
        output.WriteLine();
        if (!result.Succeeded)
        {
            output.WriteLine("Apply results:");
            foreach (var r in result.Results)
            {
                var outcome = r.Outcome switch
                {
                    ChangeOutcome.Done => "done",
                    ChangeOutcome.Failed => "failed",
                    _ => "not attempted",
                };
                output.Write($"  {outcome,-14} {Symbol(r.Change.Action)} {r.Registration.Name} customerSubscription {r.Change.CustomerSubscriptionId:D}");
                if (r.Error is null)
                {
                    output.WriteLine();
                    continue;
                }

                // ARM's message with its request id, then the code's hint on its own line (said once, not twice).
                var (message, hint) = ArmErrorText.Split(r.Error, r.ErrorCode, r.RequestId);
                output.WriteLine($": {message}");
                if (hint is not null)
                {
                    output.WriteLine($"  {string.Empty,-14}   hint ({r.ErrorCode}): {hint}");
                }
            }

            output.WriteLine();
        }

        var done = result.Results.Where(r => r.Outcome == ChangeOutcome.Done).Select(r => r.Change).ToArray();
        var s = PlanSummary.Of(done);
        output.WriteLine(
            $"Apply {(result.Succeeded ? "complete" : "incomplete")}! {s.Add} added, {s.Overwrite} overwritten, {s.Remove} removed; " +
            $"{result.Count(ChangeOutcome.Failed)} failed, {result.Count(ChangeOutcome.NotAttempted)} not attempted.");
    }

    private static char Symbol(ChangeAction action) => action switch
    {
        ChangeAction.Add => '+',
        ChangeAction.Overwrite => '~',
        ChangeAction.Remove => '-',
        _ => ' ',
    };
}
