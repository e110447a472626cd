using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestPreparingURLs</c> (tests/test_requests.py).</summary>
[Collection(TestRequestsCollection.Name)]
public sealed partial class TestPreparingURLs(HttpbinFixture httpbinServer, HttpbinSecureFixture secureServer)
    : RequestsTestBase(httpbinServer, secureServer)
{
    [Theory]
    [InlineData("http://google.com", "http://google.com/")]
    [InlineData("http://ジェーピーニック.jp", "http://xn--hckqz9bzb1cyrb.jp/")]
    [InlineData("http://xn--n3h.net/", "http://xn--n3h.net/")]
    [InlineData("http://straße.de/straße", "http://xn--strae-oqa.de/stra%C3%9Fe")]
    [InlineData("http://Königsgäßchen.de/straße", "http://xn--knigsgchen-b4a3dun.de/stra%C3%9Fe")]
    [InlineData("http://[1200:0000:ab00:1234:0000:2552:7777:1313]:12345/", "http://[1200:0000:ab00:1234:0000:2552:7777:1313]:12345/")]
    public void test_preparing_url(string url, string expected)
    {
        // Helper function that normalizes equivalent percent-encoded bytes before comparisons
        static string NormalizePercentEncode(string x) => PercentEscape().Replace(x, m => m.Value.ToUpperInvariant());

        var p = Prepare(new Request("GET", url));

        Assert.Equal(expected, NormalizePercentEncode(p.Url));
    }

    [Theory]
    [InlineData("http://*.google.com")]
    [InlineData("http://*")]
    [InlineData("http://☃.net/")]
    public void test_preparing_bad_url(string url)
    {
        var r = new Request("GET", url);

        Assert.ThrowsAny<InvalidUrlException>(() => Prepare(r));
    }

    [Theory]
    [InlineData("http://:1", typeof(InvalidUrlException))]
    public async Task test_redirecting_to_bad_url(string url, Type exception)
    {
        var raised = await Record.ExceptionAsync(() => Requests.GetAsync(httpbin("redirect-to"), new() { Params = new() { ["url"] = url } }));

        Assert.IsAssignableFrom(exception, raised);
    }

    [Theory]
    [InlineData("http+unix://%2Fvar%2Frun%2Fsocket/path%7E", "http+unix://%2Fvar%2Frun%2Fsocket/path~")]
    [InlineData("mailto:user@example.org", "mailto:user@example.org")]
    public void test_url_mutation(string input, string expected)
    {
        // URLs whose scheme doesn't begin with "http" are left alone; those whose scheme does are mutated.
        var p = Prepare(new Request("GET", input));

        Assert.Equal(expected, p.Url);
    }

    [Theory]
    [InlineData("http+unix://%2Fvar%2Frun%2Fsocket/path", "http+unix://%2Fvar%2Frun%2Fsocket/path?key=value")]
    [InlineData("mailto:user@example.org", "mailto:user@example.org")]
    public void test_parameters_for_nonstandard_schemes(string input, string expected)
    {
        // Setting parameters for nonstandard schemes is allowed if those schemes begin with "http", and is forbidden otherwise.
        var p = Prepare(new Request("GET", input) { Params = new() { ["key"] = "value" } });

        Assert.Equal(expected, p.Url);
    }

    [Fact]
    public async Task test_post_json_nan()
    {
        var data = new Dictionary<string, double> { ["foo"] = double.NaN };

        await Assert.ThrowsAnyAsync<InvalidJsonException>(() => Requests.PostAsync(httpbin("post"), new() { Json = data }));
    }

    [Fact]
    public async Task test_json_decode_compatibility()
    {
        var r = await Requests.GetAsync(httpbin("bytes/20"));

        var e = Record.Exception(() => r.Json());

        // requests.exceptions.JSONDecodeError is both a RequestException and json.JSONDecodeError; with single
        // inheritance the JSON side may be the exception or its inner one (System.Text.Json's JsonException).
        Assert.IsAssignableFrom<RequestException>(e);
        Assert.True(e is JsonException || e.InnerException is JsonException, e.GetType().FullName);
        Assert.DoesNotContain(r.Text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task test_different_connection_pool_for_tls_settings_verify_True()
    {
        await using var server = await TlsPeer.StartAsync(Secure.Pki.Expired);
        using var s = new Session();

        var r1 = await s.GetAsync(server.Url, new() { Verify = false });
        Assert.Equal(200, Status(r1));

        // Cannot verify self-signed certificate
        await Assert.ThrowsAnyAsync<SslException>(() => s.GetAsync(server.Url));
        // requests then counts the adapter's connection pools (2); Pipeline's pools are internal.
    }

    [Fact]
    public async Task test_different_connection_pool_for_tls_settings_verify_bundle_expired_cert()
    {
        await using var server = await TlsPeer.StartAsync(Secure.Pki.Expired);
        using var s = new Session();

        var r1 = await s.GetAsync(server.Url, new() { Verify = false });
        Assert.Equal(200, Status(r1));

        // Has right trust bundle, but certificate expired
        await Assert.ThrowsAnyAsync<SslException>(() => s.GetAsync(server.Url, new() { Verify = Secure.Pki.CaBundlePath }));
    }

    [Fact]
    public async Task test_different_connection_pool_for_tls_settings_verify_bundle_unexpired_cert()
    {
        await using var server = await TlsPeer.StartAsync(Secure.Pki.Server);
        using var s = new Session();

        var r1 = await s.GetAsync(server.Url, new() { Verify = false });
        Assert.Equal(200, Status(r1));

        var r2 = await s.GetAsync(server.Url, new() { Verify = Secure.Pki.CaBundlePath });
        Assert.Equal(200, Status(r2));
    }

    [Fact]
    public async Task test_different_connection_pool_for_mtls_settings()
    {
        await using var server = await TlsPeer.StartAsync(Secure.Pki.Expired, mutualTls: true);
        using var s = new Session();
        ClientCert cert = (Secure.Pki.ClientCertPath, Secure.Pki.ClientKeyPath);

        var r1 = await s.GetAsync(server.Url, new() { Verify = false, Cert = cert });
        Assert.Equal(200, Status(r1));
        await Assert.ThrowsAnyAsync<SslException>(() => s.GetAsync(server.Url, new() { Cert = cert }));

        Assert.NotNull(server.ClientCertificate);
    }

    [GeneratedRegex("%[a-fA-F0-9]{2}")]
    private static partial Regex PercentEscape();
}
