using System.ComponentModel;
using System.Runtime.InteropServices;

namespace TenantReconciler.Tests.Watch;

/// <summary>The system calls the tests need as is: an atomic rename (git-sync's link swap), a signal to a child, and a FIFO.</summary>
internal static class Posix
{
    public const int SIGINT = 2;

    public const int SIGTERM = 15;

    /// <summary>rename(2): atomically replaces <paramref name="to"/> (a symbolic link to a folder included, which File.Move refuses).</summary>
    public static void Rename(string from, string to)
    {
        if (NativeRename(from, to) != 0)
        {
            throw new Win32Exception(Marshal.GetLastWin32Error(), $"rename {from} -> {to}");
        }
    }

    /// <summary>
    /// Whether <paramref name="signal"/> is ignored (SIG_IGN) in this process, from /proc/self/status. An ignored signal
    /// stays ignored in every child across exec, and .NET does not install its handler over it: a test process started
    /// as a background job of a non-interactive shell (<c>cmd &amp;</c> in a script) has SIGINT ignored, and a CLI child
    /// never sees Ctrl+C.
    /// </summary>
    public static bool IsIgnored(int signal)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0;
    }

    /// <summary>kill(2) on one process id: our own child's.</summary>
    public static void Signal(int pid, int signal)
    {
        if (NativeKill(pid, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastWin32Error(), $"kill -{signal} {pid}");
        }
    }

    /// <summary>mkfifo(3): a named pipe, which blocks whoever opens it for reading until a writer comes.</summary>
    public static void MakeFifo(string path)
    {
        if (NativeMkfifo(path, Convert.ToUInt32("644", 8)) != 0)
        {
            throw new Win32Exception(Marshal.GetLastWin32Error(), $"mkfifo {path}");
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int NativeMkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int NativeRename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int NativeKill(int pid, int signal);
}
