using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace Pipeline.Benchmarks;

/// <summary>
/// The pinned A/B comparison of docs/benchmarks.md: the clients run the loopback scenario in turn (A B A B …) for
/// several rounds; each run is measured in CPU time of this process per request (<see cref="Process.TotalProcessorTime"/>
/// around the timed loop), bytes allocated and thread-pool work items completed per request (each one a hop of a
/// continuation onto a pool thread: the scheduling cost a stub transport does not show), and each client's CPU
/// efficiency is raw HttpClient's CPU per request divided by its own, per round. The medians and spreads are printed.
/// Run it pinned to a core the server does not use: benchmarks/cpu-ab.sh.
/// </summary>
public static class CpuAb
{
    public static async Task RunAsync(string[] args)
    {
        var baseUrl = args[1];
        var rounds = Option(args, "--rounds", 7);
        var requests = Option(args, "--requests", 50_000);
        var callerCounts = OptionList(args, "--callers", "1,32").Select(int.Parse).ToArray();
        var clients = OptionList(args, "--clients", "raw,session,session-noenv,flurl,restsharp");

        using var scenario = await LoopbackScenario.CreateAsync(baseUrl);
        var process = Process.GetCurrentProcess();
        Console.WriteLine($"# cpu-ab: {rounds} rounds x {requests} requests, callers {string.Join(",", callerCounts)}, {Environment.ProcessorCount} visible core(s), server {baseUrl}");
        foreach (var callers in callerCounts)
        {
            // Warm-up: JIT, connection pools, tiered compilation. Tier-1 code replaces the first code in the background
            // some time after a method gets hot, and that compilation is CPU of this process: the warm-up goes on until
            // a pass compiles (almost) nothing, so the timed rounds do not pay for one client's tier-up.
            for (var pass = 0; pass < 10; pass++)
            {
                var compiled = JitInfo.GetCompiledMethodCount();
                foreach (var client in clients)
                {
                    await RunAsync(scenario.Calls[client], Math.Min(requests, 20_000), callers);
                }

                await Task.Delay(200);
                if (JitInfo.GetCompiledMethodCount() - compiled <= 5)
                {
                    break;
                }
            }

            var cpu = clients.ToDictionary(c => c, _ => new List<double>());
            var alloc = clients.ToDictionary(c => c, _ => new List<double>());
            var workItems = clients.ToDictionary(c => c, _ => new List<double>());
            var jitStart = JitInfo.GetCompilationTime();
            for (var round = 0; round < rounds; round++)
            {
                // The order alternates each round, so a drift of the machine does not favour one client.
                var order = round % 2 == 0 ? clients : [.. clients.AsEnumerable().Reverse()];
                foreach (var client in order)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    process.Refresh();
                    var before = process.TotalProcessorTime;
                    var allocated = GC.GetTotalAllocatedBytes(precise: true);
                    var items = ThreadPool.CompletedWorkItemCount;
                    await RunAsync(scenario.Calls[client], requests, callers);
                    process.Refresh();
                    cpu[client].Add((process.TotalProcessorTime - before).TotalMicroseconds / requests);
                    alloc[client].Add((GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)requests);
                    workItems[client].Add((ThreadPool.CompletedWorkItemCount - items) / (double)requests);
                }
            }

            Console.WriteLine();
            Console.WriteLine($"## {callers} caller(s)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"JIT time during the timed rounds: {(JitInfo.GetCompilationTime() - jitStart).TotalMilliseconds:F0} ms"));
            Console.WriteLine("| client | CPU µs/request (median) | allocated B/request (median) | thread-pool work items/request (median) | efficiency vs raw: median | min | max | rounds |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var client in clients)
            {
                // Without raw in the list (one client alone under a profiler) the efficiency columns compare the client with itself.
                var ratios = cpu.GetValueOrDefault("raw", cpu[client]).Zip(cpu[client], (raw, own) => raw / own).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {client} | {Median(cpu[client]):F2} | {Median(alloc[client]):F0} | {Median(workItems[client]):F2} | {Median(ratios):F3} | {ratios.Min():F3} | {ratios.Max():F3} | {string.Join(" ", ratios.Select(r => r.ToString("F3", CultureInfo.InvariantCulture)))} |"));
            }
        }
    }

    private static async Task RunAsync(Func<Task<int>> call, int requests, int callers)
    {
        if (callers == 1)
        {
            for (var i = 0; i < requests; i++)
            {
                await call();
            }

            return;
        }

        var remaining = requests;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await call();
            }
        }));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private static string[] OptionList(string[] args, string name, string fallback) =>
        (Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback).Split(',', StringSplitOptions.RemoveEmptyEntries);
}
