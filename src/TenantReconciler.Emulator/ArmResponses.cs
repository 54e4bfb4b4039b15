using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TenantReconciler.Emulator;

/// <summary>An ARM error: the status and the <c>{"error":{"code","message"}}</c> body.</summary>
internal sealed record ArmError(int Status, string Code, string Message);

/// <summary>Writes ARM-shaped responses: JSON bodies with an explicit length, or empty bodies.</summary>
internal static class ArmResponses
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public const string CustomerSubscriptionType = "Microsoft.AzureStack/registrations/customerSubscriptions";

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        // Readable raw bodies ('quotes', + and non-ASCII unescaped); still valid JSON for every parser.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = JsonContentType;
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).AsTask();
    }

    public static Task WriteEmptyAsync(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>ARM's 405 for a method the resource does not support, with the <c>Allow</c> header.</summary>
    public static Task MethodNotAllowedAsync(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return WriteErrorAsync(context, new ArmError(
            StatusCodes.Status405MethodNotAllowed,
            "MethodNotAllowed",
            $"The requested resource does not support http method '{context.Request.Method}'."));
    }

    public static Task WriteErrorAsync(HttpContext context, ArmError error) =>
        WriteJsonAsync(context, error.Status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("code", error.Code);
            writer.WriteString("message", error.Message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        });

    /// <summary>
    /// The resource as the official examples show it: the customer subscription in upper case in <c>id</c> and
    /// <c>name</c>, the registration parts as stored, the tenant in lower case.
    /// </summary>
    public static void WriteCustomerSubscription(Utf8JsonWriter writer, RegistrationPath registration, StoredMapping mapping)
    {
        writer.WriteStartObject();
        writer.WriteString(
            "id",
            $"/subscriptions/{registration.SubscriptionId}/resourceGroups/{registration.ResourceGroup}"
            + $"/providers/Microsoft.AzureStack/registrations/{registration.Name}/customerSubscriptions/{mapping.Key}");
        writer.WriteString("name", $"{registration.Name}/{mapping.Key}");
        writer.WriteString("type", CustomerSubscriptionType);
        writer.WriteStartObject("properties");
        writer.WriteString(
            "tenantId",
            Guid.TryParse(mapping.TenantId, out var tenant) ? tenant.ToString("D") : mapping.TenantId.ToLowerInvariant());
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
