using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Azure.Core;

namespace TenantReconciler.Live;

/// <summary>Reads ARM response bodies for <c>customerSubscriptions</c>. Pure: bytes in, values or <see cref="ArmResponseFormatException"/> out.</summary>
internal static class CustomerSubscriptionJson
{
    private const int MaxQuotedLength = 200;

    private static readonly string ChildResourceType =
        $"{RegistrationRef.ProviderNamespace}/{RegistrationRef.ResourceType}/{RegistrationRef.ChildResourceType}";

    public static bool IsEmpty(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Adds the page's items to <paramref name="mappings"/> and returns its <c>nextLink</c> (null when absent, null or empty).
    /// An empty body is a page without items (the product document's "you won't receive a response").
    /// </summary>
    public static string? ReadListPage(ReadOnlyMemory<byte> body, RegistrationRef registration, List<LiveMapping> mappings)
    {
        using var document = ParseObject(body, "the listing");
        if (document is null)
        {
            return null;
        }

        var root = document.RootElement;

        if (!root.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
        {
            throw new ArmResponseFormatException("InvalidResponse", "the listing has no 'value' array");
        }

        var index = 0;
        var prefix = new ChildIdPrefix(registration);
        foreach (var item in value.EnumerateArray())
        {
            mappings.Add(ReadItem(item, index, registration, prefix));
            index++;
        }

        if (!root.TryGetProperty("nextLink", out var nextLink) || nextLink.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (nextLink.ValueKind != JsonValueKind.String)
        {
            throw new ArmResponseFormatException("InvalidResponse", $"'nextLink' is a JSON {nextLink.ValueKind}, not a string");
        }

        var link = nextLink.GetString();
        return string.IsNullOrEmpty(link) ? null : link;
    }

    /// <summary><c>properties.tenantId</c> of a PUT response body, or null when the body is empty or does not carry one.</summary>
    public static string? ReadTenantId(ReadOnlyMemory<byte> body)
    {
        using var document = ParseObject(body, "the response");
        if (document is null)
        {
            return null;
        }

        var root = document.RootElement;

        return root.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty("tenantId", out var tenantId)
            && tenantId.ValueKind == JsonValueKind.String
                ? tenantId.GetString()
                : null;
    }

    /// <summary>ARM's <c>{"error":{"code","message"}}</c>, or nulls when the body is something else.</summary>
    public static (string? Code, string? Message) ReadError(ReadOnlyMemory<byte> body)
    {
        if (IsEmpty(body.Span))
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object)
            {
                // ARM's words (or anything between): sanitised here, where they enter every message, log and journal.
                return (Clean(GetString(error, "code")), Clean(GetString(error, "message")));
            }
        }
        catch (JsonException)
        {
            // Not ARM's error shape (a proxy's HTML page, for instance): the status alone has to do.
        }

        return (null, null);
    }

    /// <summary>A value ARM sent, quoted for a message: sanitised (<see cref="OutsideText"/>) and cut when long.</summary>
    public static string Quote(string? value) =>
        value is null ? "null"
        : value.Length <= MaxQuotedLength ? $"'{OutsideText.Sanitize(value)}'"
        : $"'{OutsideText.Sanitize(value[..(char.IsHighSurrogate(value[MaxQuotedLength - 1]) ? MaxQuotedLength - 1 : MaxQuotedLength)])}…'";

    private static string? Clean(string? value) => value is null ? null : OutsideText.Sanitize(value);

    private static LiveMapping ReadItem(JsonElement item, int index, RegistrationRef registration, ChildIdPrefix prefix)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw InvalidItem(index, $"is a JSON {item.ValueKind}, not an object");
        }

        if (!item.TryGetProperty("id"u8, out var idElement) || !prefix.TryRead(idElement, out var name, out var customerSubscriptionId))
        {
            (name, customerSubscriptionId) = ReadIdSlowly(item, index, registration);
        }

        if (!item.TryGetProperty("properties"u8, out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            throw InvalidItem(index, $"({name}) has no 'properties'");
        }

        // The hyphenated form without a string; any other form Guid.TryParse accepts, as before.
        if (!(properties.TryGetProperty("tenantId"u8, out var tenantElement)
              && tenantElement.ValueKind == JsonValueKind.String
              && tenantElement.TryGetGuid(out var tenantId)))
        {
            var tenant = GetString(properties, "tenantId");
            if (!Guid.TryParse(tenant, out tenantId))
            {
                throw InvalidItem(index, $"({name}) has a 'properties.tenantId' that is not a GUID: {Quote(tenant)}");
            }
        }

        return new LiveMapping(name, customerSubscriptionId, tenantId);
    }

