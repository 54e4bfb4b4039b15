namespace TenantReconciler.Emulator;

/// <summary>
/// One write the emulator applied to its state: every PUT (a change or not), every DELETE that removed a mapping,
/// including those whose connection was then dropped (<see cref="FaultKind.DropAfterCommit"/>). For "exactly once"
/// assertions.
/// </summary>
/// <param name="Method"><c>PUT</c> or <c>DELETE</c>.</param>
/// <param name="CustomerSubscriptionId">The customer subscription GUID in upper case, as ARM shows it in ids.</param>
/// <param name="TenantId">The tenant written by a PUT (lower-case GUID); null for a DELETE.</param>
/// <param name="Time">When it was committed, on <see cref="EmulatorOptions.TimeProvider"/>.</param>
public sealed record CommittedWrite(string Method, string CustomerSubscriptionId, string? TenantId, DateTimeOffset Time)
{
    /// <summary>The registration's resource id (<c>/subscriptions/…/registrations/{name}</c>), in its stored casing.</summary>
    public string RegistrationId { get; init; } = string.Empty;
}
