using System.Text.Json;
using Azure.Core;

namespace TenantReconciler.Live;

/// <summary>
/// GET of the registration resource and of the management locks that hold for it (<see cref="IRegistrationClient"/>):
/// what <c>check</c> and the lock guards read besides the customer subscriptions.
/// </summary>
internal sealed class RegistrationResourceReader(ArmRequestSender requests)
{
    /// <summary>The api-version of <c>Microsoft.Authorization/locks</c>.</summary>
    public const string LocksApiVersion = "2016-09-01";

    private const int MaxLockPages = 50;

    public async Task<IReadOnlyList<ManagementLock>> ListLocksAsync(RegistrationRef registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var correlationId = Guid.NewGuid().ToString();
        var builder = requests.ResourceUri(registration.Id + ManagementLock.LocksSegment, LocksApiVersion);
        builder.AppendQuery("$filter", "atScope()", escapeValue: true);
        var first = builder.ToUri();
        var locks = new List<ManagementLock>();
        var uri = first;
        for (var page = 1; page <= MaxLockPages; page++)
        {
            using var message = requests.CreateMessage(RequestMethod.Get, uri, correlationId);
            var response = await requests.SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
            if (response.Status != 200)
            {
                throw requests.ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found.");
            }

            string? nextLink;
            try
            {
                nextLink = ReadLocks(response.Content.ToMemory(), registration, locks);
            }
            catch (ArmResponseFormatException e)
            {
                throw ArmRequestSender.Answered(
                    $"GET {uri} answered {response.Status} with locks that cannot be read: {e.Message}.", response, correlationId, e.Code, e);
            }

            if (nextLink is null)
            {
                return locks;
            }

            // The bearer token goes to the endpoint only, and to the same collection.
            if (!Uri.TryCreate(nextLink, UriKind.Absolute, out var next)
                || !requests.IsOnEndpoint(next)
                || !ArmRequestSender.SamePath(next.AbsolutePath, first.AbsolutePath))
            {
                throw ArmRequestSender.Refused("ForeignNextLink", $"GET {first}: the nextLink of the locks is not on the same collection; it was not followed.", response, correlationId);
            }

            uri = next;
        }

        throw new ArmRequestException($"GET {first}: more than {MaxLockPages} pages of locks; not read.", 0, "TooManyPages", null, correlationId, kind: ArmFailureKind.Refused);
    }

    /// <summary>
    /// Adds the page's locks that hold for the registration (their scope is the registration or one of its parents;
    /// a lock below it, on one customer subscription, is not the registration's) and returns its <c>nextLink</c>.
    /// </summary>
    private static string? ReadLocks(ReadOnlyMemory<byte> body, RegistrationRef registration, List<ManagementLock> locks)
    {
        using (var document = CustomerSubscriptionJson.Parse(body))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
            {
                throw new ArmResponseFormatException("InvalidResponse", "the body has no 'value' array");
            }

            var registrationId = registration.Id.ToString();
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw new ArmResponseFormatException("InvalidResponse", "an item of 'value' is not an object");
                }

                var id = StringOf(item, "id") ?? string.Empty;
                var at = id.IndexOf(ManagementLock.LocksSegment + "/", StringComparison.OrdinalIgnoreCase);
                var scope = (at >= 0 ? id[..at] : registrationId).TrimEnd('/');
                if (!string.Equals(registrationId, scope, StringComparison.OrdinalIgnoreCase)
                    && !registrationId.StartsWith(scope + "/", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var properties = item.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
                var name = StringOf(item, "name") ?? (at >= 0 ? id[(at + ManagementLock.LocksSegment.Length + 1)..] : "(unnamed)");
                locks.Add(new ManagementLock(
                    name,
                    ManagementLock.LevelOf(properties.ValueKind == JsonValueKind.Object ? StringOf(properties, "level") : null),
                    properties.ValueKind == JsonValueKind.Object ? StringOf(properties, "notes") : null,
                    scope));
            }

            return StringOf(root, "nextLink") is { Length: > 0 } next ? next : null;
        }
    }

    public async Task<RegistrationInfo> GetRegistrationAsync(RegistrationRef registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var correlationId = Guid.NewGuid().ToString();
        var uri = requests.ResourceUri(registration.Id.ToString()).ToUri();
        using var message = requests.CreateMessage(RequestMethod.Get, uri, correlationId);
        var response = await requests.SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw requests.ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found.");
        }

        try
        {
            return ReadRegistration(response.Content.ToMemory(), registration);
        }
        catch (ArmResponseFormatException e)
        {
            throw ArmRequestSender.Answered(
                $"GET {uri} answered {response.Status} with a registration that cannot be read: {e.Message}.", response, correlationId, e.Code, e);
        }
    }

    /// <summary>The spec's Registration: a tracked resource whose <c>properties</c> hold <c>billingModel</c>, <c>cloudId</c>, <c>objectId</c>.</summary>
    private static RegistrationInfo ReadRegistration(ReadOnlyMemory<byte> body, RegistrationRef registration)
    {
        using (var document = CustomerSubscriptionJson.Parse(body))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("properties", out var properties)
                || properties.ValueKind != JsonValueKind.Object)
            {
                throw new ArmResponseFormatException("InvalidResponse", "the body is not a resource with 'properties'");
            }

            var billingModel = StringOf(properties, "billingModel");
            if (string.IsNullOrEmpty(billingModel))
            {
                throw new ArmResponseFormatException("InvalidResponse", "'properties.billingModel' is missing");
            }

            return new RegistrationInfo(registration, billingModel, StringOf(properties, "cloudId"), StringOf(properties, "objectId"));
        }
    }

    /// <summary>A string ARM sent (shown by <c>check</c>): sanitised where it enters.</summary>
    private static string? StringOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? OutsideText.Sanitize(value.GetString()) : null;
}
