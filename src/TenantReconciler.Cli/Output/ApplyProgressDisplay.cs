using System.Globalization;
using Spectre.Console;
using TenantReconciler.Applying;
using TenantReconciler.Live;
using TenantReconciler.Planning;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// One Spectre.Console progress bar for the changes of an apply: done, failed and left, and "waiting" while requests
/// are in flight but none has finished for <see cref="WaitingAfter"/>.
/// </summary>
/// <remarks>
/// The ARM pipeline raises no event when it holds a request back (pacing on the
/// <c>x-ms-ratelimit-remaining-subscription-*</c> headers) or sleeps on a 429's <c>Retry-After</c>: both happen inside
/// Azure.Core's pipeline, below <see cref="IApplyObserver"/>. So a pause is inferred: requests are in flight and none
/// finished for a while, on the injected <see cref="TimeProvider"/> (the same clock the pacing waits on).
/// Refreshes are driven by that clock too (no refresh thread), at most every <see cref="RefreshInterval"/>.
/// Thread-safe: the observer calls come from the apply's parallel requests, the ticks from a timer.
/// </remarks>
internal sealed class ApplyProgressDisplay(IAnsiConsole console, TimeProvider time) : IProgressView
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan WaitingAfter = TimeSpan.FromSeconds(3);

    private readonly Lock gate = new();
    private readonly ChangesLeft changesLeft = new();
    private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ProgressContext? context;
    private ProgressTask? task;
    private Task? run;
    private ITimer? timer;
    private int total;
    private int done;
    private int failed;
    private int inFlight;
    private long lastFinished;
    private long lastRefresh;
    private bool stopped;

    public async Task StartAsync(Plan plan)
    {
        changesLeft.Add(plan);
        total = changesLeft.Count;
        lastFinished = lastRefresh = time.GetTimestamp();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new Progress(console, time)
            .AutoRefresh(false)
            .AutoClear(false)
            .ExcludeVerticalPadding(true)
            .Columns(
                new ProgressBarColumn { Width = 20 },
                new PercentageColumn(),
                new TaskDescriptionColumn { Alignment = Justify.Left });
        run = progress.StartAsync(async ctx =>
        {
            lock (gate)
            {
                context = ctx;
                task = ctx.AddTask(Describe(), maxValue: Math.Max(total, 1));
                ctx.Refresh();
            }

            ready.SetResult();
            await finished.Task;
        });

        // The run ends only when stopped; if it failed to start (a console error), surface that here.
        await Task.WhenAny(ready.Task, run);
        if (run.IsFaulted)
        {
            await run;
        }

        timer = time.CreateTimer(_ => Refresh(force: true), null, RefreshInterval, RefreshInterval);
    }

    public void Starting()
    {
        lock (gate)
        {
            inFlight++;
        }
    }

    public void Completed(RegistrationRef registration, PlannedOperation operation, ArmWriteResult? result, ArmRequestException? error)
    {
        lock (gate)
        {
            inFlight--;
            lastFinished = time.GetTimestamp();
            switch (changesLeft.Complete(registration, operation, error))
            {
                case RequestEffect.Unknown or RequestEffect.Pending:
                    return;
                case RequestEffect.Done:
                    done++;
                    break;
                case RequestEffect.Failed:
                    failed++;
                    break;
                case RequestEffect.NotSent:
                    break;
            }
        }

        Refresh(force: false);
    }

    /// <summary>Above the bar (Spectre draws the bar again below it).</summary>
    public void Say(string line) => console.MarkupLine(Markup.Escape(line));

    /// <summary>Draws the last state, leaves it on screen and gives the terminal back. Idempotent.</summary>
    public async Task StopAsync()
    {
        lock (gate)
        {
            if (stopped || run is null)
            {
                stopped = true;
                return;
            }

            stopped = true;
            timer?.Dispose();
            Update();
        }

        finished.TrySetResult();
        await run;
    }

    /// <summary>The description column: the counts, and the pause when there is one.</summary>
    internal string Describe()
    {
        var left = total - done - failed;
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"[green]{done} done[/], {(failed > 0 ? $"[red]{failed} failed[/]" : "0 failed")}, {left} left");
        var quiet = time.GetElapsedTime(lastFinished);
        if (!stopped && inFlight > 0 && quiet >= WaitingAfter)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", [yellow]waiting {(int)quiet.TotalSeconds} s (throttled?)[/]");
        }

        return text;
    }

    private void Refresh(bool force)
    {
        lock (gate)
        {
            if (stopped || context is null || (!force && time.GetElapsedTime(lastRefresh) < RefreshInterval))
            {
                return;
            }

            Update();
            context.Refresh();
        }
    }

    private void Update()
    {
        if (task is null)
        {
            return;
        }

        lastRefresh = time.GetTimestamp();
        task.Description = Describe();
        task.Value = done + failed;
    }
}
