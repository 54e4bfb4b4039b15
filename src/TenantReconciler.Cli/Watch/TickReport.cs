using TenantReconciler.Applying;
using TenantReconciler.Desired;
using TenantReconciler.Live;
using TenantReconciler.Planning;
using TenantReconciler.Reconciling;

namespace TenantReconciler.Cli.Watch;

/// <summary>Why a registration with drift got no write on a tick.</summary>
public enum WriteBlock
{
    None,
    ObserveMode,
    Suspended,
    NotLeader,
    Guard,
}

/// <summary>Why a tick ran.</summary>
public enum TickReason
{
    Startup,
    Interval,
    Retry,
    FileChanged,
    LeadershipGained,
}

/// <summary>The outcome of one registration on one tick.</summary>
public enum RegistrationResult
{
    /// <summary>Live matches desired.</summary>
    InSync,

    /// <summary>Every write the mode allowed was done (withheld removals may remain as drift).</summary>
    Applied,

    /// <summary>Drift found and reported, and nothing written: observe mode, suspended, or not the leader.</summary>
    Drift,

    /// <summary>A prune guard refused the plan: nothing written for this registration.</summary>
    GuardRefused,

    /// <summary>At least one write failed.</summary>
    WriteFailed,

    /// <summary>The listing failed: nothing planned, nothing written.</summary>
    ListFailed,

    /// <summary>The service stopped during the registration's writes (those not started are reported as not attempted).</summary>
    Interrupted,

    /// <summary>An unexpected error (a bug): caught so that the other registrations still run.</summary>
    Error,
}

/// <summary>Why the suspension is on.</summary>
public enum SuspendSource
{
    None,
    Flag,
    File,
}

/// <summary>A failure as the status document and the logs show it: never a token, only what ARM said and its ids.</summary>
public sealed record WatchError(string Message, string? Code, int? Status, string? RequestId, string? CorrelationId, bool Transient)
{
    public static WatchError From(Exception exception) => exception switch
    {
        ArmRequestException arm => new WatchError(Commands.Options.OptionNames.Text(arm), arm.ErrorCode, arm.Status, arm.RequestId, arm.CorrelationId, arm.IsTransient),
        ReconcilerException expected => new WatchError(Commands.Options.OptionNames.Text(expected), null, null, null, null, false),
        _ => new WatchError($"{exception.GetType().Name}: {exception.Message}", "UnexpectedError", null, null, null, false),
    };
}

/// <summary>One registration on one tick.</summary>
public sealed record RegistrationReport
{
    public required RegistrationRef Registration { get; init; }

    public required RegistrationResult Result { get; init; }

    /// <summary>The drift found by this tick's plan (null when the listing failed).</summary>
    public PlanSummary? Detected { get; init; }

    /// <summary>The changes still pending after the tick: not written (blocked, withheld), failed or not attempted.</summary>
    public IReadOnlyList<PlannedChange> Pending { get; init; } = [];

    public WriteBlock Blocked { get; init; }

    public IReadOnlyList<PlannedChange> Withheld { get; init; } = [];

    public IReadOnlyList<GuardViolation> Violations { get; init; } = [];

    /// <summary>One result per change the tick tried to write.</summary>
    public IReadOnlyList<ChangeResult> Writes { get; init; } = [];

    public WatchError? Error { get; init; }

    /// <summary>The ARM request ids of the writes, and of the failed request if any.</summary>
    public IReadOnlyList<string> RequestIds { get; init; } = [];

    public TimeSpan Duration { get; init; }

    /// <summary>Who pays, for a registration with a <c>stamp:</c> (null without one).</summary>
    public BillingLeakState? Billing { get; init; }

    public PlanSummary PendingSummary => PlanSummary.Of(Pending);

    public int Count(ChangeOutcome outcome) => Writes.Count(w => w.Outcome == outcome);

    /// <summary>The registration was reconciled as intended (even if drift remains because writes are not allowed).</summary>
    public bool Succeeded => OutcomeMapping.Succeeded(Result);

    /// <summary>The engine's requeue hint (<see cref="ReconcileOutcome.Requeue"/>); the schedule decides when.</summary>
    public Requeue Requeue { get; init; }

    /// <summary>Worth retrying soon: a transient ARM failure (throttling, server error, no response).</summary>
    public bool Transient => Requeue == Requeue.Retry;
}

/// <summary>One tick: the file as read, the registrations that were due, and what happened to each.</summary>
public sealed record TickReport
{
    public required long Number { get; init; }

    public required TickReason Reason { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public TimeSpan Duration { get; init; }

    public required string File { get; init; }

    /// <summary>SHA-256 of the file as read (null when it could not be read).</summary>
    public string? DesiredSha256 { get; init; }

    /// <summary>The registrations of the file (null when it was invalid: the ones known before are kept).</summary>
    public IReadOnlyList<RegistrationRef>? Desired { get; init; }

    /// <summary>Every problem of an invalid file (then nothing was listed or written).</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    public IReadOnlyList<RegistrationReport> Registrations { get; init; } = [];

    /// <summary>A failure of the whole tick (the ARM connection could not be set up, or a bug).</summary>
    public WatchError? Error { get; init; }

    public required WatchMode Mode { get; init; }

    public bool Leader { get; init; }

    public SuspendSource Suspended { get; init; }

    public bool DesiredValid => Diagnostics.Count == 0 && Desired is not null;
}

/// <summary>
/// Told about the service's loop. Every observer runs on the loop, so it must be quick and must not throw
/// (an exception is logged and ignored). The status store, the metrics and the logs are observers; tests add their own.
/// </summary>
public interface IWatchObserver
{
    void OnTickStarted(long number, TickReason reason)
    {
    }

    void OnTickCompleted(TickReport report)
    {
    }

    /// <summary>The loop is now waiting (its timer is armed) for <paramref name="delay"/>, until <paramref name="wakeAt"/> or a change.</summary>
    void OnWaiting(TimeSpan delay, DateTimeOffset wakeAt)
    {
    }
}
