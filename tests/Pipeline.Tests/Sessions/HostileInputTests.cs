using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>
/// Bad input to the public API raises ArgumentException (naming the parameter) or the documented RequestException
/// subclass, never a FormatException, NullReferenceException or InvalidOperationException from the runtime. Nothing is
/// sent: every case runs against a server that records what reaches it.
/// </summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private static readonly string Huge = new('a', 1_000_000);

    private RawHttpServer _server = null!;

    public static TheoryData<string> Cases => [.. Table().Keys];

    public Task InitializeAsync()
    {
        _server = new RawHttpServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PublicApi_HostileInput_RaisesArgumentExceptionOrRequestException(string name)
    {
        using var session = new Session();
        var act = Table()[name];

        var error = await Record.ExceptionAsync(() => act(session, _server.BaseUrl));

        Assert.NotNull(error);
        Assert.True(error is ArgumentException or RequestException, $"{name}: {error.GetType().Name}: {error.Message}");
        if (error is ArgumentException argument)
        {
            Assert.False(string.IsNullOrEmpty(argument.ParamName), $"{name}: ArgumentException without a parameter name.");
        }

        Assert.Empty(_server.Requests);
    }

    private static Dictionary<string, Func<Session, string, Task>> Table()
    {
        var table = new Dictionary<string, Func<Session, string, Task>>();
        void Add(string name, Func<Session, string, Task> act) => table.Add(name, act);
        void AddSync(string name, Action<Session, string> act) => table.Add(name, (s, u) =>
        {
            act(s, u);
            return Task.CompletedTask;
        });

        foreach (var (label, method) in new[] { ("null", null!), ("empty", ""), ("space", " "), ("inner space", "GE T"), ("CR", "GET\r"), ("LF", "GET\nX"), ("NUL", "GET\0"), ("colon", "GET:") })
        {
            Add("RequestAsync method " + label, (s, u) => s.RequestAsync(method, u));
            AddSync("Request method " + label, (s, u) => s.PrepareRequest(new Request(method, u)));
            AddSync("PreparedRequest method " + label, (_, u) => new PreparedRequest(method, u).ToString());
            Add("SendAsync prepared method " + label, (s, u) =>
            {
                var prepared = new PreparedRequest("GET", u);
                prepared.Method = method;
                return s.SendAsync(prepared);
            });
        }

        foreach (var (label, url) in new[] { ("null", null!), ("empty", ""), ("space", " "), ("no scheme", "example.test/x"), ("no host", "http://"), ("NUL host", "http://exa\0mple.test/"), ("huge host", "http://" + Huge + ".test/"), ("bad port", "http://127.0.0.1:99999/"), ("ftp", "ftp://example.test/") })
        {
            Add("GetAsync url " + label, (s, _) => s.GetAsync(url));
            // requests' prepare_url leaves a non-HTTP URL as given; InvalidSchema comes at send (test_nonhttp_schemes_dont_check_URLs).
            if (label != "ftp")
            {
                AddSync("PrepareRequest url " + label, (s, _) => s.PrepareRequest(new Request("GET", url)));
            }

            Add("SendAsync url " + label, (s, _) => s.SendAsync(new PreparedRequest("GET", url)));
        }

        Add("SendAsync null", (s, _) => s.SendAsync(null!));
        AddSync("PrepareRequest null", (s, _) => s.PrepareRequest(null!));
        Add("header name CRLF", (s, u) => s.GetAsync(u, new() { Headers = new() { ["X\r\nY"] = "1" } }));
        Add("header value NUL", (s, u) => s.GetAsync(u, new() { Headers = new() { ["X"] = "\0" } }));
        Add("header name empty", (s, u) => s.GetAsync(u, new() { Headers = new() { [""] = "1" } }));
        AddSync("HeaderMap null name", (_, _) => _ = new HeaderMap { [null!] = "1" });
        AddSync("HeaderMap Add null name", (_, _) => new HeaderMap().Add(null!, "1"));
        AddSync("QueryParams null key", (_, _) => _ = new QueryParams { [null!] = "1" });
        AddSync("QueryParams Add null key", (_, _) => new QueryParams().Add(null!, "1"));
        AddSync("ProxyMap null key", (_, _) => _ = new ProxyMap { [null!] = "http://p" });
        Add("proxy URL without host", (s, u) => s.GetAsync(u, new() { Proxies = new() { ["http"] = "http://" } }));
        Add("proxy URL CRLF", (s, u) => s.GetAsync(u, new() { Proxies = new() { ["http"] = "http://pro\r\nxy:1" } }));
        AddSync("CookieJar Set null name", (s, _) => s.Cookies.Set(null!, "v"));
        Add("request cookie CRLF", (s, u) => s.GetAsync(u, new() { Cookies = new Dictionary<string, string> { ["a"] = "b\r\nX: y" } }));
        AddSync("FileItem null name", (_, _) => _ = new FileItem(null!, [1]));
        AddSync("FileItem null bytes", (_, _) => _ = new FileItem("a", (byte[])null!));
        AddSync("FileItem null stream", (_, _) => _ = new FileItem("a", (Stream)null!));
        AddSync("FileMap Add null", (_, _) => new FileMap().Add("f", null!));
        AddSync("RequestData FromString null", (_, _) => RequestData.FromString(null!));
        AddSync("RequestData FromStream null", (_, _) => RequestData.FromStream(null!));
        AddSync("RequestData FromForm null", (_, _) => RequestData.FromForm(null!));
        AddSync("Verify FromCaBundle empty", (_, _) => Verify.FromCaBundle(""));
        AddSync("Verify FromCaBundle null", (_, _) => Verify.FromCaBundle(null!));
        AddSync("ClientCert FromPem empty", (_, _) => ClientCert.FromPem(""));
        AddSync("ClientCert FromPkcs12 null", (_, _) => ClientCert.FromPkcs12(null!));
        AddSync("RequestTimeout negative", (_, _) => _ = new RequestTimeout(TimeSpan.FromSeconds(-1), null));
        AddSync("RequestTimeout huge", (_, _) => _ = new RequestTimeout(TimeSpan.MaxValue, TimeSpan.MaxValue));
        AddSync("RetryPolicy FromCount negative", (_, _) => RetryPolicy.FromCount(-1));
        AddSync("BasicAuth null user", (_, _) => _ = new BasicAuth(null!, "p"));
        AddSync("DigestAuth null password", (_, _) => _ = new DigestAuth("u", null!));
        AddSync("BearerAuth empty", (_, _) => _ = new BearerAuth(""));
        AddSync("BearerAuth CRLF", (_, _) => _ = new BearerAuth("a\r\nb"));
        AddSync("ProxyAuth null user", (_, _) => _ = new ProxyAuth(null!, "p"));
        AddSync("RefreshingBearerAuth null", (_, _) => _ = new RefreshingBearerAuth(null!));
        AddSync("Mount null prefix", (s, _) => s.Mount(null!, new HttpClientHandler()));
        AddSync("Mount empty prefix", (s, _) => s.Mount("", new HttpClientHandler()));
        AddSync("Mount null adapter", (s, _) => s.Mount("http://", null!));
        AddSync("GetAdapter null", (s, _) => s.GetAdapter(null!));
        AddSync("GetAdapter unknown scheme", (s, _) => s.GetAdapter("gopher://x/"));
        AddSync("MaxRedirects negative", (s, _) => s.MaxRedirects = -1);
        AddSync("RequestOptions MaxRedirects negative", (_, _) => _ = new RequestOptions { MaxRedirects = -1 });
        AddSync("MaxResponseContentLength negative", (s, _) => s.MaxResponseContentLength = -1);
        AddSync("BaseAddress relative", (s, _) => s.BaseAddress = new Uri("/relative", UriKind.Relative));
        AddSync("Cookies null", (s, _) => s.Cookies = null!);
        AddSync("Proxies null", (s, _) => s.Proxies = null!);
        AddSync("Params null", (s, _) => s.Params = null!);
        AddSync("Verify null", (s, _) => s.Verify = null!);
        AddSync("Response IterContent zero", (_, _) => StubResponse().IterContentAsync(0));
        AddSync("Response IterLines empty delimiter", (_, _) => StubResponse().IterLinesAsync(""));
        AddSync("MergeEnvironmentSettings null url", (s, _) => s.MergeEnvironmentSettings(null!, null, null, null, null));
        return table;
    }

    private static Response StubResponse() =>
        new(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent([1]) }, null, TimeSpan.Zero, SessionSettings.CreateDefaultJsonOptions());
}
