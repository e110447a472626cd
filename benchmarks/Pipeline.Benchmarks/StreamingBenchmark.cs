using BenchmarkDotNet.Attributes;
using Flurl.Http;
using RestSharp;
using Pipeline.TestServer;

namespace Pipeline.Benchmarks;

/// <summary>Scenario 5: stream a 256 MB body on loopback in 64 KB chunks; throughput and allocated memory.</summary>
[MemoryDiagnoser]
public class StreamingBenchmark
{
    private const long Size = 256L * 1024 * 1024;
    private LoopbackApp _app = null!;
    private HttpClient _raw = null!;
    private Session _session = null!;
    private IFlurlClient _flurl = null!;
    private RestClient _rest = null!;
    private string _url = null!;

    [GlobalSetup]
    public void Setup()
    {
        _app = Loopback.Start();
        _url = _app.Url($"/stream-bytes/{Size}");
        _raw = new HttpClient();
        _session = new Session();
        _flurl = new FlurlClient();
        _rest = new RestClient();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _session.Dispose();
        _flurl.Dispose();
        _rest.Dispose();
        Loopback.Stop(_app);
    }

    [Benchmark(Baseline = true)]
    public async Task<long> RawHttpClient()
    {
        using var response = await _raw.GetAsync(_url, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        return await DrainAsync(stream);
    }

    [Benchmark]
    public async Task<long> Flurl()
    {
        await using var stream = await _flurl.Request(_url).GetStreamAsync();
        return await DrainAsync(stream);
    }

    [Benchmark]
    public async Task<long> RestSharp()
    {
        await using var stream = await _rest.DownloadStreamAsync(new RestRequest(_url));
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

    [Benchmark]
    public async Task<long> PipelineSession()
    {
        using var response = await _session.GetAsync(_url, new() { Stream = true });
        long total = 0;
        await foreach (var chunk in response.IterContentAsync(64 * 1024))
        {
            total += chunk.Length;
        }

        return total;
    }
}
