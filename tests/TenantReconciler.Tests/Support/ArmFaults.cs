namespace TenantReconciler.Tests.Support;

/// <summary>Emulator middleware for the faults several tests put in ARM's way.</summary>
public static class ArmFaults
{
    /// <summary>A listing's first page is served; every later page (a <c>$skipToken</c>) is refused with 403 AuthorizationFailed.</summary>
    public static async Task FailLaterPages(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Method == "GET" && context.Request.Query.ContainsKey("$skipToken"))
        {
            context.Response.StatusCode = 403;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync("""{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.AzureStack/registrations/customerSubscriptions/read'."}}""");
            return;
        }

        await next(context);
    }
}
