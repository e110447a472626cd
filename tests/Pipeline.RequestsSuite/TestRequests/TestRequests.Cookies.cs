using System.Net;

namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestRequests</c>: cookies and the cookie jar.</summary>
public sealed partial class TestRequests
{
    [Fact]
    public async Task test_set_cookie_on_301()
    {
        using var s = new Session();

        await s.GetAsync(httpbin("cookies/set?foo=bar"));

        Assert.Equal("bar", s.Cookies["foo"]);
    }

    [Fact]
    public async Task test_cookie_sent_on_redirect()
    {
        using var s = new Session();
        await s.GetAsync(httpbin("cookies/set?foo=bar"));

        var r = await s.GetAsync(httpbin("redirect/1"));

        Assert.True(r.Json().GetProperty("headers").TryGetProperty("Cookie", out _));
    }

    [Fact]
    public async Task test_cookie_removed_on_expire()
    {
        using var s = new Session();
        await s.GetAsync(httpbin("cookies/set?foo=bar"));
        Assert.Equal("bar", s.Cookies["foo"]);

        await s.GetAsync(httpbin("response-headers"), new()
        {
            Params = new() { ["Set-Cookie"] = "foo=deleted; expires=Thu, 01-Jan-1970 00:00:01 GMT" },
        });

        Assert.DoesNotContain(s.Cookies, c => c.Name == "foo");
    }

    [Fact]
    public async Task test_cookie_quote_wrapped()
    {
        using var s = new Session();

        await s.GetAsync(httpbin("cookies/set?foo=\"bar:baz\""));

        // Departure (README, Differences from requests: quoted cookie values): the value is kept as the server sent it,
        // RFC 6265; http.cookiejar strips the outer quotes and backslashes and gives "bar:baz" in quotes.
        Assert.Equal("\"\\\"bar:baz\\\"\"", s.Cookies["foo"]);
    }

