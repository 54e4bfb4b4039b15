using System.Text;
using Azure.Core;

namespace TenantReconciler.Live;

/// <summary>
/// PUT and DELETE of one customer subscription. A PUT's answer must name the tenant sent (or none); a status other than
/// 200/201 (PUT) or 200/204 (DELETE) is an <see cref="ArmRequestException"/> with ARM's code and ids.
/// </summary>
internal sealed class CustomerSubscriptionWrites(ArmRequestSender requests)
{
    public async Task<ArmWriteResult> PutAsync(RegistrationRef registration, string customerSubscriptionName, Guid tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var correlationId = Guid.NewGuid().ToString();
        var uri = requests.ResourceUri(registration.CustomerSubscriptionId(customerSubscriptionName).ToString()).ToUri();
        using var message = requests.CreateMessage(RequestMethod.Put, uri, correlationId);
        message.Request.Headers.Add(HttpHeader.Common.JsonContentType);
        message.Request.Content = RequestContent.Create(
            Encoding.UTF8.GetBytes($$$"""{"properties":{"tenantId":"{{{tenantId:D}}}"}}"""));

        var response = await requests.SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
        if (response.Status is not (200 or 201))
        {
            throw requests.ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found; nothing was written.");
        }

        string? returnedTenant;
        try
        {
            returnedTenant = CustomerSubscriptionJson.ReadTenantId(response.Content.ToMemory());
        }
        catch (ArmResponseFormatException e)
        {
            throw ArmRequestSender.Answered(
                $"PUT {uri} answered {response.Status} with a body that cannot be read: {e.Message}. Whether the mapping was written is unknown.",
                response,
                correlationId,
                e.Code,
                e);
        }

        if (returnedTenant is not null && (!Guid.TryParse(returnedTenant, out var returned) || returned != tenantId))
        {
            throw ArmRequestSender.Answered(
                $"PUT {uri} answered {response.Status} with tenant {CustomerSubscriptionJson.Quote(returnedTenant)}, not the tenant sent ({tenantId:D}).",
                response,
                correlationId,
                "UnexpectedTenant");
        }

        return Written(response, correlationId);
    }

    public async Task<ArmWriteResult> DeleteAsync(RegistrationRef registration, string customerSubscriptionName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var correlationId = Guid.NewGuid().ToString();
        var uri = requests.ResourceUri(registration.CustomerSubscriptionId(customerSubscriptionName).ToString()).ToUri();
        using var message = requests.CreateMessage(RequestMethod.Delete, uri, correlationId);
        var response = await requests.SendAsync(message, correlationId, cancellationToken).ConfigureAwait(false);
        if (response.Status is not (200 or 204))
        {
            throw requests.ErrorResponse(message, response, correlationId, $"Registration {registration.Id} was not found; nothing was deleted.");
        }

        return Written(response, correlationId);
    }

    private static ArmWriteResult Written(Azure.Response response, string correlationId) =>
        new(response.Status, ArmRequestSender.RequestId(response), ArmRequestSender.CorrelationId(response, correlationId));
}
