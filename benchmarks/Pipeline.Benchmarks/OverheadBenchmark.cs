using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace Pipeline.Benchmarks;

/// <summary>
/// Scenario 1: the per-request cost of the stage pipeline over raw HttpClient, with an in-memory terminal handler
/// (no sockets) returning a small JSON response; GET with a default header and a default query param.
/// </summary>
[MemoryDiagnoser]
public class OverheadBenchmark
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"ok\":true}");
    private HttpClient _raw = null!;
    private Session _session = null!;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new HttpClient(new InMemoryHandler());
        _session = new Session();
        _session.Mount("http://", new InMemoryHandler());
        _session.Headers["X-Api-Key"] = "k";
        _session.Params["v"] = "1";
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _session.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> RawHttpClient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://bench.local/items?v=1");
        request.Headers.TryAddWithoutValidation("X-Api-Key", "k");
        using var response = await _raw.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return body.Length;
    }

    [Benchmark]
    public async Task<int> PipelineSession()
    {
        using var response = await _session.GetAsync("http://bench.local/items");
        return response.Content.Length;
    }

    private sealed class InMemoryHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                RequestMessage = request,
                Content = new ByteArrayContent(Payload) { Headers = { { "Content-Type", "application/json" } } },
            });
    }
}
