namespace TenantReconciler.Preflight;

public enum CheckStatus
{
    Passed,
    Failed,

    /// <summary>Not run, because a check it depends on failed.</summary>
    Skipped,
}

/// <summary>The pre-flight checks of <c>check</c>, in the order they run (each depends on the ones before it).</summary>
public enum CheckKind
{
    File = 1,
    Token = 2,
    Endpoint = 3,
    RegistrationExists = 4,
    BillingModel = 5,
    Listing = 6,
    Locks = 7,
}

/// <summary>
/// The outcome of one check (for one registration, for checks 4-6): a sentence, and for a failure what ARM said
/// (<see cref="Detail"/>, with its request id), the hint of its error code and how to fix it.
/// </summary>
public sealed record CheckResult(CheckKind Kind, CheckStatus Status, string Text)
{
    /// <summary>ARM's message or the underlying reason, when the check failed.</summary>
    public string? Detail { get; init; }

    /// <summary>ARM's <c>error.code</c>, when a request failed with one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>ARM's <c>x-ms-request-id</c> of the failed request, for a support case.</summary>
    public string? RequestId { get; init; }

    /// <summary>What to do about a failure; the settings it names are data, spelled by the host that prints it.</summary>
    public OptionText? Fix { get; init; }

    public static CheckResult Skip(CheckKind kind, string text, string because) => new(kind, CheckStatus.Skipped, $"{text}: skipped ({because})");
}
