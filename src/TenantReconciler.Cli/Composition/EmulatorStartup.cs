using System.Net.Sockets;
using TenantReconciler.Emulator;

namespace TenantReconciler.Cli.Composition;

/// <summary>
/// Starts the emulator for <c>emulator</c> and <c>--emulator</c>, turning what a user can get wrong into a sentence
/// (a <see cref="ReconcilerException"/>): a state file that is not one (a <c>tenants.yaml</c> given where the state
/// belongs), a state that cannot be read or written, a port that is taken. Anything else is a bug and propagates.
/// </summary>
public static class EmulatorStartup
{
    public static async Task<ArmEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            return await ArmEmulator.StartAsync(options, cancellationToken);
        }
        catch (InvalidDataException e) when (options.StatePath is { } path)
        {
            throw new ReconcilerException(LooksLikeDesiredState(path)
                ? $"{path} is a desired-state file, not an emulator state; did you mean -f {path}? (--emulator STATEFILE takes the emulator's JSON state, such as {Commands.Options.CommonOptions.DefaultEmulatorState}.)"
                : $"{path} is not an emulator state file (JSON, see docs/emulator.md): {InnerMessage(e)}", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or DirectoryNotFoundException or PathTooLongException
            || (e is IOException && options.StatePath is not null && !IsAddressInUse(e)))
        {
            throw new ReconcilerException($"the emulator state {options.StatePath} cannot be read or written: {e.Message}", e);
        }
        catch (IOException e) when (IsAddressInUse(e))
        {
            throw new ReconcilerException($"the emulator cannot listen on 127.0.0.1:{options.Port}: the port is in use. Choose another --port, or 0 for any free one.", e);
        }
    }

    /// <summary>YAML rather than the emulator's JSON: by its extension, or by a top-level <c>registrations:</c> key.</summary>
    private static bool LooksLikeDesiredState(string path)
    {
        if (Path.GetExtension(path) is var extension && (extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        try
        {
            using var reader = new StreamReader(path);
            var head = new char[4096];
            var text = new string(head, 0, reader.ReadBlock(head));
            return text.TrimStart().FirstOrDefault() is not '{' and not '[' && text.Contains("registrations:", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string InnerMessage(InvalidDataException e) => e.InnerException?.Message ?? e.Message;

    private static bool IsAddressInUse(Exception e) =>
        e is IOException && (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase));
}
