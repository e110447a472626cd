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
    private Session _sessionWithoutEnvironment = null!;
    private IFlurlClient _flurl = null!;
    private RestClient _rest = null!;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new HttpClient(new InMemoryHandler());
        _session = CreateSession(trustEnv: true);
        _sessionWithoutEnvironment = CreateSession(trustEnv: false);
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
        _sessionWithoutEnvironment.Dispose();
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

    /// <summary>
    /// The same session with <see cref="Session.TrustEnv"/> off. With it on (the default, as requests), every request reads
    /// the proxy variables and NETRC from the environment, about 250 ns each; raw HttpClient reads its proxy variables
    /// once per process.
    /// </summary>
    [Benchmark]
    public async Task<int> PipelineSessionTrustEnvOff()
    {
        using var response = await _sessionWithoutEnvironment.GetAsync("http://bench.local/items");
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

    private static Session CreateSession(bool trustEnv)
    {
        var session = new Session { TrustEnv = trustEnv };
        session.Mount("http://", new InMemoryHandler());
        session.Headers["X-Api-Key"] = "k";
        session.Params["v"] = "1";
        session.Cookies.Set("session", "abc");
        return session;
    }
}
