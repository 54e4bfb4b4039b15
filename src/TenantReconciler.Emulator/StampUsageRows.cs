using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace TenantReconciler.Emulator;

/// <summary>
/// The usage aggregates a stamp reports for a window, as the admin API serves them: selected (the operator's own
/// tenants, not a delegated provider's) and rendered once per stamp and window, then paged.
/// </summary>
internal sealed class StampUsageRows
{
    private const string DefaultMeter = "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5";

    private readonly ConditionalWeakTable<EmulatorStamp, Dictionary<(DateTimeOffset, DateTimeOffset, DateTimeOffset), Selection>> _selections = new();

    /// <summary>
    /// The records of <paramref name="stamp"/> reported in [<paramref name="start"/>, <paramref name="end"/>) that the
    /// operator sees (not a delegated provider's), each with its subscription normalised, and the delegated
    /// subscriptions: computed once per stamp and window, so that 150 pages do not scan 150,000 records 150 times.
    /// A stamp is never changed by a request, and a new state brings new stamp instances.
    /// </summary>
    public Selection Selected(EmulatorStamp stamp, DateTimeOffset start, DateTimeOffset end, DateTimeOffset today)
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
                if (StampAdminApi.IsDelegated(stamp, subscription))
                {
                    delegated.Add(StampAdminApi.Normal(subscription.SubscriptionId));
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

                var subscription = StampAdminApi.Normal(record.SubscriptionId);
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

    public sealed record Selection(List<(EmulatorUsageRecord Record, string Subscription, byte[] Json)> Records, HashSet<string> Delegated);

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
}
