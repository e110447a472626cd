using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>requests' response hooks, for both pipelines.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class HooksTests(LoopbackServerFixture server)
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Hooks_RunOnEveryHop_InOrder_AsRequests(string kind)
    {
        var seen = new List<string>();
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Hooks.Response.Add(r => seen.Add("first " + new Uri(r.Url).AbsolutePath));
            s.Hooks.Response.Add(r => seen.Add("second " + (int)r.StatusCode));
        });

        await handle.Session.GetAsync(server.Url("/redirect/2"));

        Assert.Equal(
            ["first /redirect/2", "second 302", "first /redirect/1", "second 302", "first /get", "second 200"],
            seen);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Hook_ReturningAResponse_ReplacesItForLaterHooksAndTheCaller(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var session = handle.Session;
        var laterSaw = HttpStatusCode.OK;
        var replacement = await session.GetAsync(server.Url("/status/418"));
        session.Hooks.Response.Add(r => r.StatusCode == HttpStatusCode.OK ? replacement : null);
        session.Hooks.Response.Add(r => laterSaw = r.StatusCode);

        var response = await session.GetAsync(server.Url("/get"));

        Assert.Same(replacement, response);
        Assert.Equal((HttpStatusCode)418, laterSaw);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task MergeHooks_RequestListReplacesSessionList_EmptyListKeepsIt(string kind)
    {
        var calls = new List<string>();
        using var handle = TestSessions.Create(kind, s => s.Hooks.Response.Add(_ => calls.Add("session")));
        var requestHooks = new HookMap();
        requestHooks.Response.Add(_ => calls.Add("request"));

        await handle.Session.GetAsync(server.Url("/get"), new() { Hooks = requestHooks });
        await handle.Session.GetAsync(server.Url("/get"), new() { Hooks = new HookMap() });

        Assert.Equal(["request", "session"], calls);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AsyncHooks_AreAwaited_AndSeeTheBufferedBody(string kind)
    {
        var bodies = new List<string>();
        using var handle = TestSessions.Create(kind, s => s.Hooks.Response.AddAsync(async (r, ct) =>
        {
            await Task.Yield();
            bodies.Add(r.Json().GetProperty("path").GetString()!);
        }));

        await handle.Session.GetAsync(server.Url("/anything/hooked"));

        Assert.Equal(["/anything/hooked"], bodies);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AsyncHook_CanReplaceTheResponse(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var session = handle.Session;
        session.Hooks.Response.AddAsync(async (r, ct) =>
            r.StatusCode == HttpStatusCode.NotFound ? await session.GetAsync(server.Url("/json"), new() { Hooks = new HookMap() }, ct) : null);

        var response = await session.GetAsync(server.Url("/status/404"));

        Assert.Equal(42, response.Json().GetProperty("number").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Hooks_SeeRedirectCookiesOnlyAfterCookieExtraction_PerHop(string kind)
    {
        var cookieCounts = new List<int>();
        using var handle = TestSessions.Create(kind);
        var session = handle.Session;
        session.Hooks.Response.Add(_ => cookieCounts.Add(session.Cookies.Count));

        await session.GetAsync(server.Url("/redirect-with?to=/get&cookie=" + Uri.EscapeDataString("c=1; Path=/")));

        // requests runs hooks before extracting the hop's cookies into the session jar.
        Assert.Equal([0, 1], cookieCounts);
    }
}
