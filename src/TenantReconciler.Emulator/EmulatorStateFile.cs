using System.Text.Json;
using TenantReconciler.Persistence;

namespace TenantReconciler.Emulator;

/// <summary>Reads the state file, and writes it atomically: a temporary file in the same folder, then a rename over the old one.</summary>
internal static class EmulatorStateFile
{
    public static EmulatorState Load(string fullPath)
    {
        try
        {
            using var stream = File.OpenRead(fullPath);
            return JsonSerializer.Deserialize(stream, EmulatorJsonContext.Default.EmulatorState)
                ?? throw new InvalidDataException($"The emulator state file '{fullPath}' contains null.");
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"The emulator state file '{fullPath}' is not valid: {exception.Message}", exception);
        }
    }

    /// <summary>Through the tool's one writer (<see cref="AtomicFile"/>): never through a link.</summary>
    public static void Write(string fullPath, EmulatorState value)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, EmulatorJsonContext.Default.EmulatorState);
        var bytes = new byte[json.Length + 1];
        json.CopyTo(bytes, 0);
        bytes[^1] = (byte)'\n';
        AtomicFile.Write(fullPath, bytes, overwrite: true);
    }
}
