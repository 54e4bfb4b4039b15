using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TenantReconciler.Emulator;

/// <summary>
/// How the stamps' admin API pages a list, as the service does: <see cref="PageSize"/> rows to a page, a
/// <c>nextLink</c> that is the request's own URL with the page token replaced (<c>$skipToken</c>, a plain offset, for
/// the user subscriptions; <c>continuationToken</c>, an opaque base64 offset, for usage), and a 400
/// <c>InvalidContinuationToken</c> for a token that is not one of ours. One writer for every paged list.
/// </summary>
internal static class StampPaging
{
    /// <summary>Rows on a page of user subscriptions or of usage, as the service pages them.</summary>
    public const int PageSize = 1000;

    public const string SkipToken = "$skipToken";
    public const string ContinuationToken = "continuationToken";

    /// <summary>
    /// The page of <paramref name="items"/> from <paramref name="offset"/>: <c>{"value": [...], "nextLink": ...}</c>,
    /// with a <c>nextLink</c> (its token <paramref name="token"/> of the next offset) when rows are left.
    /// </summary>
    public static Task WritePageAsync<T>(HttpContext context, IReadOnlyList<T> items, int offset, Action<Utf8JsonWriter, T> write, string tokenName, Func<int, string> token)
    {
        var end = Math.Min(items.Count, offset + PageSize);
        return ArmResponses.WriteJsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("value");
            for (var i = offset; i < end; i++)
            {
                write(writer, items[i]);
            }

            writer.WriteEndArray();
            if (end < items.Count)
            {
                writer.WriteString("nextLink", NextLink(context, tokenName, token(end)));
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>The <c>$skipToken</c> of the page at <paramref name="offset"/>.</summary>
    public static string SkipTokenOf(int offset) => offset.ToString(CultureInfo.InvariantCulture);

    /// <summary>The <c>continuationToken</c> of the page at <paramref name="offset"/>.</summary>
    public static string ContinuationTokenOf(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The offset a page token carries (0 without one); false with the 400 when it is not one of ours.</summary>
    public static bool TryReadOffset(HttpContext context, string name, out int offset, out Task? refused)
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

    public static Task InvalidTokenAsync(HttpContext context, string name) =>
        StampAdminApi.Error(context, StatusCodes.Status400BadRequest, "InvalidContinuationToken", $"The '{name}' of the request is not valid.");

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

    /// <summary>The page (from 1) that starts at <paramref name="offset"/>, as a fault names it.</summary>
    public static int PageOf(int offset) => (offset / PageSize) + 1;
}
