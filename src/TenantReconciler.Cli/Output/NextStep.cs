using TenantReconciler.Cli.Commands.Options;
using TenantReconciler.Cli.Composition;

namespace TenantReconciler.Cli.Output;

/// <summary>
/// The command line of a "next step" hint, with the connection options the user gave, so that it can be pasted as is:
/// <c>tenant-reconciler apply p.json --emulator X</c>, not a bare <c>apply p.json</c> that would go to real ARM.
/// </summary>
public static class NextStep
{
    /// <summary><c>tenant-reconciler</c>, then <paramref name="words"/> (each quoted for a POSIX shell when needed), then the connection options.</summary>
    public static string Command(ConnectionArguments connection, params string?[] words)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var parts = new List<string> { ToolInfo.CommandName };
        parts.AddRange(words.Where(w => w is not null).Select(w => Quote(w!)));
        parts.AddRange(Connection(connection).Select(Quote));
        return string.Join(' ', parts);
    }

    /// <summary>The connection options as given: <c>--emulator [STATEFILE]</c>, or <c>--arm-endpoint</c>, <c>--ca-cert</c> and <c>--auth</c>.</summary>
    public static IEnumerable<string> Connection(ConnectionArguments connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.UseEmulator)
        {
            yield return "--emulator";
            if (connection.EmulatorSeedPath is null)
            {
                yield return connection.EmulatorStatePath!;
            }

            yield break;
        }

        if (connection.ArmEndpoint is { } endpoint)
        {
            yield return "--arm-endpoint";
            yield return endpoint.ToString();
        }

        if (connection.CaCertPath is { } caCert)
        {
            yield return "--ca-cert";
            yield return caCert;
        }

        if (connection.Auth is { } auth)
        {
            yield return "--auth";
            yield return AuthKinds.NameOf(auth);
        }
    }

    /// <summary>The <c>-f</c> options of <paramref name="files"/>, unless they are the default <c>tenants.yaml</c> alone.</summary>
    public static string?[] Files(IReadOnlyList<string> files) =>
        files is [CommonOptions.DefaultFile] ? [] : [.. files.SelectMany(f => new[] { "-f", f })];

    /// <summary>A word as a POSIX shell reads it: bare when it is made of safe characters, else in single quotes.</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
