namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestRequests</c>: headers and hooks.</summary>
public sealed partial class TestRequests
{
    [Fact]
    public void test_headers_on_session_with_None_are_not_sent()
    {
        using var ses = new Session();
        ses.Headers["Accept-Encoding"] = null;
        var req = new Request("GET", httpbin("get"));

        var prep = ses.PrepareRequest(req);

        Assert.False(prep.Headers.ContainsKey("Accept-Encoding"));
    }

    [Fact]
    public void test_headers_preserve_order()
    {
        using var ses = new Session();
        ses.Headers.Clear();
        ses.Headers["Accept-Encoding"] = "identity";
        ses.Headers["First"] = "1";
        ses.Headers["Second"] = "2";
        var headers = new HeaderMap { ["Third"] = "3", ["Fourth"] = "4" };
        headers["Fifth"] = "5";
        headers["Second"] = "222";
        var req = new Request("GET", httpbin("get")) { Headers = headers };

        var prep = ses.PrepareRequest(req);

        var items = prep.Headers.ToList();
        Assert.Equal(new("Accept-Encoding", "identity"), items[0]);
        Assert.Equal(new("First", "1"), items[1]);
        Assert.Equal(new("Second", "222"), items[2]);
        Assert.Equal(new("Third", "3"), items[3]);
        Assert.Equal(new("Fourth", "4"), items[4]);
        Assert.Equal(new("Fifth", "5"), items[5]);
    }

    [Theory]
    [InlineData("User-agent")]
    [InlineData("user-agent")]
    public async Task test_user_agent_transfers(string key)
    {
        var heads = new HeaderMap { [key] = "Mozilla/5.0 (github.com/psf/requests)" };

        var r = await Requests.GetAsync(httpbin("user-agent"), new() { Headers = heads });

        Assert.Contains(heads[key]!, r.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task test_proxy_authorization_preserved_on_request()
    {
        const string ProxyAuthValue = "Bearer XXX";
        using var session = new Session();
        session.Headers["Proxy-Authorization"] = ProxyAuthValue;

        var resp = await session.RequestAsync("GET", httpbin("get"));

        var sentHeaders = resp.Json().GetProperty("headers");
        // Departure (README, Differences from requests): a hand-set Proxy-Authorization header is removed when no proxy
        // is used (proxy credentials never reach an origin); requests sends it to the origin.
        Assert.False(sentHeaders.TryGetProperty("Proxy-Authorization", out _));
    }

    [Fact]
    public async Task test_header_remove_is_case_insensitive()
    {
        using var s = new Session();
        s.Headers["foo"] = "bar";

        var r = await s.GetAsync(httpbin("get"), new() { Headers = new() { ["FOO"] = null } });

        Assert.False(r.Request.Headers.ContainsKey("foo"));
    }

    [Fact]
    public async Task test_header_validation()
    {
        // requests' "bar" value is b"fbbq"; a .NET header value is a string.
        var validHeaders = new HeaderMap { ["foo"] = "bar baz qux", ["bar"] = "fbbq", ["baz"] = "", ["qux"] = "1" };

        var r = await Requests.GetAsync(httpbin("get"), new() { Headers = validHeaders });

        foreach (var (key, value) in validHeaders)
        {
            Assert.Equal(value, r.Request.Headers[key]);
        }
    }

    [Theory]
    [InlineData("foo", "bar\r\nbaz: qux")]
    [InlineData("foo", "bar\n\rbaz: qux")]
    [InlineData("foo", "bar\nbaz: qux")]
    [InlineData("foo", "bar\rbaz: qux")]
    [InlineData("fo\ro", "bar")]
    [InlineData("fo\r\no", "bar")]
    [InlineData("fo\n\ro", "bar")]
    [InlineData("fo\no", "bar")]
    [InlineData("foo", "bar\n")]
    [InlineData("foo\n", "bar")]
    [InlineData("foo", "bar\r\n")]
    [InlineData("foo", "\n")]
    [InlineData("foo", "\r\n")]
    public async Task test_header_no_return_chars(string name, string value)
    {
        await Assert.ThrowsAnyAsync<InvalidHeaderException>(() => Requests.GetAsync(httpbin("get"), new() { Headers = new() { [name] = value } }));
    }

    [Theory]
    [InlineData(" foo", "bar")]
    [InlineData("\tfoo", "bar")]
    [InlineData("    foo", "bar")]
    [InlineData("foo", " bar")]
    [InlineData("foo", "    bar")]
    [InlineData("foo", "\tbar")]
    [InlineData(" ", "bar")]
    public async Task test_header_no_leading_space(string name, string value)
    {
        await Assert.ThrowsAnyAsync<InvalidHeaderException>(() => Requests.GetAsync(httpbin("get"), new() { Headers = new() { [name] = value } }));
    }

    [Fact]
    public async Task test_hook_receives_request_arguments()
    {
        // requests calls hook(resp, **kwargs) and checks kwargs (timeout, verify, ...) is not empty; a Pipeline hook
        // receives the Response alone, so what is checked is that it receives one.
        Response? received = null;
        var hooks = new HookMap();
        hooks.Response.Add(resp => { received = resp; });
        using var s = new Session();
        var r = new Request("GET", httpbin()) { Hooks = hooks };

        var prep = s.PrepareRequest(r);
        await s.SendAsync(prep);

        Assert.NotNull(received);
    }

    [Fact]
    public async Task test_session_hooks_are_used_with_no_request_hooks()
    {
        // requests compares prep.hooks, which is private in Pipeline: the hooks that run show the same.
        var ran = new List<string>();
        using var s = new Session();
        s.Hooks.Response.Add(_ => ran.Add("hook"));
        var r = new Request("GET", httpbin());

        var prep = s.PrepareRequest(r);
        await s.SendAsync(prep);

        Assert.NotEmpty(ran);
        Assert.Equal(["hook"], ran);
    }

    [Fact]
    public async Task test_session_hooks_are_overridden_by_request_hooks()
    {
        var ran = new List<string>();
        using var s = new Session();
        s.Hooks.Response.Add(_ => ran.Add("hook2"));
        var requestHooks = new HookMap();
        requestHooks.Response.Add(_ => ran.Add("hook1"));
        var r = new Request("GET", httpbin()) { Hooks = requestHooks };

        var prep = s.PrepareRequest(r);
        await s.SendAsync(prep);

        Assert.Equal(["hook1"], ran);
    }

    [Fact]
    public async Task test_prepared_request_hook()
    {
        // requests' hook sets resp.hook_working and returns resp; here the hook notes the response it returned.
        Response? hooked = null;
        var hooks = new HookMap();
        hooks.Response.Add(resp => hooked = resp);
        var prep = Prepare(new Request("GET", httpbin()) { Hooks = hooks });
        using var s = new Session();

        var resp = await s.SendAsync(prep);

        Assert.Same(hooked, resp);
    }
}