    [Fact]
    public async Task test_cookie_persists_via_api()
    {
        using var s = new Session();

        var r = await s.GetAsync(httpbin("redirect/1"), new() { Cookies = new Dictionary<string, string> { ["foo"] = "bar" } });

        Assert.Contains("foo", r.Request.Headers["Cookie"], StringComparison.Ordinal);
        Assert.Contains("foo", r.History[0].Request.Headers["Cookie"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task test_request_cookie_overrides_session_cookie()
    {
        using var s = new Session();
        s.Cookies["foo"] = "bar";

        var r = await s.GetAsync(httpbin("cookies"), new() { Cookies = new Dictionary<string, string> { ["foo"] = "baz" } });

        Assert.Equal("baz", r.Json().GetProperty("cookies").GetProperty("foo").GetString());
        // Session cookie should not be modified
        Assert.Equal("bar", s.Cookies["foo"]);
    }

    [Fact]
    public async Task test_request_cookies_not_persisted()
    {
        using var s = new Session();

        await s.GetAsync(httpbin("cookies"), new() { Cookies = new Dictionary<string, string> { ["foo"] = "baz" } });

        // Sending a request with cookies should not add cookies to the session
        Assert.Empty(s.Cookies);
    }

    [Fact]
    public async Task test_generic_cookiejar_works()
    {
        var cj = new CookieJar();
        cj.Set("foo", "bar");
        using var s = new Session { Cookies = cj };

        var r = await s.GetAsync(httpbin("cookies"));

        // Make sure the cookie was sent
        Assert.Equal("bar", r.Json().GetProperty("cookies").GetProperty("foo").GetString());
        // Make sure the session cj is still the custom one
        Assert.Same(cj, s.Cookies);
    }

    [Fact]
    public async Task test_cookielib_cookiejar_on_redirect()
    {
        // Tests that following a redirect merges the session's cookies with the request's own (GH #3579). requests
        // fakes the redirect on a sent response and checks the types of its private _cookies jars; here httpbin
        // redirects, and the cookies the followed request carried are read from its Cookie header.
        using var s = new Session();
        s.Cookies.Set("cookie", "tasty");

        // Prepare request without using Session
        var prepReq = Prepare(new Request("GET", httpbin("redirect-to?url=get")) { Cookies = new Dictionary<string, string> { ["foo"] = "bar" } });

        // Send request and follow the redirect
        var resp = await s.SendAsync(prepReq);

        Assert.Single(resp.History);
        var cookies = resp.Request.Headers["Cookie"]!.Split("; ").Select(c => c.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal("bar", cookies["foo"]);
        Assert.Equal("tasty", cookies["cookie"]);
    }

    [Fact]
    public async Task test_request_with_bytestring_host()
    {
        // requests passes the Host header as bytes; a .NET header is a string.
        using var s = new Session();

        var resp = await s.RequestAsync("GET", httpbin("cookies/set?cookie=value"), new()
        {
            AllowRedirects = false,
            Headers = new() { ["Host"] = "httpbin.org" },
        });

        Assert.Equal("value", resp.Cookies.Get("cookie"));
    }

    [Fact]
    public void test_cookie_parameters()
    {
        const string Key = "some_cookie";
        const string Value = "some_value";
        const bool Secure = true;
        const string Domain = "test.com";
        var jar = new CookieJar();

        // requests' jar.set(..., secure=, domain=, rest={"HttpOnly": True}); Pipeline's jar takes such a cookie whole.
        jar.Add(new Cookie(Key, Value) { Secure = Secure, Domain = Domain, HttpOnly = true });

        Assert.Equal(1, jar.Count);
        Assert.Contains(jar, c => c.Name == "some_cookie");
        var cookie = jar.First();
        Assert.Equal(Secure, cookie.Secure);
        Assert.Equal(Domain, cookie.Domain);
        Assert.True(cookie.HttpOnly);
    }

    [Fact]
    public void test_cookie_as_dict_keeps_len()
    {
        var jar = JarOfTwo();

        // dict(jar), dict(jar.iteritems()) and dict(jar.items()) are one thing in C#: the jar's name/value pairs.
        var d1 = jar.ToDictionary(c => c.Name, c => c.Value);

        Assert.Equal(2, jar.Count);
        Assert.Equal(2, d1.Count);
    }

    [Fact]
    public void test_cookie_as_dict_keeps_items()
    {
        var jar = JarOfTwo();

        var d1 = jar.ToDictionary(c => c.Name, c => c.Value);

        Assert.Equal("some_value", d1["some_cookie"]);
        Assert.Equal("some_value1", d1["some_cookie1"]);
    }

    [Fact]
    public void test_cookie_as_dict_keys()
    {
        var jar = JarOfTwo();

        var keys = jar.Select(c => c.Name);

        Assert.Equal(keys, keys.ToList());
        // make sure one can use keys multiple times
        Assert.Equal(keys.ToList(), keys.ToList());
    }

    [Fact]
    public void test_cookie_as_dict_values()
    {
        var jar = JarOfTwo();

        var values = jar.Select(c => c.Value);

        Assert.Equal(values, values.ToList());
        // make sure one can use values multiple times
        Assert.Equal(values.ToList(), values.ToList());
    }

    [Fact]
    public void test_cookie_as_dict_items()
    {
        var jar = JarOfTwo();

        var items = jar.Select(c => (c.Name, c.Value));

        Assert.Equal(items, items.ToList());
        // make sure one can use items multiple times
        Assert.Equal(items.ToList(), items.ToList());
    }

    [Fact]
    public void test_cookie_duplicate_names_different_domains()
    {
        const string Key = "some_cookie";
        const string Value = "some_value";
        const string Domain1 = "test1.com";
        const string Domain2 = "test2.com";
        var jar = new CookieJar();

        jar.Set(Key, Value, domain: Domain1);
        jar.Set(Key, Value, domain: Domain2);

        Assert.Contains(jar, c => c.Name == Key);
        Assert.Equal(2, jar.Count);
        // Verify that CookieConflictError is raised if domain is not specified
        Assert.ThrowsAny<CookieConflictException>(() => jar.Get(Key));
        // Verify that CookieConflictError is not raised if domain is specified
        Assert.Equal(Value, jar.Get(Key, domain: Domain1));
    }

    [Fact]
    public void test_cookie_duplicate_names_raises_cookie_conflict_error()
    {
        const string Key = "some_cookie";
        const string Value = "some_value";
        const string Path = "some_path";
        var jar = new CookieJar();

        jar.Set(Key, Value, path: Path);
        jar.Set(Key, Value);

        Assert.ThrowsAny<CookieConflictException>(() => jar.Get(Key));
    }

    private static CookieJar JarOfTwo()
    {
        var jar = new CookieJar();
        jar.Set("some_cookie", "some_value");
        jar.Set("some_cookie1", "some_value1");
        return jar;
    }
}
