using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TenantReconciler.Emulator;

/// <summary>
/// The admin API of the state's stamps (<see cref="EmulatorStamp"/>), each at <c>/stamps/{providerSubscriptionId}</c>,
/// in the shapes of the azsadmin specifications: the metadata document (served without a token, as a stamp serves
/// it), the activation and its configuration, the user subscriptions and the usage aggregates, paged 1,000 to a page
/// with a <c>nextLink</c>, and their errors: <c>RequestEndTimeIsInFuture</c>, <c>InvalidAggregationGranularity</c>,
/// <c>SubscriberIdIsNotDirectTenant</c>, a wrong <c>api-version</c>, and configured faults (503 <c>ServiceUnavailable</c>).
/// </summary>
internal sealed class StampAdminApi(EmulatorStore store, EmulatorOptions options)
{
    /// <summary>Rows on a page of user subscriptions or of usage, as the service pages them.</summary>
    public const int PageSize = 1000;

    public const string MetadataApiVersion = "2015-01-01";
    public const string ActivationApiVersion = "2016-01-01";
    public const string SubscriptionsApiVersion = "2015-11-01";
    public const string UsageApiVersion = "2015-06-01-preview";

    public const string Prefix = "/stamps";

    public const string MetadataRoute = Prefix + "/{stamp}/metadata/endpoints";

    public const string ActivationRoute =
        Prefix + "/{stamp}/subscriptions/{provider}/resourceGroups/azurestack-activation/providers/Microsoft.AzureBridge.Admin/activations/default";

    public const string ConfigurationRoute = ActivationRoute + "/configuration";

    public const string SubscriptionsRoute = Prefix + "/{stamp}/subscriptions/{provider}/providers/Microsoft.Subscriptions.Admin/subscriptions";

    public const string UsageRoute = Prefix + "/{stamp}/subscriptions/{provider}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates";

    private const string DefaultMeter = "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5";
    private const string SkipToken = "$skipToken";
    private const string ContinuationToken = "continuationToken";

    private readonly ConcurrentDictionary<(string Stamp, int Fault), int> _faultsAnswered = new();
    private readonly ConditionalWeakTable<EmulatorStamp, Dictionary<(DateTimeOffset, DateTimeOffset, DateTimeOffset), Selection>> _selections = new();

