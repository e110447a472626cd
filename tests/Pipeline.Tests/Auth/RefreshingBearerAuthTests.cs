using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Authentication;

[Collection(LoopbackCollection.Name)]
public sealed class RefreshingBearerAuthTests(LoopbackServerFixture server)
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RejectedToken_IsRefreshedOnce_AndTheRequestResent(string kind)
    {
        var issued = new Queue<string>(["expired", "fresh"]);
        var calls = 0;
        var auth = new RefreshingBearerAuth(_ =>
        {
            calls++;
            return ValueTask.FromResult(issued.Dequeue());
        });
        using var handle = TestSessions.Create(kind, s => s.Auth = auth);

        var first = await handle.Session.PostAsync(server.Url("/bearer-check?token=fresh"), new() { Data = "body" });
        var second = await handle.Session.GetAsync(server.Url("/bearer-check?token=fresh"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal([HttpStatusCode.Unauthorized], first.History.Select(r => r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Empty(second.History);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task StillRejected_AfterRefresh_ReturnsThe401()
    {
        var calls = 0;
        using var session = new Session { Auth = new RefreshingBearerAuth(_ => ValueTask.FromResult("bad-" + ++calls)) };

        var response = await session.GetAsync(server.Url("/bearer-check?token=never"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task ConcurrentRejections_ShareOneRefresh()
    {
        var calls = 0;
        var auth = new RefreshingBearerAuth(async ct =>
        {
            await Task.Yield();
            return Interlocked.Increment(ref calls) == 1 ? "old" : "new";
        });
        using var session = new Session { Auth = auth };
        await session.GetAsync(server.Url("/bearer-check?token=old"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => session.GetAsync(server.Url("/bearer-check?token=new"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void ToString_NeverShowsTheToken()
    {
        Assert.Equal("RefreshingBearerAuth(***)", new RefreshingBearerAuth(_ => ValueTask.FromResult("secret")).ToString());
        Assert.DoesNotContain("secret", new BearerAuth("secret").ToString());
        Assert.DoesNotContain("pw", new BasicAuth("u", "pw").ToString());
        Assert.DoesNotContain("pw", new DigestAuth("u", "pw").ToString());
    }
}
