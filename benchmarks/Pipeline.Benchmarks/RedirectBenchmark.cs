using System.Net;
using BenchmarkDotNet.Attributes;
using Flurl.Http;
using RestSharp;

namespace Pipeline.Benchmarks;

/// <summary>Scenario 3: a chain of 5 redirects that sets a cookie on every hop, on loopback.</summary>
[MemoryDiagnoser]
public class RedirectBenchmark : LoopbackClients
{
    private SocketsHttpHandler _handler = null!;
    private string _url = null!;

    public override void Setup()
    {
        base.Setup();
        _url = App.Url("/redirect-cookie/5");
        _handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
    }

    public override void Cleanup()
    {
        _handler.Dispose();
        base.Cleanup();
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
        Session.Cookies.Clear();
        using var response = await Session.GetAsync(_url);
        return response.Content.Length;
    }

    [Benchmark(Description = "Flurl")]
    public async Task<int> FlurlClient() => (await Flurl.Request("/redirect-cookie/5").WithCookies(out _).GetBytesAsync()).Length;

    [Benchmark(Description = "RestSharp")]
    public async Task<int> RestSharpClient() =>
        (await Rest.ExecuteAsync(new RestRequest("/redirect-cookie/5") { CookieContainer = new CookieContainer() })).RawBytes!.Length;
}
