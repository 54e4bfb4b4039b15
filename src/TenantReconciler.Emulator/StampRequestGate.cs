using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TenantReconciler.Emulator;

/// <summary>
/// What every request of the stamps' admin API passes first: its api-version, a stamp and provider subscription that
/// exist, and the faults configured for that read and page (each answered at most its <c>times</c>).
/// </summary>
internal sealed class StampRequestGate(EmulatorStore store)
{
    private readonly ConcurrentDictionary<(string Stamp, int Fault), int> _faultsAnswered = new();

    /// <summary>
    /// The answer that replaces the handler's, or null to go on with <paramref name="stamp"/>: a wrong api-version, an
    /// unknown stamp or provider subscription (404), or a configured fault for this read and page.
    /// </summary>
    public Task? Refuse(HttpContext context, string apiVersion, string read, int page, out EmulatorStamp stamp)
    {
        stamp = null!;
        var versions = context.Request.Query["api-version"];
        if (versions.Count != 1 || !string.Equals(versions[0], apiVersion, StringComparison.OrdinalIgnoreCase))
        {
            var requested = versions.ToString();
            return requested.Length == 0
                ? StampAdminApi.Error(context, StatusCodes.Status400BadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
                : StampAdminApi.Error(context, StatusCodes.Status400BadRequest, "InvalidApiVersionParameter", $"The api-version '{requested}' is invalid. The supported versions are '{apiVersion}'.");
        }

        var key = (string?)context.GetRouteValue("stamp") ?? string.Empty;
        var provider = (string?)context.GetRouteValue("provider");
        if (store.Stamp(key) is not { } found || (provider is not null && StampAdminApi.Normal(provider) != StampAdminApi.Normal(found.ProviderSubscriptionId)))
        {
            var shown = provider ?? key;
            return StampAdminApi.Error(context, StatusCodes.Status404NotFound, "SubscriptionNotFound", $"The subscription '{shown}' could not be found.");
        }

        stamp = found;
        var faults = found.Faults ?? [];
        for (var i = 0; i < faults.Count; i++)
        {
            var fault = faults[i];
            if (!string.Equals(fault.Read, read, StringComparison.OrdinalIgnoreCase) || (fault.Page is { } only && only != page))
            {
                continue;
            }

            var answered = _faultsAnswered.AddOrUpdate((StampAdminApi.Normal(found.ProviderSubscriptionId), i), 1, (_, n) => n + 1);
            if (fault.Times is { } times && answered > times)
            {
                continue;
            }

            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            var code = fault.Code ?? (fault.EffectiveStatus == StatusCodes.Status503ServiceUnavailable ? "ServiceUnavailable" : "InternalServerError");
            return StampAdminApi.Error(context, fault.EffectiveStatus, code, fault.Message ?? (fault.EffectiveStatus == StatusCodes.Status503ServiceUnavailable
                ? "The service is temporarily unavailable; retry the request later."
                : $"The {read} read failed."));
        }

        return null;
    }
}
