using BenchmarkDotNet.Running;
using Pipeline.Benchmarks;

// "serve" starts the loopback app alone, for the python-requests comparison (benchmarks/python).
if (args is ["serve", ..])
{
    await using var app = await Pipeline.TestServer.LoopbackApp.StartAsync();
    Console.WriteLine(app.BaseUrl);
    await Console.Out.FlushAsync();
    await Task.Delay(Timeout.Infinite);
}

BenchmarkSwitcher.FromAssembly(typeof(OverheadBenchmark).Assembly).Run(args);
