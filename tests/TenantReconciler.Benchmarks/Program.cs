using BenchmarkDotNet.Running;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/TenantReconciler.Benchmarks -- --filter '*'</c> runs every benchmark;
/// <c>-- requests</c> runs the request-count scenario (a count, not a timing); <c>-- apply</c> the apply throughput scenario.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "requests")
        {
            return await RequestCountScenario.RunAsync(Console.Out);
        }

        if (args.Length > 0 && args[0] == "apply")
        {
            return await ApplyScenario.RunAsync(Console.Out, args);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
