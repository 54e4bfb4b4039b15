using Microsoft.AspNetCore.Http;

namespace TenantReconciler.Emulator;

/// <summary>What a PUT of a tenant already mapped to another subscription does.</summary>
public enum OverwriteSemantics
{
    /// <summary>As the product document says: the tenant's old mapping is dropped (one subscription per tenant).</summary>
    Replace,

    /// <summary>Every customerSubscriptions resource stands alone.</summary>
    Independent,
}

public sealed record EmulatorOptions
{
    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>JSON state file, read at start and written atomically after every write. Null keeps state in memory.</summary>
    public string? StatePath { get; init; }

    /// <summary>
    /// When <see cref="StatePath"/> does not exist: create it (and its folder) with the first write, not at start, so a
    /// run that only reads leaves no file behind. False (the default) writes the seed at start.
    /// </summary>
    public bool CreateStateOnFirstWrite { get; init; }

    /// <summary>Seed used when <see cref="StatePath"/> is null (or the file does not exist).</summary>
    public EmulatorState? InitialState { get; init; }

    public int PageSize { get; init; } = 100;

    public OverwriteSemantics OverwriteSemantics { get; init; } = OverwriteSemantics.Replace;

    /// <summary>200 (the specification: the resource as body) or 201 (the document: empty body, and an empty listing as an empty body).</summary>
    public int PutStatus { get; init; } = 200;

    /// <summary>
    /// When set, the only bearer token accepted; any other answers 401 <c>InvalidAuthenticationToken</c>.
    /// When null, any non-empty bearer token is accepted.
    /// </summary>
    public string? RequiredToken { get; init; }

    /// <summary>
    /// Extra middleware (for example fault injection), run in order for every request after the request ids are set,
    /// the request is logged, the bearer token and <c>api-version</c> are checked and <see cref="Throttling"/> and
    /// <see cref="Faults"/> have let it through, and before the resource handlers.
    /// A middleware may answer on its own (not calling <c>next</c>) or pass the request on. Empty by default.
    /// </summary>
    public IReadOnlyList<Func<HttpContext, RequestDelegate, Task>> Middleware { get; init; } = [];

    /// <summary>
    /// ARM's token-bucket throttling per subscription: 429 <c>TooManyRequests</c> with <c>Retry-After</c> once a
    /// bucket is empty, and the real remaining count in <c>x-ms-ratelimit-remaining-subscription-*</c>. Null (the
    /// default) never throttles; <see cref="ThrottlingOptions.PublicCloud"/> has the public cloud's limits.
    /// </summary>
    public ThrottlingOptions? Throttling { get; init; }

    /// <summary>
    /// False sends no <c>x-ms-ratelimit-remaining-subscription-*</c> header at all (neither the constant one nor a
    /// bucket's count; a throttled request still gets its 429 and <c>Retry-After</c>), as a proxy, an on-premises ARM or a
    /// test double may: pacing then has nothing to learn from. True by default.
    /// </summary>
    public bool RateLimitHeaders { get; init; } = true;

    /// <summary>Injected latency, 429, 5xx and dropped connections on the customerSubscriptions routes. Null (the default) injects nothing.</summary>
    public FaultProfile? Faults { get; init; }

    /// <summary>
    /// The clock for token-bucket refills, HTTP-date <c>Retry-After</c> values and the times in
    /// <see cref="ArmEmulator.Requests"/> and <see cref="ArmEmulator.CommittedWrites"/>, and injected latency.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
