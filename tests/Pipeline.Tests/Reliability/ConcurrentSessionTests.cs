using System.Collections.Concurrent;
using System.Net;
using Pipeline.Testing;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Reliability;

/// <summary>One session shared by 64 concurrent callers, each following a redirect that sets its own cookie.</summary>
[Trait("Category", "Reliability")]
public sealed class ConcurrentSessionTests : IAsyncLifetime
{
    private const int Callers = 64;
    private const int Rounds = 12;
    private LoopbackServer _server = null!;

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Session_64CallersWithCookiesAndRedirects_EveryResponseRight_AndTheJarConsistent(string kind)
    {
        // Arrange
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);
        var session = handle.Session;
        var errors = new ConcurrentQueue<string>();

        // Act: caller i sets c{i}=r{round} on a 302 and reads its cookies back on the redirect's target.
        await Parallel.ForEachAsync(Enumerable.Range(0, Callers), new ParallelOptions { MaxDegreeOfParallelism = Callers }, async (caller, ct) =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                var cookie = Uri.EscapeDataString($"c{caller}=r{round}; Path=/");
                using var response = await session.GetAsync(_server.Url($"/redirect-with?status=302&to=/cookies&cookie={cookie}"), cancellationToken: ct);
                var seen = response.Json().GetProperty("cookies");
                var own = seen.TryGetProperty($"c{caller}", out var value) ? value.GetString() : null;
                if (response.StatusCode != HttpStatusCode.OK || response.History.Count != 1 || !response.Url.EndsWith("/cookies", StringComparison.Ordinal)
                    || own != $"r{round}" || response.History[0].Cookies[$"c{caller}"] != $"r{round}")
                {
                    errors.Enqueue($"caller {caller} round {round}: {(int)response.StatusCode} {response.Url} history={response.History.Count} own={own}");
                }

                foreach (var other in seen.EnumerateObject())
                {
                    if (!other.Name.StartsWith('c') || !other.Value.GetString()!.StartsWith('r'))
                    {
                        errors.Enqueue($"caller {caller} round {round}: unexpected cookie {other.Name}={other.Value}");
                    }
                }
            }
        });

        // Assert
        Assert.Empty(errors);
        Assert.Equal(Callers, session.Cookies.Count);
        for (var caller = 0; caller < Callers; caller++)
        {
            Assert.Equal($"r{Rounds - 1}", session.Cookies[$"c{caller}"]);
        }

        var final = await session.GetAsync(_server.Url("/cookies"));
        Assert.Equal(Callers, final.Json().GetProperty("cookies").EnumerateObject().Count());
    }
}
