using System.Text;

namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestRequests</c>: redirects.</summary>
public sealed partial class TestRequests
{
    [Fact]
    public async Task test_HTTP_302_ALLOW_REDIRECT_GET()
    {
        var r = await Requests.GetAsync(httpbin("redirect", "1"));

        Assert.Equal(200, Status(r));
        Assert.Equal(302, Status(r.History[0]));
        Assert.True(r.History[0].IsRedirect);
    }

    [Fact]
    public async Task test_redirect_history_no_self_reference()
    {
        var r = await Requests.GetAsync(httpbin("redirect", "3"));

        Assert.Equal(200, Status(r));
        Assert.Equal(3, r.History.Count);
        for (var i = 0; i < r.History.Count; i++)
        {
            var resp = r.History[i];
            Assert.DoesNotContain(resp, resp.History);
            Assert.Equal(r.History.Take(i), resp.History);
        }
    }

    [Fact]
    public async Task test_HTTP_307_ALLOW_REDIRECT_POST()
    {
        var r = await Requests.PostAsync(httpbin("redirect-to"), new()
        {
            Data = "test",
            Params = new() { ["url"] = "post", ["status_code"] = "307" },
        });

        AssertRedirectedOnce(r, 307);
        Assert.Equal("test", r.Json().GetProperty("data").GetString());
    }

    [Fact]
    public async Task test_HTTP_307_ALLOW_REDIRECT_POST_WITH_SEEKABLE()
    {
        var byteStr = "test"u8.ToArray();

        var r = await Requests.PostAsync(httpbin("redirect-to"), new()
        {
            Data = new MemoryStream(byteStr),
            Params = new() { ["url"] = "post", ["status_code"] = "307" },
        });

        AssertRedirectedOnce(r, 307);
        Assert.Equal(Encoding.UTF8.GetString(byteStr), r.Json().GetProperty("data").GetString());
    }

    [Fact]
    public async Task test_HTTP_302_TOO_MANY_REDIRECTS()
    {
        var e = await Assert.ThrowsAnyAsync<TooManyRedirectsException>(() => Requests.GetAsync(httpbin("relative-redirect", "50")));

        var url = httpbin("relative-redirect", "20");
        Assert.Equal(url, e.Request!.Url);
        Assert.Equal(url, e.Response!.Url);
        Assert.Equal(30, e.Response.History.Count);
    }

    [Fact]
    public async Task test_HTTP_302_TOO_MANY_REDIRECTS_WITH_PARAMS()
    {
        using var s = new Session { MaxRedirects = 5 };

        var e = await Assert.ThrowsAnyAsync<TooManyRedirectsException>(() => s.GetAsync(httpbin("relative-redirect", "50")));

        var url = httpbin("relative-redirect", "45");
        Assert.Equal(url, e.Request!.Url);
        Assert.Equal(url, e.Response!.Url);
        Assert.Equal(5, e.Response.History.Count);
    }

    [Fact]
    public Task test_http_301_changes_post_to_get() => AssertPostBecomesGet(301);

    [Fact]
    public Task test_http_301_doesnt_change_head_to_get() => AssertHeadStaysHead(301);

    [Fact]
    public Task test_http_302_changes_post_to_get() => AssertPostBecomesGet(302);

    [Fact]
    public Task test_http_302_doesnt_change_head_to_get() => AssertHeadStaysHead(302);

    [Fact]
    public Task test_http_303_changes_post_to_get() => AssertPostBecomesGet(303);

    [Fact]
    public Task test_http_303_doesnt_change_head_to_get() => AssertHeadStaysHead(303);

    [Fact]
    public async Task test_header_and_body_removal_on_redirect()
    {
        // requests fakes a 302 on a POST response and runs resolve_redirects; Pipeline's redirect loop is not public,
        // so httpbin answers the POST with that 302 (Location "get", relative), and the followed request is checked.
        string[] purgedHeaders = ["Content-Length", "Content-Type"];
        using var ses = new Session();
        var req = new Request("POST", httpbin("redirect-to?url=get&status_code=302")) { Data = new Dictionary<string, string> { ["test"] = "data" } };
        var prep = ses.PrepareRequest(req);

        var nextResp = await ses.SendAsync(prep);

        Assert.Single(nextResp.History);
        Assert.Null(nextResp.Request.Body);
        foreach (var header in purgedHeaders)
        {
            Assert.False(nextResp.Request.Headers.ContainsKey(header), header);
        }
    }

    [Fact]
    public async Task test_transfer_enc_removal_on_redirect()
    {
        // As test_header_and_body_removal_on_redirect: a real 302 stands in for the faked one. A stream that cannot
        // seek is requests' generator body (chunked).
        string[] purgedHeaders = ["Transfer-Encoding", "Content-Type"];
        using var ses = new Session();
        var req = new Request("POST", httpbin("redirect-to") + "?url=" + Uri.EscapeDataString(httpbin("get")) + "&status_code=302")
        {
            Data = new ForwardOnlyStream("x"),
        };
        var prep = ses.PrepareRequest(req);
        Assert.True(prep.Headers.ContainsKey("Transfer-Encoding"));

        var nextResp = await ses.SendAsync(prep);

        Assert.Single(nextResp.History);
        Assert.Null(nextResp.Request.Body);
        foreach (var header in purgedHeaders)
        {
            Assert.False(nextResp.Request.Headers.ContainsKey(header), header);
        }
    }

