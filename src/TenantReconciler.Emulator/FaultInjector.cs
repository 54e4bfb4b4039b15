using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace TenantReconciler.Emulator;

/// <summary>
/// The middleware behind <see cref="EmulatorOptions.Faults"/>, for the customerSubscriptions routes only. Every
/// decision (latency jitter, then each fault in order) is drawn under one lock from one seeded <see cref="Random"/>,
/// so the same sequence of requests meets the same faults.
/// </summary>
internal sealed class FaultInjector
{
    private static readonly FaultKind[] Kinds = Enum.GetValues<FaultKind>();

    private readonly FaultProfile profile;
    private readonly EmulatorStore store;
    private readonly int pageSize;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly Random random;
    private readonly int[] counts = new int[Kinds.Length];

    public FaultInjector(FaultProfile profile, EmulatorStore store, EmulatorOptions options)
    {
        this.profile = profile;
        this.store = store;
        pageSize = options.PageSize;
        time = options.TimeProvider;
        Seed = profile.Seed ?? Random.Shared.Next();
#pragma warning disable CA5394 // Not for security: a seeded, replayable sequence is the point.
        random = new Random(Seed);
#pragma warning restore CA5394
    }

    public int Seed { get; }

    public IReadOnlyDictionary<FaultKind, int> Counts => Kinds.ToDictionary(k => k, k => Volatile.Read(ref counts[(int)k]));

    public async Task InjectAsync(HttpContext context, RequestDelegate next)
    {
        if (OperationOf(context) is { } listing && listing == FaultOperation.List
            && profile.RuleFor(listing) is { EmptyPage: { } emptyPage } && PageOf(context) == emptyPage)
        {
            Interlocked.Increment(ref counts[(int)FaultKind.EmptyPage]);
            await ArmResponses.WriteEmptyAsync(context, StatusCodes.Status200OK);
            return;
        }

        if (OperationOf(context) is not { } operation
            || profile.RuleFor(operation) is not { } rule
            || (operation == FaultOperation.List && rule.FromPage is { } fromPage && fromPage > 1 && PageOf(context) < fromPage))
        {
            await next(context);
            return;
        }

        var (delay, fault) = Decide(rule);
        if (delay > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(delay), time, context.RequestAborted);
        }

        if (fault is not { } kind)
        {
            await next(context);
            return;
        }

        Interlocked.Increment(ref counts[(int)kind]);
        switch (kind)
        {
            case FaultKind.Throttle:
                SetRetryAfter(context, rule);
                await ArmResponses.WriteErrorAsync(context, new ArmError(
                    StatusCodes.Status429TooManyRequests,
                    "TooManyRequests",
                    "Injected fault: the request is being throttled. For more information, see - https://aka.ms/armthrottling"));
                break;
            case FaultKind.ServerError:
                await ArmResponses.WriteErrorAsync(context, new ArmError(
                    StatusCodes.Status500InternalServerError,
                    "InternalServerError",
                    "Injected fault: the server encountered an internal error. Please retry the request."));
                break;
            case FaultKind.Unavailable:
                SetRetryAfter(context, rule);
                await ArmResponses.WriteErrorAsync(context, new ArmError(
                    StatusCodes.Status503ServiceUnavailable,
                    "ServiceUnavailable",
                    "Injected fault: the service is temporarily unavailable. Please retry the request."));
                break;
            case FaultKind.DropBeforeCommit:
                ArmFrontDoor.Drop(context);
                break;
            default:
                // The handler runs in full (the write is committed and persisted); what it answers goes nowhere.
                context.Response.Body = Stream.Null;
                try
                {
                    await next(context);
                }
                finally
                {
                    ArmFrontDoor.Drop(context);
                }

                break;
        }
    }

    private (int DelayMs, FaultKind? Fault) Decide(FaultRule rule)
    {
        ReadOnlySpan<(FaultKind Kind, double Rate)> rates =
        [
            (FaultKind.Throttle, rule.ThrottleRate),
            (FaultKind.ServerError, rule.ServerErrorRate),
            (FaultKind.Unavailable, rule.UnavailableRate),
            (FaultKind.DropBeforeCommit, rule.DropBeforeCommitRate),
            (FaultKind.DropAfterCommit, rule.DropAfterCommitRate),
        ];

#pragma warning disable CA5394 // Not for security.
        lock (gate)
        {
            var delay = rule.LatencyMs + (rule.LatencyJitterMs > 0 ? random.Next(rule.LatencyJitterMs + 1) : 0);
            foreach (var (kind, rate) in rates)
            {
                if (rate > 0 && random.NextDouble() < rate)
                {
                    return (delay, kind);
                }
            }

            return (delay, null);
        }
#pragma warning restore CA5394
    }

    private void SetRetryAfter(HttpContext context, FaultRule rule)
    {
        if (rule.RetryAfterHeader(time.GetUtcNow()) is { } value)
        {
            context.Response.Headers.RetryAfter = value;
        }
    }

    private static FaultOperation? OperationOf(HttpContext context)
    {
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        var method = context.Request.Method;
        return pattern switch
        {
            CustomerSubscriptionsApi.CollectionRoute when HttpMethods.IsGet(method) => FaultOperation.List,
            CustomerSubscriptionsApi.ItemRoute when HttpMethods.IsGet(method) => FaultOperation.Get,
            CustomerSubscriptionsApi.ItemRoute when HttpMethods.IsPut(method) => FaultOperation.Put,
            CustomerSubscriptionsApi.ItemRoute when HttpMethods.IsDelete(method) => FaultOperation.Delete,
            _ => null,
        };
    }

    /// <summary>
    /// The 1-based page a listing request asks for: 1 without <c>$skipToken</c>; otherwise one more than the pages
    /// the mappings up to the token fill (at least 2: any request through a nextLink is a later page).
    /// </summary>
    private int PageOf(HttpContext context)
    {
        var tokens = context.Request.Query[SkipToken.Parameter];
        if (tokens.Count == 0)
        {
            return 1;
        }

        if (tokens.Count > 1 || !SkipToken.TryDecode(tokens[0], out var afterKey))
        {
            return 2;
        }

        var address = new RegistrationAddress(
            (string)context.GetRouteValue("subscriptionId")!,
            (string)context.GetRouteValue("resourceGroup")!,
            (string)context.GetRouteValue("registrationName")!);
        var before = store.CountThrough(address, afterKey) ?? 0;
        return Math.Max(2, 1 + ((before + pageSize - 1) / pageSize));
    }
}
