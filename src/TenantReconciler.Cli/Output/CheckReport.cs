using TenantReconciler.Preflight;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// The lines of <c>check</c>: one per check, ✔ passed, ✘ failed, ○ skipped; under a failure, what ARM (or the
/// credential) said with its request id, the hint of ARM's error code, and the fix. Ends with a count.
/// </summary>
public sealed class CheckReport(TextWriter output)
{
    public const string Passed = "✔";
    public const string Failed = "✘";
    public const string Skipped = "○";

    private int _passed;
    private int _failed;
    private int _skipped;

    public bool AnyFailed => _failed > 0;

    public void Write(CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        switch (result.Status)
        {
            case CheckStatus.Passed:
                _passed++;
                output.WriteLine($"{Passed} {result.Text}");
                break;
            case CheckStatus.Skipped:
                _skipped++;
                output.WriteLine($"{Skipped} {result.Text}");
                break;
            default:
                _failed++;
                output.WriteLine($"{Failed} {result.Text}");
                WriteFailure(result);
                break;
        }

        output.Flush();
    }

    /// <summary>The closing line: how many checks passed, failed and were skipped.</summary>
    public void WriteSummary()
    {
        var total = _passed + _failed + _skipped;
        output.WriteLine();
        output.WriteLine(
            _failed == 0 && _skipped == 0 ? $"All {total} checks passed."
            : _failed == 0 ? $"{_passed} of {total} checks passed, {_skipped} not checked."
            : $"{_failed} of {total} checks failed, {_skipped} skipped, {_passed} passed.");
    }

    private void WriteFailure(CheckResult result)
    {
        string? hint = null;
        if (result.Detail is not null)
        {
            var (message, codeHint) = ArmErrorText.Split(result.Detail, result.ErrorCode, result.RequestId);
            hint = codeHint;
            foreach (var line in message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                output.WriteLine($"    {line}");
            }
        }
        else
        {
            hint = Live.ArmErrorHints.HintFor(result.ErrorCode);
        }

        if (hint is not null)
        {
            output.WriteLine($"    hint ({result.ErrorCode}): {hint}");
        }

        if (result.Fix is not null)
        {
            output.WriteLine($"    fix: {Commands.Options.OptionNames.Spell(result.Fix)}");
        }
    }
}
