using System.Globalization;
using Azure.Core;

namespace TenantReconciler.Live;

/// <summary>
/// The server's requested wait, read as Azure.Core's delay strategy reads it: <c>retry-after-ms</c> or
/// <c>x-ms-retry-after-ms</c> (milliseconds) first, then <c>Retry-After</c> (seconds, or an HTTP date).
/// </summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Read(ResponseHeaders headers, DateTimeOffset now)
    {
        if ((headers.TryGetValue("retry-after-ms", out var milliseconds) || headers.TryGetValue("x-ms-retry-after-ms", out milliseconds))
            && int.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (headers.TryGetValue("Retry-After", out var value))
        {
            if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var wait = date - now;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }
}
