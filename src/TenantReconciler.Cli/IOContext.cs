namespace TenantReconciler.Cli;

/// <summary>
/// The console, injected: the plan goes to <see cref="Output"/>, diagnostics and logs to <see cref="Error"/>.
/// Tests pass string writers; only <c>Program.Main</c> binds it to the real console.
/// </summary>
public sealed record IOContext(TextWriter Output, TextWriter Error, TextReader Input, bool IsInteractive);
