using System.Net;
using BenchmarkDotNet.Attributes;
using Flurl.Http;
using RestSharp;
using Pipeline.TestServer;

namespace Pipeline.Benchmarks;

/// <summary>Scenario 3: a chain of 5 redirects that sets a cookie on every hop, on loopback.</summary>
[MemoryDiagnoser]
public class RedirectBenchmark
{
    private LoopbackApp _app = null!;
    private Session _session = null!;
    private SocketsHttpHandler _handler = null!;
    private IFlurlClient _flurl = null!;
    private RestClient _rest = null!;
    private string _url = null!;

    [GlobalSetup]
    public void Setup()
    {
        _app = Loopback.Start();
        _url = _app.Url("/redirect-cookie/5");
        _session = new Session();
        _handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
        _flurl = new FlurlClient(_app.BaseUrl);
        _rest = new RestClient(_app.BaseUrl);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _handler.Dispose();
        _flurl.Dispose();
        _rest.Dispose();
        Loopback.Stop(_app);
    }

    /// <summary>The hand-written equivalent: follow Location and keep the cookies in a CookieContainer.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> RawHttpClient()
    {
        using var client = new HttpClient(_handler, disposeHandler: false);
        var cookies = new CookieContainer();
        var url = new Uri(_url);
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            var header = cookies.GetCookieHeader(url);
            if (header.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("Cookie", header);
            }

            using var response = await client.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    cookies.SetCookies(url, setCookie);
                }
            }

            if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location && hop < 30)
            {
                url = new Uri(url, location);
                continue;
            }

            return (await response.Content.ReadAsByteArrayAsync()).Length;
        }
    }

    [Benchmark]
    public async Task<int> PipelineSession()
    {
        _session.Cookies.Clear();
        using var response = await _session.GetAsync(_url);
        return response.Content.Length;
    }

    [Benchmark]
    public async Task<int> Flurl() => (await _flurl.Request("/redirect-cookie/5").WithCookies(out _).GetBytesAsync()).Length;

    [Benchmark]
    public async Task<int> RestSharp() =>
        (await _rest.ExecuteAsync(new RestRequest("/redirect-cookie/5") { CookieContainer = new CookieContainer() })).RawBytes!.Length;
}
