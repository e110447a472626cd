using System.Net;
using Flurl.Http;
using RestSharp;

namespace Pipeline.Benchmarks;

/// <summary>
/// The loopback session scenario every client runs the same way: log in once (Set-Cookie), then GETs of
/// <c>/anything</c> carrying a default header (<c>X-Api-Key</c>), a default param (<c>v=1</c>) and the cookie.
/// </summary>
public sealed class LoopbackScenario : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private LoopbackScenario(string baseUrl)
    {
        BaseUrl = baseUrl.TrimEnd('/');
    }

    public string BaseUrl { get; }

    /// <summary>Each client's call, by name: raw, session, session-noenv, flurl, restsharp.</summary>
    public Dictionary<string, Func<Task<int>>> Calls { get; } = [];

    public static async Task<LoopbackScenario> CreateAsync(string baseUrl)
    {
        var scenario = new LoopbackScenario(baseUrl);
        var url = scenario.BaseUrl + "/anything";

        var raw = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AutomaticDecompression = DecompressionMethods.All });
        raw.DefaultRequestHeaders.Add("X-Api-Key", "k");
        (await raw.PostAsync(scenario.BaseUrl + "/login", null)).Dispose();
        scenario._owned.Add(raw);
        scenario.Calls["raw"] = async () => (await raw.GetByteArrayAsync(url + "?v=1")).Length;

        foreach (var (name, trustEnv) in new[] { ("session", true), ("session-noenv", false) })
        {
            var session = new Session { TrustEnv = trustEnv };
            session.Headers["X-Api-Key"] = "k";
            session.Params["v"] = "1";
            (await session.PostAsync(scenario.BaseUrl + "/login")).Dispose();
            scenario._owned.Add(session);
            scenario.Calls[name] = async () =>
            {
                using var response = await session.GetAsync(url);
                return response.Content.Length;
            };
        }

        var flurl = new FlurlClient(scenario.BaseUrl).WithHeader("X-Api-Key", "k");
        var flurlCookies = new Flurl.Http.CookieJar();
        (await flurl.Request("/login").WithCookies(flurlCookies).PostAsync()).Dispose();
        scenario._owned.Add(flurl);
        scenario.Calls["flurl"] = async () => (await flurl.Request("/anything").SetQueryParam("v", "1").WithCookies(flurlCookies).GetBytesAsync()).Length;

        var rest = new RestClient(new RestClientOptions(scenario.BaseUrl) { CookieContainer = new CookieContainer() });
        rest.AddDefaultHeader("X-Api-Key", "k");
        rest.AddDefaultQueryParameter("v", "1");
        await rest.ExecuteAsync(new RestRequest("/login", Method.Post));
        scenario._owned.Add(rest);
        scenario.Calls["restsharp"] = async () => (await rest.ExecuteAsync(new RestRequest("/anything"))).RawBytes!.Length;
        return scenario;
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }
}
