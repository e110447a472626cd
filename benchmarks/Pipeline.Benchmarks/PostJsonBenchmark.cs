using System.Net.Http.Json;
using BenchmarkDotNet.Attributes;
using Flurl.Http;
using RestSharp;

namespace Pipeline.Benchmarks;

/// <summary>Scenario 4: POST a 1 KB JSON body and parse the JSON answer, on loopback.</summary>
[MemoryDiagnoser]
public class PostJsonBenchmark : LoopbackClients
{
    // About 1 KB of JSON once serialized.
    private readonly Item[] _items = Enumerable.Range(0, 24).Select(i => new Item(i, "widget-" + i, i % 2 == 0)).ToArray();
    private string _url = null!;

    public override void Setup()
    {
        base.Setup();
        _url = App.Url("/items");
    }

    [Benchmark(Baseline = true)]
    public async Task<int> RawHttpClient()
    {
        using var response = await Raw.PostAsJsonAsync(_url, _items);
        return (await response.Content.ReadFromJsonAsync<Answer>())!.Received;
    }

    [Benchmark]
    public async Task<int> PipelineSession()
    {
        using var response = await Session.PostAsync(_url, new() { Json = _items });
        return response.Json<Answer>()!.Received;
    }

    [Benchmark(Description = "Flurl")]
    public async Task<int> FlurlClient() => (await Flurl.Request("/items").PostJsonAsync(_items).ReceiveJson<Answer>()).Received;

    [Benchmark(Description = "RestSharp")]
    public async Task<int> RestSharpClient() =>
        (await Rest.ExecuteAsync<Answer>(new RestRequest("/items", Method.Post).AddJsonBody(_items))).Data!.Received;

    public sealed record Answer(int Received, bool Ok);
}
