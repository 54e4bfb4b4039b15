using System.CommandLine;
using TenantReconciler.Cli.Composition;

namespace TenantReconciler.Cli.Commands.Options;

/// <summary>How hard apply may push ARM, where it journals, and which lock it holds. None of these come from tenants.yaml.</summary>
public sealed record WriteLimits(int Parallelism, TimeSpan MaxRetryWait, JournalArguments Journal, LeaseArguments? Lock);

/// <summary>The write options of apply: <c>--parallelism</c>, <c>--max-retry-wait</c>, <c>--journal</c> and the lock.</summary>
public sealed class WriteOptions
{
    private readonly Option<int> _parallelism = CommonOptions.Parallelism();

    private readonly Option<TimeSpan> _maxRetryWait = CommonOptions.Seconds(
        "--max-retry-wait",
        "Seconds: a Retry-After longer than this fails the change at once instead of waiting (default 60).",
        TimeSpan.FromSeconds(60),
        TimeSpan.FromHours(24));

    private readonly JournalOptions _journal = new();

    private readonly LeaseOptions _lock = LeaseOptions.ForApply();

    public void AddTo(Command command)
    {
        command.Options.Add(_parallelism);
        command.Options.Add(_maxRetryWait);
        _journal.AddTo(command);
        _lock.AddTo(command);
    }

    public WriteLimits Parse(ParseResult parseResult)
    {
        return new(
            parseResult.GetValue(_parallelism),
            parseResult.GetValue(_maxRetryWait),
            _journal.Parse(parseResult),
            _lock.Parse(parseResult));
    }
}
