using System.Net.Sockets;
using System.Text;
using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>
/// The module-level tests of requests' tests/test_utils.py, each through the public API that shows the helper's
/// answer. This part: URLs and credentials.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed partial class TestUtils
{
    private const string User = "%!*'();:@&=+$,/?#[] ";
    private const string Password = User;

    private static readonly string EncodedUser = Uri.EscapeDataString(User);
    private static readonly string EncodedPassword = Uri.EscapeDataString(Password);

    public static TheoryData<string, string, string> AuthFromUrlCases => new()
    {
        { $"http://{EncodedUser}:{EncodedPassword}@request.com/url.html#test", User, Password },
        { "http://user:pass@complex.url.com/path?query=yes", "user", "pass" },
        { "http://user:pass%20pass@complex.url.com/path?query=yes", "user", "pass pass" },
        { "http://user:pass pass@complex.url.com/path?query=yes", "user", "pass pass" },
        { "http://user%25user:pass@complex.url.com/path?query=yes", "user%user", "pass" },
        { "http://user:pass%23pass@complex.url.com/path?query=yes", "user", "pass#pass" },
        { "http://complex.url.com/path?query=yes", string.Empty, string.Empty },
    };

    [Theory]
    [MemberData(nameof(AuthFromUrlCases))]
    public void test_get_auth_from_url(string url, string user, string password)
    {
        // get_auth_from_url gives the Basic credentials a request for the URL is prepared with; ("", "") means none.
        var expected = user.Length == 0 && password.Length == 0 ? null : Observe.Basic(user, password);

        Assert.Equal(expected, Observe.PreparedAuthorization(url, trustEnv: false));
    }

    [Theory]
    [InlineData("http://example.com/fiz?buz=%25ppicture", "http://example.com/fiz?buz=%25ppicture")] // Ensure requoting doesn't break expectations
    [InlineData("http://example.com/fiz?buz=%ppicture", "http://example.com/fiz?buz=%25ppicture")] // Ensure we handle unquoted percent signs in redirects
    public void test_requote_uri_with_unquoted_percents(string uri, string expected)
    {
        using var session = new Session();

        Assert.Equal(expected, session.PrepareRequest(new Request("GET", uri)).Url);
    }

    [Theory]
    // Illegal bytes. requests keeps this '%' as it is (urllib3 then sends %25 anyway); Pipeline encodes a '%' that starts
    // no valid escape on its own: the departure "only the invalid escape's % is encoded" (README, Differences from requests).
    [InlineData("http://example.com/?a=%--", "http://example.com/?a=%25--")]
    [InlineData("http://example.com/?a=%300", "http://example.com/?a=00")] // Reserved characters
    public async Task test_unquote_unreserved(string uri, string expected)
    {
        // requests applies requote_uri (unquote_unreserved, then quote) and nothing else to a redirect's Location, and
        // the final URL shows the result; example.com is the loopback server here.
        var (host, port) = (string.Empty, 0);
        string OnLoopback(string url) => url.Replace("example.com", $"{host}:{port}", StringComparison.Ordinal);
        byte[]? RedirectHandler(Socket sock)
        {
            var request = Server.ConsumeSocketContent(sock, TimeSpan.FromSeconds(0.2));
            sock.Send(Encoding.ASCII.GetBytes($"HTTP/1.1 302 Found\r\nContent-Length: 0\r\nLocation: {OnLoopback(uri)}\r\n\r\n"));
            Server.ConsumeSocketContent(sock, TimeSpan.FromSeconds(0.2));
            sock.Send(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
            return request;
        }

        await using var server = new Server(RedirectHandler);
        (host, port) = server.Start();
        var r = await Requests.GetAsync($"http://{host}:{port}/");

        Assert.Equal(OnLoopback(expected), r.Url);
    }

    [Fact]
    public void test_add_dict_to_cookiejar()
    {
        // The RequestsCookieJar row: adding a dict is setting each item.
        var cookiedict = new Dictionary<string, string> { ["test"] = "cookies", ["good"] = "cookies" };
        var cj = new CookieJar();
        foreach (var (name, value) in cookiedict)
        {
            cj.Set(name, value);
        }

        var cookies = cj.ToDictionary(cookie => cookie.Name, cookie => cookie.Value);
        Assert.Equal(cookiedict, cookies);
    }
}
