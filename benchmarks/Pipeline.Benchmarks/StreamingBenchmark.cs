using BenchmarkDotNet.Attributes;
using Flurl.Http;
using RestSharp;

namespace Pipeline.Benchmarks;

/// <summary>Scenario 5: stream a 256 MB body on loopback in 64 KB chunks; throughput and allocated memory.</summary>
[MemoryDiagnoser]
public class StreamingBenchmark : LoopbackClients
{
    private const long Size = 256L * 1024 * 1024;
    private string _url = null!;

    public override void Setup()
    {
        base.Setup();
        _url = App.Url($"/stream-bytes/{Size}");
    }

    [Benchmark(Baseline = true)]
    public async Task<long> RawHttpClient()
    {
        using var response = await Raw.GetAsync(_url, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        return await DrainAsync(stream);
    }

    [Benchmark]
    public async Task<long> PipelineSession()
    {
        using var response = await Session.GetAsync(_url, new() { Stream = true });
        long total = 0;
        await foreach (var chunk in response.IterContentAsync(64 * 1024))
        {
            total += chunk.Length;
        }

        return total;
    }

    [Benchmark(Description = "Flurl")]
    public async Task<long> FlurlClient()
    {
        await using var stream = await Flurl.Request(_url).GetStreamAsync();
        return await DrainAsync(stream);
    }

    [Benchmark(Description = "RestSharp")]
    public async Task<long> RestSharpClient()
    {
        await using var stream = await Rest.DownloadStreamAsync(new RestRequest(_url));
        return await DrainAsync(stream!);
    }

    private static async Task<long> DrainAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }
}