    [Fact]
    public async Task test_fragment_maintained_on_redirect()
    {
        const string Fragment = "#view=edit&token=hunter2";

        var r = await Requests.GetAsync(httpbin("redirect-to?url=get") + Fragment);

        Assert.NotEmpty(r.History);
        Assert.Equal(httpbin("redirect-to?url=get") + Fragment, r.History[0].Request.Url);
        Assert.Equal(httpbin("get") + Fragment, r.Url);
    }

    [Fact]
    public async Task test_requests_in_history_are_not_overridden()
    {
        var resp = await Requests.GetAsync(httpbin("redirect/3"));

        var urls = resp.History.Select(r => r.Url);
        var reqUrls = resp.History.Select(r => r.Request.Url);
        Assert.Equal(urls, reqUrls);
    }

    [Fact]
    public async Task test_uppercase_scheme_redirect()
    {
        var parts = new Uri(httpbin("html"));
        var url = "HTTP://" + parts.Authority + parts.AbsolutePath;

        var r = await Requests.GetAsync(httpbin("redirect-to"), new() { Params = new() { ["url"] = url } });

        Assert.Equal(200, Status(r));
        Assert.Equal(url.ToLowerInvariant(), r.Url.ToLowerInvariant());
    }

    [Fact]
    public async Task test_requests_history_is_saved()
    {
        var r = await Requests.GetAsync(httpbin("redirect/5"));

        var total = r.History[^1].History;
        for (var i = 0; i < r.History.Count; i++)
        {
            Assert.Equal(total.Take(i), r.History[i].History);
        }
    }

    [Fact]
    public async Task test_manual_redirect_with_partial_body_read()
    {
        // requests follows by hand with resolve_redirects(r1, r1.request, stream=True); Pipeline with Response.Next.
        using var s = new Session();
        RequestOptions manual = new() { AllowRedirects = false, Stream = true };
        var r1 = await s.GetAsync(httpbin("redirect/2"), manual);
        Assert.True(r1.IsRedirect);

        // read only the first eight bytes of the response body, then follow the redirect
        await using (var chunks = r1.IterContentAsync(8).GetAsyncEnumerator())
        {
            await chunks.MoveNextAsync();
        }

        var r2 = await s.SendAsync(r1.Next!, manual);
        Assert.True(r2.IsRedirect);

        // read all of the response via iter_content, then follow the redirect
        await foreach (var _ in r2.IterContentAsync())
        {
        }

        var r3 = await s.SendAsync(r2.Next!, manual);
        Assert.False(r3.IsRedirect);
    }

    [Fact]
    public async Task test_getattr_proxy_stream_follows_redirect()
    {
        var r = await Requests.PostAsync(httpbin("redirect-to?url=/post&status_code=307"), new()
        {
            Data = new ForwardingStream(new MemoryStream("data"u8.ToArray())),
        });

        Assert.Equal("data", r.Json().GetProperty("data").GetString());
    }

    [Fact]
    public async Task test_redirect_with_wrong_gzipped_header()
    {
        // requests patches its adapter so the redirect response claims gzip; here a raw peer sends that redirect: a
        // 302 with "Content-Encoding: gzip" over a body that is not gzip, then the target.
        await using var peer = new RawPeer(head => head.StartsWith("GET /redirect/1 ", StringComparison.Ordinal)
            ? RawPeer.Response("HTTP/1.1 302 FOUND\r\nLocation: /get\r\nContent-Encoding: gzip\r\nContent-Length: 11\r\nConnection: close", "not gzipped"u8.ToArray())
            : RawPeer.Response("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close", "ok"u8.ToArray()));
        using var s = new Session();

        var r = await s.GetAsync(peer.Url("/redirect/1"));

        Assert.Equal(200, Status(r));
    }

    private async Task AssertPostBecomesGet(int status)
    {
        var r = await Requests.PostAsync(httpbin("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        AssertRedirectedOnce(r, status);
        Assert.Equal("GET", r.Request.Method);
    }

    private async Task AssertHeadStaysHead(int status)
    {
        var r = await Requests.HeadAsync(httpbin("status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)), new() { AllowRedirects = true });

        AssertRedirectedOnce(r, status);
        Assert.Equal("HEAD", r.Request.Method);
    }

    private static void AssertRedirectedOnce(Response r, int status)
    {
        Assert.Equal(200, Status(r));
        Assert.Equal(status, Status(r.History[0]));
        Assert.True(r.History[0].IsRedirect);
    }
}
