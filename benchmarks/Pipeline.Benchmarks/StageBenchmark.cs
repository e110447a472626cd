using BenchmarkDotNet.Attributes;

namespace Pipeline.Benchmarks;

/// <summary>
/// Stage by stage: an in-memory GET through a session with nothing configured (every stage passes through), then with
/// one setting at a time, so each row's difference from <c>Bare</c> is the cost of that stage doing its work. Raw
/// HttpClient on the same in-memory handler is the baseline. <see cref="Session.TrustEnv"/> is off in every row but
/// <c>TrustEnv</c>, so the environment reads show on their own.
/// </summary>
[MemoryDiagnoser]
public class StageBenchmark
{
    private const string Url = "http://bench.local/items";
    private HttpClient _raw = null!;
    private Session _bare = null!;
    private Session _trustEnv = null!;
    private Session _headers = null!;
    private Session _params = null!;
    private Session _cookies = null!;
    private Session _auth = null!;
    private Session _hooks = null!;
    private Session _retry = null!;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new HttpClient(new InMemoryHandler());
        _bare = Create(_ => { });
        _trustEnv = Create(s => s.TrustEnv = true);
        _headers = Create(s => s.Headers["X-Api-Key"] = "k");
        _params = Create(s => s.Params["v"] = "1");
        _cookies = Create(s => s.Cookies.Set("session", "abc"));
        _auth = Create(s => s.Auth = new BasicAuth("user", "pass"));
        _hooks = Create(s => s.Hooks.Response.Add(static (Response _) => { }));
        _retry = Create(s => s.Retry = RetryPolicy.FromCount(3));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        foreach (var session in new[] { _bare, _trustEnv, _headers, _params, _cookies, _auth, _hooks, _retry })
        {
            session.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> RawHttpClient()
    {
        using var response = await _raw.GetAsync(Url);
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }

    [Benchmark]
    public Task<int> Bare() => GetAsync(_bare);

    [Benchmark]
    public Task<int> TrustEnv() => GetAsync(_trustEnv);

    [Benchmark]
    public Task<int> Headers() => GetAsync(_headers);

    [Benchmark]
    public Task<int> Params() => GetAsync(_params);

    [Benchmark]
    public Task<int> Cookie() => GetAsync(_cookies);

    [Benchmark]
    public Task<int> BasicAuth() => GetAsync(_auth);

    [Benchmark]
    public Task<int> ResponseHook() => GetAsync(_hooks);

    [Benchmark]
    public Task<int> RetryPolicy3() => GetAsync(_retry);

    private static async Task<int> GetAsync(Session session)
    {
        using var response = await session.GetAsync(Url);
        return response.Content.Length;
    }

    private static Session Create(Action<Session> configure)
    {
        var session = new Session { TrustEnv = false };
        session.Mount("http://", new InMemoryHandler());
        configure(session);
        return session;
    }
}
