using BenchmarkDotNet.Running;
using Pipeline.Benchmarks;

// "serve" starts the loopback app alone, for the python-requests comparison (benchmarks/python).
// It runs until SIGTERM or SIGINT (run.sh stops it with kill).
if (args is ["serve", ..])
{
    await using var app = await Pipeline.Testing.LoopbackServer.StartAsync();
    await PrintUrlAndWaitForSignalAsync(app.BaseUrl);
    return;
}

// "serve-raw" starts the raw-socket server of the memory and scaling modes alone (benchmarks/memory.sh, scaling.sh).
if (args is ["serve-raw", ..])
{
    await using var server = RawLoopbackServer.Start();
    await PrintUrlAndWaitForSignalAsync(server.BaseUrl);
    return;
}

// "memory [BASE_URL] [--size-mb 200] [--large-mb 1024] [--cases a,b]": peak working set per body (benchmarks/memory.sh).
if (args is ["memory", ..])
{
    await MemoryMode.RunAsync(args);
    return;
}

// "memory-case NAME BASE_URL BYTES": one measurement of the memory mode, in a process of its own.
if (args is ["memory-case", _, _, _])
{
    await MemoryMode.RunCaseAsync(args);
    return;
}

// "scaling [BASE_URL] [--only cookies,redirects,callers,callers-loopback] [--no-loopback] [--rounds N] [--scale F]": cost as work grows (benchmarks/scaling.sh).
if (args is ["scaling", ..])
{
    await ScalingMode.RunAsync(args);
    return;
}

// "cpu-ab BASE_URL [--rounds N] [--requests N] [--callers 1,32] [--clients raw,session,...]": benchmarks/cpu-ab.sh.
if (args is ["cpu-ab", _, ..])
{
    await CpuAb.RunAsync(args);
    return;
}

// "profile [seconds]" runs the overhead scenario in a loop, to attach a profiler (benchmarks/README.md).
if (args is ["profile", ..])
{
    var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20;
    var overhead = new OverheadBenchmark();
    overhead.Setup();
    var until = DateTime.UtcNow.AddSeconds(seconds);
    long count = 0;
    while (DateTime.UtcNow < until)
    {
        for (var i = 0; i < 10_000; i++)
        {
            await overhead.PipelineSession();
        }

        count += 10_000;
    }

    overhead.Cleanup();
    Console.WriteLine($"{count} requests in {seconds} s: {seconds * 1e9 / count:F0} ns each");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(OverheadBenchmark).Assembly).Run(args);

// Prints the server's URL for the script that started it, then waits for SIGTERM or SIGINT.
static async Task PrintUrlAndWaitForSignalAsync(string url)
{
    var stopped = new TaskCompletionSource();
    using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => stopped.TrySetResult());
    using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, _ => stopped.TrySetResult());
    Console.WriteLine(url);
    await Console.Out.FlushAsync();
#pragma warning disable VSTHRD003 // completed by the signal handlers above
    await stopped.Task;
#pragma warning restore VSTHRD003
}
