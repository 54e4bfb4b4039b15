using System.Globalization;
using System.Text.Json;
using TenantReconciler.Live;

namespace TenantReconciler.Stamps;

/// <summary>
/// The stamp admin API's paged lists (user subscriptions, usage aggregates), read with <see cref="Utf8JsonReader"/> one
/// page at a time: nothing of a page is kept but what its callback copies out. Anything that cannot be used is a
/// <see cref="StampFormatException"/>.
/// </summary>
internal static class StampPageJson
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>One page of user subscriptions: each item to <paramref name="onItem"/>; returns the nextLink (null on the last page).</summary>
    public static string? ReadSubscriptionsPage(ReadOnlySpan<byte> body, Action<StampSubscription> onItem) =>
        ReadPage(body, "user subscriptions", (ref Utf8JsonReader reader, int index) => onItem(ReadSubscription(ref reader, index)));

    /// <summary>One page of usage aggregates: each (subscription, quantity) to <paramref name="onRecord"/>; returns the nextLink.</summary>
    public static string? ReadUsagePage(ReadOnlySpan<byte> body, Action<Guid, decimal> onRecord, ref long records)
    {
        var count = 0L;
        var next = ReadPage(body, "usage records", (ref Utf8JsonReader reader, int index) =>
        {
            var (subscription, quantity) = ReadUsage(ref reader, index);
            onRecord(subscription, quantity);
            count++;
        });
        records += count;
        return next;
    }

    private delegate void ItemReader(ref Utf8JsonReader reader, int index);

    private static string? ReadPage(ReadOnlySpan<byte> body, string what, ItemReader item)
    {
        var reader = new Utf8JsonReader(body, Options);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new StampFormatException($"the page of {what} is not a JSON object", "InvalidListPage");
            }

            string? next = null;
            var hasValue = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("value"))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw new StampFormatException($"the page's 'value' is not a list of {what}", "InvalidListPage");
                    }

                    hasValue = true;
                    var index = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw new StampFormatException($"item {index + 1} of the page is not an object", "InvalidListItem");
                        }

                        item(ref reader, index++);
                    }
                }
                else if (reader.ValueTextEquals("nextLink"))
                {
                    reader.Read();
                    next = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString() is { Length: > 0 } link ? link : null,
                        JsonTokenType.Null => null,
                        _ => throw new StampFormatException("the page's nextLink is not a string", "InvalidNextLink"),
                    };
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!hasValue)
            {
                throw new StampFormatException($"the page has no 'value' list of {what}", "InvalidListPage");
            }

            return next;
        }
        catch (JsonException e)
        {
            throw new StampFormatException($"the page is not valid JSON ({OutsideText.Sanitize(e.Message)})", "InvalidJson", e);
        }
    }

    /// <summary>An item's properties at the top level (<c>tenantId</c> is beside <c>subscriptionId</c>); the reader ends on its EndObject.</summary>
    private static StampSubscription ReadSubscription(ref Utf8JsonReader reader, int index)
    {
        string? subscription = null, tenant = null, state = null, delegated = null, name = null, owner = null, offer = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = reader.GetString();
            reader.Read();
            var value = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }

            switch (property)
            {
                case "subscriptionId":
                    subscription = value;
                    break;
                case "tenantId":
                    tenant = value;
                    break;
                case "state":
                    state = value;
                    break;
                case "delegatedProviderSubscriptionId":
                    delegated = value;
                    break;
                case "displayName":
                    name = value;
                    break;
                case "owner":
                    owner = value;
                    break;
                case "offerId":
                    offer = value;
                    break;
            }
        }

        if (!Guid.TryParse(subscription, out var subscriptionId) || !Guid.TryParse(tenant, out var tenantId))
        {
            throw new StampFormatException(
                $"user subscription {index + 1} of the page has no usable subscriptionId and tenantId ({CustomerSubscriptionJson.Quote(subscription)}, {CustomerSubscriptionJson.Quote(tenant)})",
                "InvalidListItem");
        }

        // No delegated provider given: counted as under a provider we cannot name (not visible), never as direct.
        var provider = Guid.TryParse(delegated, out var p) ? p : Guid.Empty;
        var offerName = offer is null ? null : offer.TrimEnd('/')[(offer.TrimEnd('/').LastIndexOf('/') + 1)..];
        return new StampSubscription(
            subscriptionId,
            tenantId,
            OutsideText.Sanitize(state ?? "Unknown"),
            provider,
            Clean(name),
            Clean(owner),
            Clean(offerName));
    }

    /// <summary><c>properties.subscriptionId</c> and <c>properties.quantity</c> (a number or a numeric string).</summary>
    private static (Guid Subscription, decimal Quantity) ReadUsage(ref Utf8JsonReader reader, int index)
    {
        string? subscription = null;
        Guid? id = null;
        decimal? quantity = null;
        string? badQuantity = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("properties"))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("subscriptionId"))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence
                        && System.Buffers.Text.Utf8Parser.TryParse(reader.ValueSpan, out Guid parsed, out var consumed) && consumed == reader.ValueSpan.Length)
                    {
                        // The usual form, read without a string per record.
                        id = parsed;
                        subscription = null;
                    }
                    else
                    {
                        id = null;
                        subscription = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }

                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("quantity"))
                {
                    reader.Read();
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.Number when reader.TryGetDecimal(out var number):
                            quantity = number;
                            break;
                        case JsonTokenType.String when decimal.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed):
                            quantity = parsed;
                            break;
                        case JsonTokenType.String:
                            badQuantity = reader.GetString();
                            break;
                        case JsonTokenType.StartObject or JsonTokenType.StartArray:
                            reader.Skip();
                            badQuantity = "(not a number)";
                            break;
                        default:
                            badQuantity = "(not a number)";
                            break;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        if (id is null && Guid.TryParse(subscription, out var spelled))
        {
            id = spelled;
        }

        if (id is not { } subscriptionId)
        {
            throw new StampFormatException($"usage record {index + 1} of the page has no usable properties.subscriptionId ({CustomerSubscriptionJson.Quote(subscription)})", "InvalidUsageRecord");
        }

        if (quantity is not { } value)
        {
            throw new StampFormatException($"usage record {index + 1} of the page has no usable quantity ({CustomerSubscriptionJson.Quote(badQuantity)}): a number or a numeric string is expected", "InvalidUsageRecord");
        }

        return (subscriptionId, value);
    }

    private static string? Clean(string? value) => string.IsNullOrEmpty(value) ? null : OutsideText.Sanitize(value);
}
