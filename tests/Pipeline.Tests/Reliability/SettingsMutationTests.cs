using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Reliability;

/// <summary>
/// A session's settings changed while its requests run: headers, params and proxies changed in place and replaced, auth
/// and the cookie jar replaced. No request fails, and each sees one state of every setting on all its hops.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class SettingsMutationTests
{
    private const int Readers = 8;

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Settings_MutatedWhileRequestsRun_NoException_AndEachRequestSeesOneSnapshot(string kind)
    {
        // Arrange: /start redirects to /end on the same host, so every request has two hops to compare.
        var hops = new ConcurrentDictionary<string, ConcurrentQueue<Hop>>();
        var stub = new StubHandler(request =>
        {
            var id = request.Headers.GetValues("X-Caller").Single();
            hops.GetOrAdd(id, _ => new()).Enqueue(Hop.From(request));
            return request.RequestUri!.AbsolutePath == "/start"
                ? new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("/end", UriKind.Relative) } }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") };
        });
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);
        var session = handle.Session;
        session.Mount("http://", stub);
        Apply(session, 0);
        var errors = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        // Act
        var writer = Task.Run(() =>
        {
            var generation = 0;
            while (!stop.IsCancellationRequested)
            {
                Apply(session, ++generation);
            }

            return generation;
        });
        var requests = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, Readers), async (reader, ct) =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"{reader}-{i}";
                try
                {
                    using var response = await session.GetAsync("http://settings.test/start", new() { Headers = new() { ["X-Caller"] = id } }, CancellationToken.None);
                    if (response.StatusCode != HttpStatusCode.OK || response.History.Count != 1)
                    {
                        errors.Enqueue($"{id}: {(int)response.StatusCode}, {response.History.Count} redirects");
                    }

                    Interlocked.Increment(ref requests);
                }
                catch (Exception ex)
                {
                    errors.Enqueue($"{id}: {ex}");
                }
            }
        });
        var generations = await writer;

        // Assert
        Assert.Empty(errors);
        Assert.True(generations > 100 && requests > 100, $"{generations} generations, {requests} requests");
        foreach (var (id, recorded) in hops)
        {
            var pair = recorded.ToArray();
            Assert.True(pair.Length == 2, $"{id}: {pair.Length} hops");
            pair[0].AssertConsistent(id);
            Assert.Equal(pair[0] with { Path = "/end", ParamsGeneration = null }, pair[1] with { ParamsGeneration = null });
        }
    }

    /// <summary>Writes generation <paramref name="g"/> of every setting, each in one assignment or in place.</summary>
    private static void Apply(Session session, int g)
    {
        session.Headers["X-Gen"] = $"{g}-{g}";
        if (g % 2 == 0)
        {
            session.Headers.Remove("X-Odd");
        }
        else
        {
            session.Headers["X-Odd"] = $"{g}";
        }

        session.Params = new QueryParams { ["gen"] = $"{g}", ["check"] = $"{g}" };
        session.Params["inplace"] = $"{g}";
        session.Params.Remove("inplace");
        session.Proxies = new ProxyMap { ["https"] = "http://127.0.0.1:9" };
        session.Proxies["http"] = $"http://pu{g}:pp{g}@127.0.0.1:9";
        session.Auth = new BasicAuth($"u{g}", $"p{g}");
        var jar = new CookieJar();
        jar.Set("gen", $"{g}");
        jar.Set("check", $"{g}");
        session.Cookies = jar;
    }

    private sealed record Hop(string Path, string? ParamsGeneration, string Gen, string? Odd, string Auth, string? ProxyAuth, string? Cookie)
    {
        public static Hop From(HttpRequestMessage request)
        {
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            string? One(string name) => request.Headers.TryGetValues(name, out var values) ? values.Single() : null;
            var gen = query["gen"];
            // "inplace" is added to the params object of its generation, so it may be missing but never differs.
            if (gen != query["check"] || (query["inplace"] is { } inplace && inplace != gen))
            {
                gen = "torn:" + request.RequestUri.Query;
            }

            return new Hop(request.RequestUri.AbsolutePath, gen, One("X-Gen")!, One("X-Odd"), Decode(One("Authorization"))!, Decode(One("Proxy-Authorization")), One("Cookie"));
        }

        public void AssertConsistent(string id)
        {
            Assert.False(ParamsGeneration is null || ParamsGeneration.StartsWith("torn", StringComparison.Ordinal), $"{id}: params {ParamsGeneration}");
            var parts = Gen.Split('-');
            Assert.True(parts.Length == 2 && parts[0] == parts[1], $"{id}: X-Gen {Gen}");
            Assert.Matches(@"^u(\d+):p\1$", Auth);
            Assert.True(Odd is null || int.Parse(Odd) % 2 == 1, $"{id}: X-Odd {Odd}");
            Assert.True(ProxyAuth is null || System.Text.RegularExpressions.Regex.IsMatch(ProxyAuth, @"^pu(\d+):pp\1$"), $"{id}: proxy {ProxyAuth}");
            Assert.Matches(@"^(gen|check)=(\d+); (gen|check)=\2$", Cookie!);
        }

        private static string? Decode(string? basic) =>
            basic is null ? null : Encoding.Latin1.GetString(Convert.FromBase64String(basic["Basic ".Length..]));
    }
}
