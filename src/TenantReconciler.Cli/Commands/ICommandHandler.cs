namespace TenantReconciler.Cli.Commands;

/// <summary>
/// A command's handler: runs one arguments record and returns the exit code. Resolved from a fresh host per invocation
/// (see <see cref="CliContext.SetAction{THandler, TArguments}"/>).
/// </summary>
public interface ICommandHandler<in TArguments>
{
    Task<int> RunAsync(TArguments arguments, CancellationToken cancellationToken);
}
