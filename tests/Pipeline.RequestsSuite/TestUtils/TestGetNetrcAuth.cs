using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>
/// requests' tests/test_utils.py <c>TestGetNetrcAuth</c>: <c>get_netrc_auth(url)</c> is the Authorization header a
/// session prepares for the URL from <c>$NETRC</c> (none when it returns None).
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class TestGetNetrcAuth
{
    [Fact]
    public void test_works()
    {
        var netrcPath = Observe.TempFile(".netrc", "machine example.com login aaaa password bbbb\n");
        using var environ = new OverrideEnviron(("NETRC", netrcPath));

        var auth = Observe.PreparedAuthorization("http://example.com/thing");

        Assert.Equal(Observe.Basic("aaaa", "bbbb"), auth);
    }

    [Fact]
    public void test_not_vulnerable_to_bad_url_parsing()
    {
        var netrcPath = Observe.TempFile(".netrc", "machine example.com login aaaa password bbbb\n");
        using var environ = new OverrideEnviron(("NETRC", netrcPath));

        var auth = Observe.PreparedAuthorization("http://example.com:@evil.com/&apos;");

        // The host is evil.com: example.com's netrc credentials must not be used ("example.com:" is URL user info).
        Assert.NotEqual(Observe.Basic("aaaa", "bbbb"), auth);
    }

    [Fact]
    public void test_empty_default_credentials_ignored()
    {
        // Empty default credentials should not be returned.
        var netrcPath = Observe.TempFile(".netrc", "machine example.com login user password pass\ndefault\n");
        using var environ = new OverrideEnviron(("NETRC", netrcPath));

        var auth = Observe.PreparedAuthorization("http://httpbin.org/");

        Assert.Null(auth);
    }
}
