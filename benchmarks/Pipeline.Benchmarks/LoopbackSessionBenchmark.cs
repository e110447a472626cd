using System.Net;
using BenchmarkDotNet.Attributes;
using Flurl.Http;
using Pipeline.Testing;
using RestSharp;

namespace Pipeline.Benchmarks;

/// <summary>
/// Scenario 2: a Kestrel server on 127.0.0.1; log in once (Set-Cookie), then GETs carrying a default header, a default
/// param and the cookie: one caller in sequence, and 32 concurrent callers on one client.
/// </summary>
[MemoryDiagnoser]
public class LoopbackSessionBenchmark
{
    private const int Callers = 32;
    private LoopbackServer _app = null!;
    private HttpClient _raw = null!;
    private Session _session = null!;
    private IFlurlClient _flurl = null!;
    private CookieJar _flurlCookies = null!;
    private RestClient _rest = null!;
    private string _url = null!;

    [GlobalSetup]
    public void Setup()
    {
        _app = Loopback.Start();
        _url = _app.Url("/anything");
        var cookies = new CookieContainer();
        _raw = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AutomaticDecompression = DecompressionMethods.All });
        _raw.DefaultRequestHeaders.Add("X-Api-Key", "k");
        _raw.PostAsync(_app.Url("/login"), null).GetAwaiter().GetResult().Dispose();

        _session = new Session();
        _session.Headers["X-Api-Key"] = "k";
        _session.Params["v"] = "1";
        _session.PostAsync(_app.Url("/login")).GetAwaiter().GetResult().Dispose();

        _flurl = new FlurlClient(_app.BaseUrl).WithHeader("X-Api-Key", "k");
        _flurlCookies = new CookieJar();
        _flurl.Request("/login").WithCookies(_flurlCookies).PostAsync().GetAwaiter().GetResult().Dispose();

        _rest = new RestClient(new RestClientOptions(_app.BaseUrl) { CookieContainer = new CookieContainer() });
        _rest.AddDefaultHeader("X-Api-Key", "k");
        _rest.AddDefaultQueryParameter("v", "1");
        _rest.ExecuteAsync(new RestRequest("/login", Method.Post)).GetAwaiter().GetResult();
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
    public async Task<int> RawHttpClient() => (await _raw.GetByteArrayAsync(_url + "?v=1")).Length;

    [Benchmark]
    public async Task<int> PipelineSession()
    {
        using var response = await _session.GetAsync(_url);
        return response.Content.Length;
    }

    [Benchmark]
    public async Task<int> Flurl() => (await _flurl.Request("/anything").SetQueryParam("v", "1").WithCookies(_flurlCookies).GetBytesAsync()).Length;

    [Benchmark]
    public async Task<int> RestSharp() => (await _rest.ExecuteAsync(new RestRequest("/anything"))).RawBytes!.Length;

    [Benchmark(OperationsPerInvoke = Callers)]
    public Task RawHttpClient32() => Concurrently(RawHttpClient);

    [Benchmark(OperationsPerInvoke = Callers)]
    public Task PipelineSession32() => Concurrently(PipelineSession);

    [Benchmark(OperationsPerInvoke = Callers)]
    public Task Flurl32() => Concurrently(Flurl);

    [Benchmark(OperationsPerInvoke = Callers)]
    public Task RestSharp32() => Concurrently(RestSharp);

    private static Task Concurrently(Func<Task<int>> call) => Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => call()));
}
