using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace TenantReconciler.Emulator;

/// <summary>
/// What ARM's front door does before a resource provider sees a request: request ids and quota headers on every
/// response, the request log, the bearer token and the <c>api-version</c> check. Each step is an ordinary middleware.
/// </summary>
internal sealed class ArmFrontDoor(EmulatorOptions options, RequestLog log)
{
    // Constant for a category without a token bucket (EmulatorOptions.Throttling): the values public-cloud ARM
    // reported under its older, per-hour limits. With a bucket, ArmThrottle sets the real count.
    private const string RemainingReads = "11999";
    private const string RemainingWrites = "1199";
    private const string RemainingDeletes = "14999";

    private const string AuthorizationUri = "https://login.microsoftonline.com/common";

    /// <summary>Ids, quota headers, the request log, and a 500 in ARM's shape for anything unexpected.</summary>
    public async Task EnvelopeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var response = context.Response;
        var headers = response.Headers;

        headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        headers["x-ms-correlation-request-id"] = FirstNonEmpty(
            request.Headers["x-ms-correlation-request-id"],
            request.Headers["x-ms-client-request-id"]) ?? Guid.NewGuid().ToString();
        if (FirstNonEmpty(request.Headers["x-ms-client-request-id"]) is { } clientRequestId)
        {
            headers["x-ms-client-request-id"] = clientRequestId;
        }

        if (options.RateLimitHeaders && Quota.CategoryOf(request.Method) is { } category && options.Throttling?.LimitFor(category) is null)
        {
            headers[Quota.HeaderName(category)] = category switch
            {
                QuotaCategory.Reads => RemainingReads,
                QuotaCategory.Writes => RemainingWrites,
                _ => RemainingDeletes,
            };
        }

        headers.CacheControl = "no-cache";
        headers.Pragma = "no-cache";
        headers.Expires = "-1";

        var method = request.Method;
        var target = RawTarget(context);

        // Logged when the status line is about to go out, so the entry exists before the client sees the response;
        // a dropped connection is logged as it is dropped (and Kestrel's later OnStarting call is ignored).
        var drop = new ConnectionDrop(() => log.Add(new EmulatorRequest(method, target, ArmEmulator.DroppedStatus, options.TimeProvider.GetUtcNow())));
        context.Features.Set(drop);
        response.OnStarting(() =>
        {
            if (!drop.Dropped)
            {
                log.Add(new EmulatorRequest(method, target, response.StatusCode, options.TimeProvider.GetUtcNow()));
            }

            return Task.CompletedTask;
        });

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException exception) when (!response.HasStarted)
        {
            await ArmResponses.WriteErrorAsync(
                context,
                new ArmError(exception.StatusCode, "InvalidRequestContent", $"The request could not be read: {exception.Message}"));
        }
        catch (Exception exception) when (!response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await ArmResponses.WriteErrorAsync(
                context,
                new ArmError(StatusCodes.Status500InternalServerError, "InternalServerError", $"The emulator failed: {exception.Message}"));
        }
    }

    /// <summary>
    /// Aborts the connection without a response. The request is logged with <see cref="ArmEmulator.DroppedStatus"/>
    /// first, so the entry exists before the client sees the connection go.
    /// </summary>
    internal static void Drop(HttpContext context)
    {
        context.Features.GetRequiredFeature<ConnectionDrop>().Drop();
        context.Abort();
    }

    /// <summary>Per request: whether its connection was dropped, and how to log that.</summary>
    private sealed class ConnectionDrop(Action log)
    {
        private int dropped;

        public bool Dropped => Volatile.Read(ref dropped) != 0;

        public void Drop()
        {
            if (Interlocked.Exchange(ref dropped, 1) == 0)
            {
                log();
            }
        }
    }

    /// <summary><c>Authorization: Bearer &lt;token&gt;</c> is required; with <see cref="EmulatorOptions.RequiredToken"/>, only that token.</summary>
    public Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        if (StampAdminApi.IsMetadataPath(context.Request.Path))
        {
            // A stamp serves its metadata document to anyone: it says where to get a token.
            return next(context);
        }

        var values = context.Request.Headers.Authorization;
        if (values.Count == 0)
        {
            return ChallengeAsync(
                context,
                "AuthenticationFailed",
                "The authentication failed because of missing 'Authorization' header.");
        }

        if (values.Count > 1 || !TryReadBearer(values[0], out var token))
        {
            return ChallengeAsync(
                context,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.");
        }

        if (options.RequiredToken is not null && !string.Equals(token, options.RequiredToken, StringComparison.Ordinal))
        {
            return ChallengeAsync(context, "InvalidAuthenticationToken", "The access token is invalid.");
        }

        return next(context);
    }

    /// <summary>Every request needs a supported <c>api-version</c> (<c>2016-09-01</c> for management locks).</summary>
    public static Task CheckApiVersionAsync(HttpContext context, RequestDelegate next)
    {
        if (StampAdminApi.IsStampPath(context.Request.Path))
        {
            // Each admin resource provider has api-versions of its own: StampAdminApi checks them.
            return next(context);
        }

        var values = context.Request.Query["api-version"];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return ArmResponses.WriteErrorAsync(context, new ArmError(
                StatusCodes.Status400BadRequest,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests."));
        }

        var requested = values.Count == 1 ? values[0]! : values.ToString();
        IReadOnlyList<string> supported = ManagementLocksApi.IsLocksPath(context.Request.Path) ? [ManagementLocksApi.ApiVersion] : ArmEmulator.SupportedApiVersions;
        if (values.Count > 1 || !supported.Contains(requested, StringComparer.OrdinalIgnoreCase))
        {
            return ArmResponses.WriteErrorAsync(context, new ArmError(
                StatusCodes.Status400BadRequest,
                "InvalidApiVersionParameter",
                $"The api-version '{requested}' is invalid. The supported versions are '{string.Join(",", supported)}'."));
        }

        return next(context);
    }

    /// <summary>The request target exactly as sent (path and query, still encoded).</summary>
    internal static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return raw is { Length: > 0 } && raw[0] == '/'
            ? raw
            : context.Request.PathBase.Add(context.Request.Path).ToUriComponent() + context.Request.QueryString.ToUriComponent();
    }

    private static Task ChallengeAsync(HttpContext context, string code, string message)
    {
        context.Response.Headers.WWWAuthenticate =
            $"Bearer authorization_uri=\"{AuthorizationUri}\", error=\"invalid_token\", error_description=\"{message}\"";
        return ArmResponses.WriteErrorAsync(context, new ArmError(StatusCodes.Status401Unauthorized, code, message));
    }

    private static bool TryReadBearer(string? value, out string token)
    {
        token = string.Empty;
        if (value is null)
        {
            return false;
        }

        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !value.AsSpan(0, space).Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = value[(space + 1)..].Trim();
        return token.Length > 0;
    }

    private static string? FirstNonEmpty(params Microsoft.Extensions.Primitives.StringValues[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.Count > 0 && !string.IsNullOrWhiteSpace(candidate[0]))
            {
                return candidate[0];
            }
        }

        return null;
    }
}

/// <summary>The thread-safe request log behind <see cref="ArmEmulator.Requests"/>.</summary>
internal sealed class RequestLog
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<EmulatorRequest> entries = new();

    public void Add(EmulatorRequest entry) => entries.Enqueue(entry);

    public IReadOnlyList<EmulatorRequest> ToList() => entries.ToArray();
}
