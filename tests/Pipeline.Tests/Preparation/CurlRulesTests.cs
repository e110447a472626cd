using System.Text;

namespace Pipeline.Tests.Preparation;

/// <summary>The pieces of <see cref="PreparedRequest.ToCurl()"/>: quoting, printf escapes, version flags, redaction.</summary>
public sealed class CurlRulesTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME `x` \"q\" \\n", "'$HOME `x` \"q\" \\n'")]
    [InlineData("", "''")]
    public void Quote_SingleQuotes_AQuoteBecomesQuoteBackslashQuoteQuote(string value, string expected)
    {
        Assert.Equal(expected, CurlRules.Quote(value));
    }

    [Fact]
    public void PrintfFormat_EscapesWhatPrintfWouldReadOrAShellWouldLose()
    {
        byte[] bytes = [(byte)'a', (byte)'%', (byte)'\\', (byte)'\r', (byte)'\n', (byte)'\t', 0x00, 0x07, 0x7F, 0xE9, (byte)'1', (byte)'\''];

        var format = CurlRules.PrintfFormat(bytes);

        // Octal escapes always have three digits, so the '1' after \351 is a character of its own.
        Assert.Equal("a%%\\\\\\r\\n\\t\\000\\007\\177\\3511'", format);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'a', (byte)'\n' }, "printf 'a\\n'")]
    [InlineData(new byte[] { (byte)'-', (byte)'-', (byte)'b' }, "printf -- '--b'")]
    public void Printf_AFormatStartingWithADash_FollowsDoubleDash(byte[] bytes, string expected)
    {
        Assert.Equal(expected, CurlRules.Printf(bytes));
    }

    [Theory]
    [InlineData("1.1", HttpVersionPolicy.RequestVersionOrLower, false, null)]
    [InlineData("1.1", HttpVersionPolicy.RequestVersionOrLower, true, "--http1.1")]
    [InlineData("1.1", HttpVersionPolicy.RequestVersionOrHigher, true, "--http2")]
    [InlineData("1.1", HttpVersionPolicy.RequestVersionOrHigher, false, null)]
    [InlineData("1.0", HttpVersionPolicy.RequestVersionOrLower, false, "--http1.0")]
    [InlineData("2.0", HttpVersionPolicy.RequestVersionOrLower, true, "--http2")]
    [InlineData("2.0", HttpVersionPolicy.RequestVersionExact, true, "--http2-prior-knowledge")]
    [InlineData("2.0", HttpVersionPolicy.RequestVersionOrLower, false, null)]
    [InlineData("2.0", HttpVersionPolicy.RequestVersionOrHigher, false, "--http2-prior-knowledge")]
    [InlineData("2.0", HttpVersionPolicy.RequestVersionExact, false, "--http2-prior-knowledge")]
    [InlineData("3.0", HttpVersionPolicy.RequestVersionOrLower, true, "--http3")]
    [InlineData("3.0", HttpVersionPolicy.RequestVersionExact, true, "--http3-only")]
    public void VersionFlag_AsksCurlForWhatHttpClientAsksFor(string version, HttpVersionPolicy policy, bool https, string? expected)
    {
        Assert.Equal(expected, CurlRules.VersionFlag(Version.Parse(version), policy, https));
    }

    [Theory]
    [InlineData("Authorization", "Basic dXNlcjpwYXNz", "Basic ***")]
    [InlineData("authorization", "opaque-token", "***")]
    [InlineData("Proxy-Authorization", "Basic cDpw", "Basic ***")]
    [InlineData("Cookie", "session=s3cr3t; theme=dark", "session=***; theme=***")]
    [InlineData("Cookie", "flag", "***")]
    [InlineData("X-Api-Key", "shown", "shown")]
    public void Redact_KeepsTheSchemeAndCookieNames_MasksTheRest(string name, string value, string expected)
    {
        Assert.Equal(expected, CurlRules.Redact(name, value));
    }

    [Fact]
    public void ToCurl_Default_RedactsCredentialsInHeadersAndUrl()
    {
        using var session = new Session();
        session.Cookies.Set("session", "s3cr3t", "127.0.0.1");
        var prepared = session.PrepareRequest(new Request("GET", "http://user:pa55@127.0.0.1/private?q=1") { Headers = new() { ["Proxy-Authorization"] = "Basic cDpw" } });

        var redacted = prepared.ToCurl();
        var shown = prepared.ToCurl(redactSecrets: false);

        Assert.Contains("-H 'Authorization: Basic ***'", redacted, StringComparison.Ordinal);
        Assert.Contains("-H 'Proxy-Authorization: Basic ***'", redacted, StringComparison.Ordinal);
        Assert.Contains("-H 'Cookie: session=***'", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("dXNlcjpwYTU1", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55", redacted, StringComparison.Ordinal);
        Assert.Contains("-H 'Authorization: Basic " + Convert.ToBase64String(Encoding.Latin1.GetBytes("user:pa55")) + "'", shown, StringComparison.Ordinal);
        Assert.Contains("-H 'Cookie: session=s3cr3t'", shown, StringComparison.Ordinal);

        // The URL's user information became the Authorization header; HttpClient sends none in the URL, nor does curl.
        Assert.StartsWith("curl 'http://127.0.0.1/private?q=1'", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCurl_HandMadeUrlWithUserInfo_LeavesItOut_AsHttpClientSendsNone()
    {
        var prepared = new PreparedRequest("GET", "http://user:pa55@127.0.0.1:8080/a#frag");

        var command = prepared.ToCurl(redactSecrets: false);

        Assert.StartsWith("curl 'http://127.0.0.1:8080/a'", command, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55", command, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCurl_GetWithoutHeaders_TurnsOffCurlsOwnUserAgentAndAccept()
    {
        var prepared = new PreparedRequest("GET", "http://127.0.0.1/");

        var command = prepared.ToCurl();

        Assert.Equal("curl 'http://127.0.0.1/' \\\n  -H 'User-Agent:' \\\n  -H 'Accept:'", command);
    }

    [Fact]
    public void ToCurl_StreamedBody_ReadsStandardInput_AndSaysSo()
    {
        using var session = new Session();
        using var body = new MemoryStream([1, 2, 3]);
        var prepared = session.PrepareRequest(new Request("PUT", "http://127.0.0.1/upload") { Data = body });

        var command = prepared.ToCurl();

        Assert.StartsWith("# The body is a stream Pipeline has not read: pipe its bytes into this command.\ncurl ", command, StringComparison.Ordinal);
        Assert.Contains("-X 'PUT'", command, StringComparison.Ordinal);
        Assert.EndsWith("--data-binary @-", command, StringComparison.Ordinal);
    }

    [Fact]
    public void ToCurl_UrlWithBrackets_TurnsOffCurlsGlobbing()
    {
        var prepared = new PreparedRequest("GET", "http://[::1]:8080/items?a[]=1");

        var command = prepared.ToCurl();

        Assert.Contains("--globoff", command, StringComparison.Ordinal);
    }
}
