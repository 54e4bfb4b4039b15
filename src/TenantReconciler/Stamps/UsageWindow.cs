using System.Globalization;

namespace TenantReconciler.Stamps;

/// <summary>
/// The usage window: the last <see cref="Days"/> complete UTC days, from <see cref="Start"/> (inclusive, a midnight) to
/// <see cref="End"/> (exclusive, today's midnight UTC), so its end is never in the future.
/// </summary>
public sealed record UsageWindow(DateTimeOffset Start, DateTimeOffset End, int Days)
{
    /// <summary><c>--usage-days</c> when not given.</summary>
    public const int DefaultDays = 7;

    /// <summary>The most days a window may have: the stamp keeps usage for a few weeks only.</summary>
    public const int MaxDays = 90;

    /// <summary>The last <paramref name="days"/> complete UTC days before now on <paramref name="clock"/>.</summary>
    public static UsageWindow LastCompleteDays(TimeProvider clock, int days)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(days, MaxDays);
        var end = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        return new UsageWindow(end.AddDays(-days), end, days);
    }

    /// <summary>"between 2026-11-24 and 2026-12-01 (UTC)".</summary>
    public string Between => $"between {Day(Start)} and {Day(End)} (UTC)";

    /// <summary>"in the last 7 days".</summary>
    public string InTheLast => Days == 1 ? "in the last day" : $"in the last {Days.ToString(CultureInfo.InvariantCulture)} days";

    /// <summary>The query's form of a time: <c>2026-11-24T00:00:00Z</c>.</summary>
    public static string QueryTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>2026-11-24</c>.</summary>
    public static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
