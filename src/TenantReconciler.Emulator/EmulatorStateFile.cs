using System.Text.Json;

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

    public static void Write(string fullPath, EmulatorState value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, EmulatorJsonContext.Default.EmulatorState);
        var temporary = Path.Combine(
            Path.GetDirectoryName(fullPath)!,
            $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.WriteByte((byte)'\n');
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (IOException)
        {
            // Best effort: the original failure is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
