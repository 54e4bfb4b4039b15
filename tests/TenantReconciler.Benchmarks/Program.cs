using BenchmarkDotNet.Running;

namespace TenantReconciler.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/TenantReconciler.Benchmarks -- --filter '*'</c> runs every benchmark;
/// <c>-- requests</c> runs the request-count scenario (a count, not a timing); <c>-- listing</c> parallel listing of 20 registrations; <c>-- apply</c> the apply throughput scenario;
/// <c>-- watch</c> the watch service's converged-tick cost and its memory over 10,000 ticks; <c>-- tenants 3000x1|50x2000</c> the tenants view of a large fleet;
/// <c>-- stamps</c> a stamp of 150,000 usage records: audit's GETs and memory, plan with usage against plan without (<c>-- stamps-state DIR</c> writes its state to profile by hand);
/// <c>-- native NATIVE JIT [RUNS]</c> and <c>-- native-fleet NATIVE JIT [TICKS]</c> the native build against the JIT build (NativeScenario).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length >= 3 && args[0] == "native")
        {
            return await NativeScenario.RunAsync(Console.Out, args[1], args[2], args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 20);
        }

        if (args.Length >= 3 && args[0] == "native-fleet")
        {
            return await NativeScenario.RunFleetAsync(Console.Out, args[1], args[2], args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 100);
        }

        if (args.Length > 0 && args[0] == "requests")
        {
            return await RequestCountScenario.RunAsync(Console.Out);
        }

        if (args.Length > 0 && args[0] == "fleet")
        {
            return await WatchScenario.RunAsync(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000, WatchScenario.Shape.Fleet);
        }

        if (args.Length > 0 && args[0] == "tenants")
        {
            return await TenantsScenario.RunAsync(Console.Out, args.Length > 1 ? args[1] : "3000x1", args.Length > 2 ? args[2] : null);
        }

        if (args.Length > 1 && args[0] == "stamps-state")
        {
            return StampScenario.WriteState(Console.Out, args[1]);
        }

        if (args.Length > 0 && args[0] == "stamps")
        {
            return await StampScenario.RunAsync(Console.Out);
        }

        if (args.Length > 0 && args[0] == "listing")
        {
            return await ListingScenario.RunAsync(Console.Out);
        }

        if (args.Length > 0 && args[0] == "memory")
        {
            return PlanMemoryScenario.Run(Console.Out);
        }

        if (args.Length > 0 && args[0] == "apply")
        {
            return await ApplyScenario.RunAsync(Console.Out, args);
        }

        if (args.Length > 0 && args[0] == "watch")
        {
            return await WatchScenario.RunAsync(Console.Out, args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : WatchScenario.Ticks);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
