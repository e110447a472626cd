using BenchmarkDotNet.Attributes;
using Flurl.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Testing;

namespace Pipeline.Benchmarks;

/// <summary>Scenario 6: construct a client (standalone and through DI) and send its first request, on loopback.</summary>
[MemoryDiagnoser]
public class ColdStartBenchmark
{
    private LoopbackServer _app = null!;
    private string _url = null!;

    [GlobalSetup]
    public void Setup()
    {
        _app = Loopback.Start();
        _url = _app.Url("/get");
    }

    [GlobalCleanup]
    public void Cleanup() => Loopback.Stop(_app);

    [Benchmark(Baseline = true)]
    public async Task<int> RawHttpClient()
    {
        using var client = new HttpClient();
        return (await client.GetByteArrayAsync(_url)).Length;
    }

    [Benchmark]
    public async Task<int> PipelineSession()
    {
        using var session = new Session();
        using var response = await session.GetAsync(_url);
        return response.Content.Length;
    }

    [Benchmark]
    public async Task<int> PipelineDependencyInjection()
    {
        var services = new ServiceCollection();
        services.AddSession("cold");
        await using var provider = services.BuildServiceProvider();
        using var session = provider.GetRequiredKeyedService<Session>("cold");
        using var response = await session.GetAsync(_url);
        return response.Content.Length;
    }

    [Benchmark]
    public async Task<int> Flurl()
    {
        using var client = new FlurlClient();
        return (await client.Request(_url).GetBytesAsync()).Length;
    }

    [Benchmark]
    public async Task<int> RestSharp()
    {
        using var client = new RestSharp.RestClient();
        return (await client.ExecuteAsync(new RestSharp.RestRequest(_url))).RawBytes!.Length;
    }
}
