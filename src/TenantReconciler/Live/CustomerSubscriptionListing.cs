using Azure;
using Azure.Core;

namespace TenantReconciler.Live;

/// <summary>
/// The listing protocol of a registration's <c>customerSubscriptions</c>: every page, following <c>nextLink</c> only on
/// the same collection of the same endpoint. A listing is complete or an <see cref="ArmRequestException"/>: a failed or
/// empty later page, a foreign or looping <c>nextLink</c>, too many pages or a subscription listed twice make it unusable.
/// </summary>
internal sealed class CustomerSubscriptionListing(ArmRequestSender requests)
{
    /// <summary>The page cap of a listing (<see cref="ArmCustomerSubscriptionClient.DefaultMaxPages"/>; lowered by tests).</summary>
    public int MaxPages { get; set; } = ArmCustomerSubscriptionClient.DefaultMaxPages;

    public async Task<LiveRegistration> ListAsync(RegistrationRef registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var correlationId = Guid.NewGuid().ToString();
        var collection = requests.ResourceUri($"{registration.Id}/{RegistrationRef.ChildResourceType}").ToUri();
        var visited = new HashSet<string>(StringComparer.Ordinal) { collection.AbsoluteUri };
        var mappings = new List<LiveMapping>();
        var uri = collection;
        for (var page = 1; ; page++)
        {
            using var message = requests.CreateMessage(RequestMethod.Get, uri, correlationId);
            using var body = PooledResponseBuffer.Request(message); // released before the message: everything is copied out by then
            var response = await requests.SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
            if (response.Status is not (200 or 204))
            {
                throw requests.ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found; nothing will be written.");
            }

            if (page > 1 && CustomerSubscriptionJson.IsEmpty(response.Content.ToMemory().Span))
            {
                // "No tenants" is an empty first page; an empty later page is a truncated listing, not its end.
                throw ArmRequestSender.Answered(
                    $"GET {uri} answered {response.Status} with an empty body for page {page} of the listing, reached through a nextLink; "
                    + $"the listing of {registration.Id} is incomplete and unusable; nothing will be written.",
                    response,
                    correlationId,
                    ArmCustomerSubscriptionClient.EmptyPageErrorCode);
            }

            string? nextLink;
            try
            {
                nextLink = CustomerSubscriptionJson.ReadListPage(response.Content.ToMemory(), registration, mappings);
            }
            catch (ArmResponseFormatException e)
            {
                throw ArmRequestSender.Answered(
                    $"GET {uri} returned page {page} of the listing in a form that cannot be used: {e.Message}. "
                    + $"The listing of {registration.Id} is unusable; nothing will be written.",
                    response,
                    correlationId,
                    e.Code,
                    e);
            }

            if (nextLink is null)
            {
                break;
            }

            uri = ValidateNextLink(nextLink, collection, registration, response, correlationId);
            if (!visited.Add(uri.AbsoluteUri))
            {
                throw ArmRequestSender.Refused(
                    "NextLinkLoop",
                    $"GET {collection}: page {page} points back to a page already read ({CustomerSubscriptionJson.Quote(nextLink)}); "
                    + $"the listing of {registration.Id} is unusable; nothing will be written.",
                    response,
                    correlationId);
            }

            if (page >= MaxPages)
            {
                throw ArmRequestSender.Refused(
                    "TooManyPages",
                    $"GET {collection}: the listing has more than {MaxPages} pages; it is refused as unusable; nothing will be written.",
                    response,
                    correlationId);
            }
        }

        var seen = new HashSet<Guid>(mappings.Count); // sized: grown by doubling, a listing of 2,000 would be a large object
        foreach (var mapping in mappings)
        {
            if (!seen.Add(mapping.CustomerSubscriptionId))
            {
                throw new ArmRequestException(
                    $"GET {collection}: customer subscription {mapping.CustomerSubscriptionName} is listed more than once "
                    + $"(did the listing change while it was read?); the listing of {registration.Id} is unusable; nothing will be written."
                    + ArmRequestSender.SentId(correlationId),
                    0,
                    ArmRequestException.DuplicateListItemCode,
                    null,
                    correlationId,
                    kind: ArmFailureKind.Refused);
            }
        }

        return new LiveRegistration(registration, mappings);
    }

    private static bool HasQueryParameter(string query, string name)
    {
        foreach (var part in query.TrimStart('?').Split('&'))
        {
            var key = part.Split('=', 2)[0];
            if (string.Equals(Uri.UnescapeDataString(key), name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A <c>nextLink</c> is followed only when it is an absolute URL on the same scheme, host and port as the endpoint
    /// (the bearer token goes nowhere else), without user info, and addresses the same registration's
    /// <c>customerSubscriptions</c> collection. An <c>api-version</c> is added when the link has none.
    /// </summary>
    private Uri ValidateNextLink(string nextLink, Uri collection, RegistrationRef registration, Response response, string correlationId)
    {
        var endpoint = requests.Connection.Endpoint;
        if (nextLink.StartsWith('/')
            || !Uri.TryCreate(nextLink, UriKind.Absolute, out var link)
            || !requests.IsOnEndpoint(link))
        {
            throw ArmRequestSender.Refused(
                "ForeignNextLink",
                $"GET {collection}: the nextLink {CustomerSubscriptionJson.Quote(nextLink)} is not an absolute URL on "
                + $"{endpoint.GetLeftPart(UriPartial.Authority)}; it was not followed (no token is sent elsewhere), "
                + "and the listing is unusable; nothing will be written.",
                response,
                correlationId);
        }

        if (link.AbsolutePath.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || link.AbsolutePath.Contains("%5c", StringComparison.OrdinalIgnoreCase)
            || !ArmRequestSender.SamePath(link.AbsolutePath, collection.AbsolutePath))
        {
            throw ArmRequestSender.Refused(
                "ForeignNextLink",
                $"GET {collection}: the nextLink {CustomerSubscriptionJson.Quote(nextLink)} does not address the "
                + $"customerSubscriptions of {registration.Id}; it was not followed, and the listing is unusable; nothing will be written.",
                response,
                correlationId);
        }

        var builder = new RequestUriBuilder();
        builder.Reset(link);
        if (!HasQueryParameter(link.Query, "api-version"))
        {
            builder.AppendQuery("api-version", requests.Connection.ApiVersion, escapeValue: true);
        }

        return builder.ToUri();
    }
}
