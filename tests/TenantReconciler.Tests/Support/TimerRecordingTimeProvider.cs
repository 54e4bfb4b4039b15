using System.Threading.Channels;

namespace TenantReconciler.Tests.Support;

/// <summary>
/// A fake clock that tells the test each time the code under test starts waiting on it (a timer is created: a
/// <c>Task.Delay</c> or a timeout), so the test advances time exactly when the code is waiting — no sleeps.
/// </summary>
public sealed class TimerRecordingTimeProvider : FakeTimeProvider
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits for the next timer to be created and returns its due time.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var timeout = new CancellationTokenSource(WaitTimeout);
        try
        {
            return await _created.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no timer was created within {WaitTimeout}");
        }
    }

    /// <summary>Waits for the next timer due in one of <paramref name="dueTimes"/> (skipping other timers) and returns its due time.</summary>
    public async Task<TimeSpan> NextTimerAmongAsync(params TimeSpan[] dueTimes)
    {
        while (true)
        {
            var dueTime = await NextTimerAsync();
            if (dueTimes.Contains(dueTime))
            {
                return dueTime;
            }
        }
    }

    /// <summary>Waits until a timer due in <paramref name="dueTime"/> has been created (skipping other timers).</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        using var timeout = new CancellationTokenSource(WaitTimeout);
        try
        {
            while (await _created.Reader.ReadAsync(timeout.Token) != dueTime)
            {
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no timer due in {dueTime} was created within {WaitTimeout}");
        }
    }
}