    /// <summary>
    /// The general reading of an item's <c>id</c>, through <see cref="ResourceIdentifier"/>: for what
    /// <see cref="ChildIdPrefix.TryRead"/> does not accept at once, and to say what is wrong with it.
    /// </summary>
    internal static (string Name, Guid CustomerSubscriptionId) ReadIdSlowly(JsonElement item, int index, RegistrationRef registration)
    {
        var id = GetString(item, "id");
        if (string.IsNullOrEmpty(id))
        {
            throw InvalidItem(index, "has no 'id'");
        }

        if (!ResourceIdentifier.TryParse(id, out var resourceId) || resourceId is null)
        {
            throw InvalidItem(index, $"has an 'id' that is not a resource id: {Quote(id)}");
        }

        if (!string.Equals(resourceId.ResourceType.ToString(), ChildResourceType, StringComparison.OrdinalIgnoreCase)
            || resourceId.Parent is null
            || !string.Equals(resourceId.Parent.ToString(), registration.Id.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            throw InvalidItem(index, $"has an 'id' that is not a customerSubscriptions resource of {registration.Id}: {Quote(id)}");
        }

        var name = resourceId.Name;
        if (!Guid.TryParseExact(name, "D", out var customerSubscriptionId))
        {
            throw InvalidItem(index, $"has an 'id' whose last segment is not a subscription GUID: {Quote(id)}");
        }

        return (name, customerSubscriptionId);
    }

    /// <summary>The body as a JSON object; null when it is empty; else an <see cref="ArmResponseFormatException"/> that says what (<paramref name="what"/>) it is.</summary>
    private static JsonDocument? ParseObject(ReadOnlyMemory<byte> body, string what)
    {
        if (IsEmpty(body.Span))
        {
            return null;
        }

        var document = Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new ArmResponseFormatException("InvalidResponse", $"{what} is a JSON {kind}, not an object");
        }

        return document;
    }

    /// <summary>The body as JSON, or an <see cref="ArmResponseFormatException"/> that says it is not (every reader of ARM's bodies).</summary>
    internal static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new ArmResponseFormatException("InvalidResponse", $"the body is not valid JSON ({OutsideText.Sanitize(e.Message)})", e);
        }
    }

    private static string? GetString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static ArmResponseFormatException InvalidItem(int index, string problem) =>
        new("InvalidListItem", OutsideText.Sanitize($"item {index} {problem}"));
}

/// <summary>
/// The id every item of one registration's listing has in the usual case, <c>{registration id}/customerSubscriptions/{GUID}</c>,
/// checked on the raw UTF-8 bytes (ASCII, case-insensitive, no escapes) with one string made: the name. It accepts only
/// ids that the general reading accepts too, with the same name; anything else goes to that reading, which decides.
/// A listing of 100,000 mappings reads every id this way, and the tick of a converged watch is mostly that.
/// </summary>
internal sealed class ChildIdPrefix(RegistrationRef registration)
{
    private const int GuidLength = 36;

    private readonly byte[] prefix = Encoding.UTF8.GetBytes($"{registration.Id}/{RegistrationRef.ChildResourceType}/");

    public bool TryRead(JsonElement id, [NotNullWhen(true)] out string? name, out Guid customerSubscriptionId)
    {
        (name, customerSubscriptionId) = (null, Guid.Empty);
        if (id.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        var raw = JsonMarshal.GetRawUtf8Value(id); // with its quotes, escapes as written
        if (raw.Length != prefix.Length + GuidLength + 2 || raw.IndexOf((byte)'\\') >= 0)
        {
            return false;
        }

        var value = raw[1..^1];
        var last = value[prefix.Length..];
        if (!Ascii.EqualsIgnoreCase(value[..prefix.Length], prefix)
            || !Utf8Parser.TryParse(last, out customerSubscriptionId, out var consumed, 'D')
            || consumed != GuidLength)
        {
            return false;
        }

        name = Encoding.ASCII.GetString(last);
        return true;
    }
}

/// <summary>A 2xx body we cannot use. The client turns it into an <see cref="ArmRequestException"/> with the request ids.</summary>
internal sealed class ArmResponseFormatException(string code, string problem, Exception? innerException = null)
    : Exception(problem, innerException)
{
    public string Code { get; } = code;
}
