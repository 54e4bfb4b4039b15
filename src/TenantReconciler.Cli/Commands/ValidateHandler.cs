using TenantReconciler.Desired;

namespace TenantReconciler.Cli.Commands;

/// <summary><c>validate</c>: load and check tenants.yaml; no request is sent.</summary>
public sealed class ValidateHandler(IOContext io)
{
    public Task<int> RunAsync(ValidateArguments arguments)
    {
        var desired = DesiredStateLoader.Load(arguments.File);
        var tenants = desired.Registrations.Sum(r => r.Tenants.Count);
        io.Error.WriteLine($"{arguments.File} is valid: {desired.Registrations.Count} registration(s), {tenants} tenant mapping(s).");
        return Task.FromResult(ExitCodes.Success);
    }
}
