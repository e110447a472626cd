using System.Net;
using BenchmarkDotNet.Attributes;
using Flurl.Http;
using RestSharp;

namespace Pipeline.Benchmarks;

/// <summary>
/// Scenario 1: the per-request cost of each client with an in-memory terminal handler (no sockets): a GET carrying a
/// default header, a default query parameter and a session cookie, answered with a small JSON body.
/// </summary>
[MemoryDiagnoser]
public class OverheadBenchmark
{
    private HttpClient _raw = null!;
    private Session _session = null!;
    private IFlurlClient _flurl = null!;
    private RestClient _rest = null!;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new HttpClient(new InMemoryHandler());
        _session = new Session();
        _session.Mount("http://", new InMemoryHandler());
        _session.Headers["X-Api-Key"] = "k";
        _session.Params["v"] = "1";
        _session.Cookies.Set("session", "abc");
        _flurl = new FlurlClient(new HttpClient(new InMemoryHandler())).WithHeader("X-Api-Key", "k");
        var cookies = new CookieContainer();
        cookies.Add(new Uri("http://bench.local/"), new Cookie("session", "abc"));
        _rest = new RestClient(new RestClientOptions("http://bench.local") { ConfigureMessageHandler = _ => new InMemoryHandler(), CookieContainer = cookies });
        _rest.AddDefaultHeader("X-Api-Key", "k");
        _rest.AddDefaultQueryParameter("v", "1");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _session.Dispose();
        _flurl.Dispose();
        _rest.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> RawHttpClient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://bench.local/items?v=1");
        request.Headers.TryAddWithoutValidation("X-Api-Key", "k");
        request.Headers.TryAddWithoutValidation("Cookie", "session=abc");
        using var response = await _raw.SendAsync(request);
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }

    [Benchmark]
    public async Task<int> PipelineSession()
    {
        using var response = await _session.GetAsync("http://bench.local/items");
        return response.Content.Length;
    }

    [Benchmark]
    public async Task<int> Flurl()
    {
        var bytes = await _flurl.Request("http://bench.local/items").SetQueryParam("v", "1").WithCookie("session", "abc").GetBytesAsync();
        return bytes.Length;
    }

    [Benchmark]
    public async Task<int> RestSharp()
    {
        var response = await _rest.ExecuteAsync(new RestRequest("items"));
        return response.RawBytes!.Length;
    }
}
