using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using Flurl.Http;
using RestSharp;
using Pipeline.TestServer;

namespace Pipeline.Benchmarks;

/// <summary>Scenario 4: POST a 1 KB JSON body and parse the JSON answer, on loopback.</summary>
[MemoryDiagnoser]
public class PostJsonBenchmark
{
    private LoopbackApp _app = null!;
    private HttpClient _raw = null!;
    private Session _session = null!;
    private IFlurlClient _flurl = null!;
    private RestClient _rest = null!;
    private Item[] _items = null!;
    private string _url = null!;

    [GlobalSetup]
    public void Setup()
    {
        _app = Loopback.Start();
        _url = _app.Url("/items");
        _raw = new HttpClient();
        _session = new Session();
        _flurl = new FlurlClient(_app.BaseUrl);
        _rest = new RestClient(_app.BaseUrl);

        // About 1 KB of JSON once serialized.
        _items = Enumerable.Range(0, 24).Select(i => new Item(i, "widget-" + i, i % 2 == 0)).ToArray();
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
    public async Task<int> RawHttpClient()
    {
        using var response = await _raw.PostAsJsonAsync(_url, _items);
        var answer = await response.Content.ReadFromJsonAsync<Answer>();
        return answer!.Received;
    }

    [Benchmark]
    public async Task<int> PipelineSession()
    {
        using var response = await _session.PostAsync(_url, new() { Json = _items });
        return response.Json<Answer>()!.Received;
    }

    [Benchmark]
    public async Task<int> Flurl() => (await _flurl.Request("/items").PostJsonAsync(_items).ReceiveJson<Answer>()).Received;

    [Benchmark]
    public async Task<int> RestSharp() =>
        (await _rest.ExecuteAsync<Answer>(new RestRequest("/items", Method.Post).AddJsonBody(_items))).Data!.Received;

    public sealed record Answer(int Received, bool Ok);
}
