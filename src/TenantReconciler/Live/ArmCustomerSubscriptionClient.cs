using Azure.Core.Pipeline;

namespace TenantReconciler.Live;

/// <summary>
/// The real client: the customer subscriptions (<see cref="ICustomerSubscriptionClient"/>) and the registration resource
/// (<see cref="IRegistrationClient"/>) of one ARM endpoint, each request hand-built and sent through an
/// <see cref="ArmPipeline"/>. Retries (408, 429 and 5xx, honouring <c>Retry-After</c>, and transport failures) are the
/// pipeline's; this class adds none. Every failure is an <see cref="ArmRequestException"/>; cancellation propagates
/// unchanged. Each concern is a class of its own: <see cref="CustomerSubscriptionListing"/> (the listing protocol),
/// <see cref="CustomerSubscriptionWrites"/>, <see cref="RegistrationResourceReader"/>, all on one <see cref="ArmRequestSender"/>.
/// </summary>
public sealed class ArmCustomerSubscriptionClient : ICustomerSubscriptionClient, IRegistrationClient
{
    /// <summary>The most pages a listing may have before it is refused (<c>TooManyPages</c>).</summary>
    public const int DefaultMaxPages = 10_000;

    /// <summary>The <see cref="ArmRequestException.ErrorCode"/> of a later page answered with an empty body.</summary>
    public const string EmptyPageErrorCode = "EmptyListPage";

    /// <summary>The api-version of <c>Microsoft.Authorization/locks</c>.</summary>
    public const string LocksApiVersion = RegistrationResourceReader.LocksApiVersion;

    private readonly ArmRequestSender _requests;
    private readonly CustomerSubscriptionWrites _writes;
    private readonly RegistrationResourceReader _registration;
    private readonly CustomerSubscriptionListing _listing;

    public ArmCustomerSubscriptionClient(HttpPipeline pipeline, ArmConnection connection)
    {
        _requests = new ArmRequestSender(pipeline, connection);
        _listing = new CustomerSubscriptionListing(_requests);
        _writes = new CustomerSubscriptionWrites(_requests);
        _registration = new RegistrationResourceReader(_requests);
    }

    /// <summary>The page cap of a listing; lowered by tests.</summary>
    internal int MaxPages
    {
        get => _listing.MaxPages;
        init => _listing.MaxPages = value;
    }

    public Task<LiveRegistration> ListAsync(RegistrationRef registration, CancellationToken cancellationToken) =>
        _listing.ListAsync(registration, cancellationToken);

    public Task<ArmWriteResult> PutAsync(RegistrationRef registration, string customerSubscriptionName, Guid tenantId, CancellationToken cancellationToken) =>
        _writes.PutAsync(registration, customerSubscriptionName, tenantId, cancellationToken);

    public Task<ArmWriteResult> DeleteAsync(RegistrationRef registration, string customerSubscriptionName, CancellationToken cancellationToken) =>
        _writes.DeleteAsync(registration, customerSubscriptionName, cancellationToken);

    public Task<RegistrationInfo> GetRegistrationAsync(RegistrationRef registration, CancellationToken cancellationToken) =>
        _registration.GetRegistrationAsync(registration, cancellationToken);

    public Task<IReadOnlyList<ManagementLock>> ListLocksAsync(RegistrationRef registration, CancellationToken cancellationToken) =>
        _registration.ListLocksAsync(registration, cancellationToken);
}