    /// <summary>True for every path of the stamps' admin API (they have their own api-versions).</summary>
    public static bool IsStampPath(PathString path) => path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for a stamp's metadata document, which a stamp serves without a token (it says where to get one).</summary>
    public static bool IsMetadataPath(PathString path) =>
        IsStampPath(path) && path.Value!.EndsWith("/metadata/endpoints", StringComparison.OrdinalIgnoreCase)
        && path.Value.Count(c => c == '/') == 4;

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.Map(MetadataRoute, MetadataAsync);
        routes.Map(ActivationRoute, ActivationAsync);
        routes.Map(ConfigurationRoute, ConfigurationAsync);
        routes.Map(SubscriptionsRoute, SubscriptionsAsync);
        routes.Map(UsageRoute, UsageAsync);
    }

    private Task MetadataAsync(HttpContext context)
    {
        if (Refuse(context, MetadataApiVersion, EmulatorStampFault.Metadata, page: 1, out var stamp) is { } refused)
        {
            return refused;
        }

        var adfs = string.Equals(stamp.IdentitySystem, EmulatorStamp.Adfs, StringComparison.OrdinalIgnoreCase);
        var id = StableGuid(stamp.ProviderSubscriptionId.ToUpperInvariant()).ToString("D");
        var login = stamp.LoginEndpoint ?? (adfs ? "https://adfs.local.azurestack.external/adfs/" : "https://login.microsoftonline.com/");
        var audience = stamp.Audience ?? (adfs
            ? $"https://adminmanagement.adfs.local.azurestack.external/{id}"
            : $"https://adminmanagement.contoso.onmicrosoft.com/{id}");
        return ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("galleryEndpoint", "https://adminmanagement.local.azurestack.external:30016/");
            writer.WriteString("graphEndpoint", adfs ? "https://graph.local.azurestack.external/" : "https://graph.windows.net/");
            writer.WriteString("portalEndpoint", "https://adminportal.local.azurestack.external/");
            writer.WriteStartObject("authentication");
            writer.WriteString("loginEndpoint", login);
            writer.WriteStartArray("audiences");
            writer.WriteStringValue(audience);
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    private Task ActivationAsync(HttpContext context)
    {
        if (Refuse(context, ActivationApiVersion, EmulatorStampFault.Activation, page: 1, out var stamp) is { } refused)
        {
            return refused;
        }

        if (stamp.Activation is not { } activation)
        {
            return NoActivationAsync(context);
        }

        return ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("id", $"/subscriptions/{stamp.ProviderSubscriptionId}/resourceGroups/azurestack-activation/providers/Microsoft.AzureBridge.Admin/activations/default");
            writer.WriteString("name", "default");
            writer.WriteString("type", "Microsoft.AzureBridge.Admin/activations");
            writer.WriteString("location", "local");
            writer.WriteStartObject("properties");
            writer.WriteString("azureRegistrationResourceIdentifier", activation.RegistrationId);
            writer.WriteString("displayName", "Azure Stack Activation");
            writer.WriteString("expiration", "9999-12-30T15:59:59");
            writer.WriteBoolean("marketplaceSyndicationEnabled", true);
            writer.WriteBoolean("usageReportingEnabled", activation.UsageReportingEnabled ?? true);
            writer.WriteString("provisioningState", "Succeeded");
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    private Task ConfigurationAsync(HttpContext context)
    {
        if (Refuse(context, ActivationApiVersion, EmulatorStampFault.Activation, page: 1, out var stamp) is { } refused)
        {
            return refused;
        }

        if (stamp.Activation is not { } activation)
        {
            return NoActivationAsync(context);
        }

        return ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("deviceVersion", activation.DeviceVersion ?? "1.2408.1.50");
            writer.WriteString("identitySystem", string.Equals(stamp.IdentitySystem, EmulatorStamp.Adfs, StringComparison.OrdinalIgnoreCase) ? "ADFS" : "AzureAD");
            writer.WriteEndObject();
        });
    }

    private Task SubscriptionsAsync(HttpContext context)
    {
        if (!TryReadOffset(context, SkipToken, out var offset, out var badToken))
        {
            return badToken!;
        }

        if (Refuse(context, SubscriptionsApiVersion, EmulatorStampFault.Subscriptions, PageOf(offset), out var stamp) is { } refused)
        {
            return refused;
        }

        var items = stamp.Subscriptions ?? [];
        if (offset > items.Count)
        {
            return InvalidTokenAsync(context, SkipToken);
        }

        var end = Math.Min(items.Count, offset + PageSize);
        return ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("value");
            for (var i = offset; i < end; i++)
            {
                WriteSubscription(writer, stamp, items[i]);
            }

            writer.WriteEndArray();
            if (end < items.Count)
            {
                writer.WriteString("nextLink", NextLink(context, SkipToken, end.ToString(CultureInfo.InvariantCulture)));
            }

            writer.WriteEndObject();
        });
    }

    private Task UsageAsync(HttpContext context)
    {
        if (!TryReadOffset(context, ContinuationToken, out var offset, out var badToken))
        {
            return badToken!;
        }

        if (Refuse(context, UsageApiVersion, EmulatorStampFault.Usage, PageOf(offset), out var stamp) is { } refused)
        {
            return refused;
        }

        var query = context.Request.Query;
        if (ReadTime(context, "reportedStartTime", out var start) is { } badStart)
        {
            return badStart;
        }

        if (ReadTime(context, "reportedEndTime", out var end) is { } badEnd)
        {
            return badEnd;
        }

        var granularity = query["aggregationGranularity"].ToString();
        var daily = granularity.Length == 0 || string.Equals(granularity, "Daily", StringComparison.OrdinalIgnoreCase);
        if (!daily && !string.Equals(granularity, "Hourly", StringComparison.OrdinalIgnoreCase))
        {
            return Error(context, StatusCodes.Status400BadRequest, "InvalidAggregationGranularity", $"The aggregation granularity '{granularity}' is not valid; it must be 'Daily' or 'Hourly'.");
        }

        if (daily && (start.TimeOfDay != TimeSpan.Zero || end.TimeOfDay != TimeSpan.Zero))
        {
            return Error(context, StatusCodes.Status400BadRequest, "InvalidReportedTime", "With the 'Daily' granularity, reportedStartTime and reportedEndTime must be at midnight UTC.");
        }

        if (end <= start)
        {
            return Error(context, StatusCodes.Status400BadRequest, "InvalidReportedTime", "reportedEndTime must be later than reportedStartTime.");
        }

        var today = new DateTimeOffset(options.TimeProvider.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        if (end > today)
        {
            return Error(context, StatusCodes.Status400BadRequest, "RequestEndTimeIsInFuture", $"The reportedEndTime '{end:yyyy-MM-ddTHH:mm:ssZ}' is in the future or today; usage can be read up to {today:yyyy-MM-ddTHH:mm:ssZ}.");
        }

        var selected = Selected(stamp, start, end, today);
        string? subscriber = null;
        if (query["subscriberId"].ToString() is { Length: > 0 } subscriberId)
        {
            subscriber = Normal(subscriberId);
            if (selected.Delegated.Contains(subscriber))
            {
                return Error(context, StatusCodes.Status400BadRequest, "SubscriberIdIsNotDirectTenant", $"The subscriber '{subscriberId}' is not a direct tenant of the provider.");
            }
        }

        // The records in the window, of direct tenants (and of subscriptions no longer listed), in state order.
        var rows = subscriber is null ? selected.Records : selected.Records.Where(r => r.Subscription == subscriber).ToList();
        if (offset > 0 && offset >= rows.Count)
        {
            return InvalidTokenAsync(context, ContinuationToken);
        }

        var page = new List<byte[]>(Math.Min(PageSize, rows.Count - offset));
        for (var i = offset; i < rows.Count && page.Count < PageSize; i++)
        {
            page.Add(rows[i].Json);
        }

        var more = offset + page.Count < rows.Count;
        return ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("value");
            foreach (var row in page)
            {
                writer.WriteRawValue(row, skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (more)
            {
                var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + (offset + PageSize).ToString(CultureInfo.InvariantCulture)));
                writer.WriteString("nextLink", NextLink(context, ContinuationToken, token));
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// The records of <paramref name="stamp"/> reported in [<paramref name="start"/>, <paramref name="end"/>) that the
    /// operator sees (not a delegated provider's), each with its subscription normalised, and the delegated
    /// subscriptions: computed once per stamp and window, so that 150 pages do not scan 150,000 records 150 times.
    /// A stamp is never changed by a request, and a new state brings new stamp instances.
    /// </summary>
    private Selection Selected(EmulatorStamp stamp, DateTimeOffset start, DateTimeOffset end, DateTimeOffset today)
    {
        var cache = _selections.GetOrCreateValue(stamp);
        lock (cache)
        {
            var key = (start, end, today);
            if (cache.TryGetValue(key, out var cached))
            {
                return cached;
            }

            var delegated = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var subscription in stamp.Subscriptions ?? [])
            {
                if (IsDelegated(stamp, subscription))
                {
                    delegated.Add(Normal(subscription.SubscriptionId));
                }
            }

            var records = new List<(EmulatorUsageRecord, string, byte[])>();
            foreach (var record in stamp.Usage ?? [])
            {
                var reported = record.ReportedAt(today);
                if (reported < start || reported >= end)
                {
                    continue;
                }

                var subscription = Normal(record.SubscriptionId);
                if (!delegated.Contains(subscription))
                {
                    // Each row rendered once: a page is then a copy of its rows (150 pages of 1,000 stay cheap to serve).
                    var buffer = new ArrayBufferWriter<byte>(1024);
                    using (var writer = new Utf8JsonWriter(buffer, ArmResponses.WriterOptions))
                    {
                        WriteUsage(writer, record, today);
                    }

                    records.Add((record, subscription, buffer.WrittenSpan.ToArray()));
                }
            }

            var selection = new Selection(records, delegated);
            if (cache.Count > 16)
            {
                cache.Clear();
            }

            cache[key] = selection;
            return selection;
        }
    }

    private sealed record Selection(List<(EmulatorUsageRecord Record, string Subscription, byte[] Json)> Records, HashSet<string> Delegated);

    private static void WriteSubscription(Utf8JsonWriter writer, EmulatorStamp stamp, EmulatorUserSubscription subscription)
    {
        writer.WriteStartObject();
        writer.WriteString("id", $"/subscriptions/{stamp.ProviderSubscriptionId}/providers/Microsoft.Subscriptions.Admin/subscriptions/{subscription.SubscriptionId}");
        writer.WriteString("subscriptionId", subscription.SubscriptionId);
        writer.WriteString("delegatedProviderSubscriptionId", subscription.DelegatedProviderSubscriptionId ?? stamp.ProviderSubscriptionId);
        writer.WriteString("displayName", subscription.DisplayName ?? $"Subscription {subscription.SubscriptionId}");
        if (subscription.Owner is { } owner)
        {
            writer.WriteString("owner", owner);
        }

        writer.WriteString("tenantId", subscription.TenantId);
        writer.WriteString("routingResourceManagerType", "Default");
        if (subscription.Offer is { } offer)
        {
            writer.WriteString("offerId", $"/subscriptions/{subscription.DelegatedProviderSubscriptionId ?? stamp.ProviderSubscriptionId}/resourceGroups/offers/providers/Microsoft.Subscriptions.Admin/offers/{offer}");
        }

        writer.WriteString("state", subscription.EffectiveState);
        writer.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter writer, EmulatorUsageRecord record, DateTimeOffset today)
    {
        var meter = record.MeterId ?? DefaultMeter;
        writer.WriteStartObject();
        writer.WriteString("id", $"/subscriptions/{record.SubscriptionId}/providers/Microsoft.Commerce.Admin/UsageAggregate/{record.SubscriptionId}-{meter}");
        writer.WriteString("name", $"{record.SubscriptionId}-{meter}");
        writer.WriteString("type", "Microsoft.Commerce.Admin/UsageAggregate");
        writer.WriteStartObject("properties");
        writer.WriteString("subscriptionId", record.SubscriptionId);
        writer.WriteString("usageStartTime", record.StartTime(today).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
        writer.WriteString("usageEndTime", record.EndTime(today).ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture));
        writer.WriteString(
            "instanceData",
            $$$"""{"Microsoft.Resources":{"resourceUri":"/subscriptions/{{{record.SubscriptionId}}}/resourceGroups/web/providers/Microsoft.Compute/virtualMachines/vm1","location":"local","tags":null,"additionalInfo":null}}""");
        if (record.QuantityText is { } text)
        {
            writer.WriteString("quantity", text);
        }
        else
        {
            writer.WriteNumber("quantity", record.Quantity);
        }

        writer.WriteString("meterId", meter);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// The answer that replaces the handler's, or null to go on with <paramref name="stamp"/>: a wrong api-version, an
    /// unknown stamp or provider subscription (404), or a configured fault for this read and page.
    /// </summary>
    private Task? Refuse(HttpContext context, string apiVersion, string read, int page, out EmulatorStamp stamp)
    {
        stamp = null!;
        var versions = context.Request.Query["api-version"];
        if (versions.Count != 1 || !string.Equals(versions[0], apiVersion, StringComparison.OrdinalIgnoreCase))
        {
            var requested = versions.ToString();
            return requested.Length == 0
                ? Error(context, StatusCodes.Status400BadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
                : Error(context, StatusCodes.Status400BadRequest, "InvalidApiVersionParameter", $"The api-version '{requested}' is invalid. The supported versions are '{apiVersion}'.");
        }

        var key = (string?)context.GetRouteValue("stamp") ?? string.Empty;
        var provider = (string?)context.GetRouteValue("provider");
        if (store.Stamp(key) is not { } found || (provider is not null && Normal(provider) != Normal(found.ProviderSubscriptionId)))
        {
            var shown = provider ?? key;
            return Error(context, StatusCodes.Status404NotFound, "SubscriptionNotFound", $"The subscription '{shown}' could not be found.");
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

            var answered = _faultsAnswered.AddOrUpdate((Normal(found.ProviderSubscriptionId), i), 1, (_, n) => n + 1);
            if (fault.Times is { } times && answered > times)
            {
                continue;
            }

            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            var code = fault.Code ?? (fault.EffectiveStatus == StatusCodes.Status503ServiceUnavailable ? "ServiceUnavailable" : "InternalServerError");
            return Error(context, fault.EffectiveStatus, code, fault.Message ?? (fault.EffectiveStatus == StatusCodes.Status503ServiceUnavailable
                ? "The service is temporarily unavailable; retry the request later."
                : $"The {read} read failed."));
        }

        return null;
    }

    private static Task NoActivationAsync(HttpContext context) =>
        Error(context, StatusCodes.Status404NotFound, "ResourceNotFound", "The Resource 'Microsoft.AzureBridge.Admin/activations/default' under resource group 'azurestack-activation' was not found.");

    private static Task? ReadTime(HttpContext context, string name, out DateTimeOffset value)
    {
        value = default;
        var text = context.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            return Error(context, StatusCodes.Status400BadRequest, "MissingRequiredParameter", $"The query parameter '{name}' is required.");
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return Error(context, StatusCodes.Status400BadRequest, "InvalidReportedTime", $"'{name}' ('{text}') is not a date and time.");
        }

        value = parsed.ToUniversalTime();
        if (value.Minute != 0 || value.Second != 0 || value.Millisecond != 0)
        {
            return Error(context, StatusCodes.Status400BadRequest, "InvalidReportedTime", $"'{name}' must be on the hour (UTC).");
        }

        return null;
    }

    /// <summary>The offset a page token carries (0 without one); false with the 400 when it is not one of ours.</summary>
    private static bool TryReadOffset(HttpContext context, string name, out int offset, out Task? refused)
    {
        offset = 0;
        refused = null;
        var values = context.Request.Query[name];
        if (values.Count == 0)
        {
            return true;
        }

        var text = values.ToString();
        if (name == ContinuationToken)
        {
            try
            {
                text = Encoding.UTF8.GetString(Convert.FromBase64String(text));
                text = text.StartsWith("offset:", StringComparison.Ordinal) ? text["offset:".Length..] : string.Empty;
            }
            catch (FormatException)
            {
                text = string.Empty;
            }
        }

        if (values.Count == 1 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out offset) && offset > 0)
        {
            return true;
        }

        refused = InvalidTokenAsync(context, name);
        return false;
    }

    private static Task InvalidTokenAsync(HttpContext context, string name) =>
        Error(context, StatusCodes.Status400BadRequest, "InvalidContinuationToken", $"The '{name}' of the request is not valid.");

    /// <summary>The request's own URL (as the client addressed it) with the page token replaced.</summary>
    private static string NextLink(HttpContext context, string name, string token)
    {
        var request = context.Request;
        var builder = new StringBuilder();
        builder.Append(request.Scheme).Append("://").Append(request.Host.ToUriComponent()).Append(request.PathBase.ToUriComponent()).Append(request.Path.ToUriComponent());
        var separator = '?';
        foreach (var (key, values) in request.Query)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                builder.Append(separator).Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value ?? string.Empty));
                separator = '&';
            }
        }

        builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(token));
        return builder.ToString();
    }

    private static int PageOf(int offset) => (offset / PageSize) + 1;

    private static bool IsDelegated(EmulatorStamp stamp, EmulatorUserSubscription subscription) =>
        subscription.DelegatedProviderSubscriptionId is { } delegated && Normal(delegated) != Normal(stamp.ProviderSubscriptionId);

    private static string Normal(string id) => Guid.TryParse(id, out var guid) ? guid.ToString("D") : id.ToUpperInvariant();

    private static Task Error(HttpContext context, int status, string code, string message) =>
        ArmResponses.WriteErrorAsync(context, new ArmError(status, code, message));

    private static Guid StableGuid(string text) => new(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
