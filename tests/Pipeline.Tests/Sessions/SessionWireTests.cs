using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>What a session puts on the wire, read byte for byte by a raw TCP server.</summary>
public sealed class SessionWireTests
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public static TheoryData<string, string, bool> ContentLengthCases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var kind in TestSessions.Kinds)
        {
            data.Add(kind, "POST", true);
            data.Add(kind, "DELETE", true);
            data.Add(kind, "OPTIONS", true);
            data.Add(kind, "PUT", true);
            data.Add(kind, "GET", false);
            data.Add(kind, "HEAD", false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task HeaderValue_Latin1_GoesOutAsIso88591_AsHttpClient(string kind)
    {
        // requests 2.34 sends headers={'X-Name': 'José'} as the bytes "Jos\xe9" (http.client encodes latin-1).
        await using var raw = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        await handle.Session.GetAsync(raw.BaseUrl + "/", new() { Headers = new() { ["X-Name"] = "José" } });

        Assert.Equal("José", Assert.Single(raw.Requests).Header("X-Name"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task HeaderValue_BeyondLatin1_IsInvalidHeader_BeforeSending(string kind)
    {
        // requests fails too (UnicodeEncodeError from http.client), before anything is sent.
        await using var raw = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        await Assert.ThrowsAsync<InvalidHeaderException>(
            () => handle.Session.GetAsync(raw.BaseUrl + "/", new() { Headers = new() { ["X-Name"] = "日本" } }));

        Assert.Empty(raw.Requests);
    }

    [Theory]
    [MemberData(nameof(ContentLengthCases))]
    public async Task PrepareContentLength_NoBody_SendsZeroExceptForGetAndHead(string kind, string method, bool expectZero)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.RequestAsync(method, server.BaseUrl + "/");

        Assert.Equal(expectZero ? "0" : null, Assert.Single(server.Requests).Header("Content-Length"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task MergeSetting_Headers_KeepSessionOrderWithTheRequestsSpelling(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind, s =>
        {
            s.Headers.Clear();
            s.Headers["X-First"] = "1";
            s.Headers["X-Second"] = "2";
            s.Headers["X-Third"] = "3";
        });

        using var response = await handle.Session.GetAsync(server.BaseUrl + "/", new()
        {
            Headers = new() { ["x-second"] = "two", ["X-Fourth"] = "4" },
        });

        var names = Assert.Single(server.Requests).Headers.Select(h => h.Key).Where(k => k.StartsWith("X-", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(["X-First", "x-second", "X-Third", "X-Fourth"], names);
        Assert.Equal("two", server.Requests[0].Header("X-Second"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PrepareUrl_SpaceAndUnicode_AreQuotedAsUtf8OnTheRequestLine(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(server.BaseUrl + "/a b?x=ü");

        Assert.Equal("GET /a%20b?x=%C3%BC HTTP/1.1", Assert.Single(server.Requests).RequestLine);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task RequoteUri_InvalidEscape_OnlyItsPercentIsEncoded_DepartureFromRequests(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(server.BaseUrl + "/%7Efoo%zz%41");

        // requests double-encodes every '%' here (/%257Efoo%25zz%2541); only the invalid escape's '%' should be.
        Assert.Equal("GET /~foo%25zzA HTTP/1.1", Assert.Single(server.Requests).RequestLine);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PrepareAuth_UrlUserInfo_PercentDecodedIntoBasicAndRemovedFromTheUrl(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(server.BaseUrl.Replace("http://", "http://user:p%40ss@") + "/x");

        var request = Assert.Single(server.Requests);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.Latin1.GetBytes("user:p@ss")), request.Header("Authorization"));
        Assert.DoesNotContain("user", response.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PrepareAuth_SessionAuthBeatsUrlUserInfo(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind, s => s.Auth = ("session", "pw"));

        using var response = await handle.Session.GetAsync(server.BaseUrl.Replace("http://", "http://url:pw@") + "/");

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.Latin1.GetBytes("session:pw")), server.Requests[0].Header("Authorization"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task BasicAuth_EncodesCredentialsAsLatin1_AsRequests(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind, s => s.Auth = ("user", "pässword"));

        using var response = await handle.Session.GetAsync(server.BaseUrl + "/");

        Assert.Equal("Basic dXNlcjpw5HNzd29yZA==", server.Requests[0].Header("Authorization"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AuthNone_DisablesSessionAuthForOneRequest_DepartureFromRequests(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind, s => s.Auth = new BearerAuth("t0k3n"));

        using var first = await handle.Session.GetAsync(server.BaseUrl + "/", new() { Auth = Auth.None });
        using var second = await handle.Session.GetAsync(server.BaseUrl + "/");

        Assert.Null(server.Requests[0].Header("Authorization"));
        Assert.Equal("Bearer t0k3n", server.Requests[1].Header("Authorization"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PrepareBody_String_SentAsUtf8WithByteLengthAndNoContentType(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.PostAsync(server.BaseUrl + "/", new() { Data = "héllo" });

        var request = Assert.Single(server.Requests);
        Assert.Equal("6", request.Header("Content-Length"));
        Assert.Null(request.Header("Content-Type"));
        Assert.Equal("héllo", Encoding.UTF8.GetString(request.Body));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PrepareBody_NonSeekableStream_IsSentChunked(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind);
        var stream = new ForwardOnlyStream(Encoding.ASCII.GetBytes("streamed body"));

        using var response = await handle.Session.PostAsync(server.BaseUrl + "/", new() { Data = stream });

        var request = Assert.Single(server.Requests);
        Assert.Equal("chunked", request.Header("Transfer-Encoding"));
        Assert.Equal("streamed body", Encoding.ASCII.GetString(request.Body));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task PrepareBody_SeekableStream_SendsItsRemainingLength(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind);
        var stream = new MemoryStream(Encoding.ASCII.GetBytes("skip:payload"));
        stream.Position = 5;

        using var response = await handle.Session.PutAsync(server.BaseUrl + "/", new() { Data = stream });

        Assert.Equal("7", server.Requests[0].Header("Content-Length"));
        Assert.Equal("payload", Encoding.ASCII.GetString(server.Requests[0].Body));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task CheckHeaderValidity_NewlineInValue_RaisedBeforeAnythingIsSent(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        await Assert.ThrowsAsync<InvalidHeaderException>(
            () => handle.Session.GetAsync(server.BaseUrl + "/", new() { Headers = new() { ["X-Evil"] = "a\r\nInjected: yes" } }));
        using var after = await handle.Session.GetAsync(server.BaseUrl + "/after");

        Assert.Equal("GET /after HTTP/1.1", Assert.Single(server.Requests).RequestLine);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SendAsync_PreparedRequest_IsSentExactlyWithoutMergingAgain(string kind)
    {
        await using var server = new RawHttpServer();
        using var handle = TestSessions.Create(kind, s => s.Params["p"] = "1");
        var session = handle.Session;
        var prepared = session.PrepareRequest(new Request("post", server.BaseUrl + "/submit") { Data = "abc" });
        session.Headers["X-Added-Later"] = "must not be sent";
        session.Params["late"] = "no";

        using var response = await session.SendAsync(prepared);

        var request = Assert.Single(server.Requests);
        Assert.Equal("POST /submit?p=1 HTTP/1.1", request.RequestLine);
        Assert.Null(request.Header("X-Added-Later"));
        Assert.Equal("abc", Encoding.ASCII.GetString(request.Body));
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
