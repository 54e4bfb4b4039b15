using System.Globalization;
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

    private readonly StampRequestGate _gate = new(store);
    private readonly StampUsageRows _usage = new();

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
        if (_gate.Refuse(context, MetadataApiVersion, EmulatorStampFault.Metadata, page: 1, out var stamp) is { } refused)
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

    private Task ActivationAsync(HttpContext context) => WithActivationAsync(context, (writer, stamp, activation) =>
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

    private Task ConfigurationAsync(HttpContext context) => WithActivationAsync(context, (writer, stamp, activation) =>
        {
            writer.WriteStartObject();
            writer.WriteString("deviceVersion", activation.DeviceVersion ?? "1.2408.1.50");
            writer.WriteString("identitySystem", string.Equals(stamp.IdentitySystem, EmulatorStamp.Adfs, StringComparison.OrdinalIgnoreCase) ? "ADFS" : "AzureAD");
            writer.WriteEndObject();
        });

    /// <summary>The activation's documents: refused as <see cref="StampRequestGate.Refuse"/> says, 404 without an activation, else <paramref name="write"/>'s body.</summary>
    private Task WithActivationAsync(HttpContext context, Action<Utf8JsonWriter, EmulatorStamp, EmulatorActivation> write)
    {
        if (_gate.Refuse(context, ActivationApiVersion, EmulatorStampFault.Activation, page: 1, out var stamp) is { } refused)
        {
            return refused;
        }

        if (stamp.Activation is not { } activation)
        {
            return NoActivationAsync(context);
        }

        return ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer => write(writer, stamp, activation));
    }

    private Task SubscriptionsAsync(HttpContext context)
    {
        if (!StampPaging.TryReadOffset(context, StampPaging.SkipToken, out var offset, out var badToken))
        {
            return badToken!;
        }

        if (_gate.Refuse(context, SubscriptionsApiVersion, EmulatorStampFault.Subscriptions, StampPaging.PageOf(offset), out var stamp) is { } refused)
        {
            return refused;
        }

        var items = stamp.Subscriptions ?? [];
        if (offset > items.Count)
        {
            return StampPaging.InvalidTokenAsync(context, StampPaging.SkipToken);
        }

        return StampPaging.WritePageAsync(context, items, offset, (writer, item) => WriteSubscription(writer, stamp, item), StampPaging.SkipToken, StampPaging.SkipTokenOf);
    }

    private Task UsageAsync(HttpContext context)
    {
        if (!StampPaging.TryReadOffset(context, StampPaging.ContinuationToken, out var offset, out var badToken))
        {
            return badToken!;
        }

        if (_gate.Refuse(context, UsageApiVersion, EmulatorStampFault.Usage, StampPaging.PageOf(offset), out var stamp) is { } refused)
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

        var selected = _usage.Selected(stamp, start, end, today);
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
            return StampPaging.InvalidTokenAsync(context, StampPaging.ContinuationToken);
        }

        return StampPaging.WritePageAsync(context, rows, offset, static (writer, row) => writer.WriteRawValue(row.Json, skipInputValidation: true), StampPaging.ContinuationToken, StampPaging.ContinuationTokenOf);
    }

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

    internal static bool IsDelegated(EmulatorStamp stamp, EmulatorUserSubscription subscription) =>
        subscription.DelegatedProviderSubscriptionId is { } delegated && Normal(delegated) != Normal(stamp.ProviderSubscriptionId);

    internal static string Normal(string id) => Guid.TryParse(id, out var guid) ? guid.ToString("D") : id.ToUpperInvariant();

    internal static Task Error(HttpContext context, int status, string code, string message) =>
        ArmResponses.WriteErrorAsync(context, new ArmError(status, code, message));

    private static Guid StableGuid(string text) => new(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
}
