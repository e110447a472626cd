using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>
/// requests' prepare_url leaves a URL whose scheme does not begin with "http" as given, and its send raises InvalidSchema
/// only when no adapter is mounted for it (test_nonhttp_schemes_dont_check_URLs, test_url_mutation,
/// test_parameters_for_nonstandard_schemes).
/// </summary>
public sealed class NonHttpSchemeTests
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [InlineData("data:image/gif;base64,R0lGODlhAQABAHAAACH5BAUAAAAALAAAAAABAAEAAAICRAEAOw==")]
    [InlineData("file:///etc/passwd")]
    [InlineData("magnet:?xt=urn:btih:be08f00302bc2d1d3cfa3af02024fa647a271431")]
    [InlineData("mailto:user@example.org")]
    [InlineData("localhost:3128")]
    public void PrepareRequest_NonHttpScheme_IsLeftAsGiven_AsTestNonhttpSchemesDontCheckUrls(string url)
    {
        using var session = new Session();

        var prepared = session.PrepareRequest(new Request("GET", url) { Params = new() { ["key"] = "value" } });

        Assert.Equal(url, prepared.Url);
    }

    [Theory]
    [InlineData("http+unix://%2Fvar%2Frun%2Fsocket/path%7E", null, "http+unix://%2Fvar%2Frun%2Fsocket/path~")]
    [InlineData("http+unix://%2Fvar%2Frun%2Fsocket/path", "value", "http+unix://%2Fvar%2Frun%2Fsocket/path?key=value")]
    public void PrepareRequest_HttpPlusScheme_IsPrepared_AsTestParametersForNonstandardSchemes(string url, string? value, string expected)
    {
        using var session = new Session();
        var request = new Request("GET", url);
        if (value is not null)
        {
            request.Params = new() { ["key"] = value };
        }

        var prepared = session.PrepareRequest(request);

        Assert.Equal(expected, prepared.Url);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_UnmountedNonHttpScheme_IsInvalidSchemaAtSend_WithTheUrlAsGiven(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var error = await Assert.ThrowsAsync<InvalidSchemaException>(() => handle.Session.GetAsync("mailto:user@example.org"));

        Assert.Equal("No connection adapters were found for 'mailto:user@example.org'", error.Message);
    }

    [Fact]
    public async Task SendAsync_PreparedNonHttpUrl_IsInvalidSchemaAtSend()
    {
        using var session = new Session();
        var prepared = session.PrepareRequest(new Request("GET", "http+unix://%2Fvar%2Frun%2Fsocket/path"));

        var error = await Assert.ThrowsAsync<InvalidSchemaException>(() => session.SendAsync(prepared));

        Assert.Equal("No connection adapters were found for 'http+unix://%2Fvar%2Frun%2Fsocket/path'", error.Message);
    }

    [Fact]
    public async Task Get_MountedNonHttpScheme_ReachesItsAdapter()
    {
        using var session = new Session();
        using var adapter = new StubHandler();
        session.Mount("mailto:", adapter);

        using var response = await session.GetAsync("mailto:user@example.org", new() { Params = new() { ["key"] = "value" } });

        Assert.Equal("mailto:user@example.org", Assert.Single(adapter.Requests).RequestUri!.OriginalString);
    }

    [Fact]
    public async Task Get_MountedSchemeWhoseUrlIsNoUri_IsInvalidUrl()
    {
        using var session = new Session();
        using var adapter = new StubHandler();
        session.Mount("http+unix://", adapter);

        var error = await Assert.ThrowsAsync<InvalidUrlException>(() => session.GetAsync("http+unix://%2Fvar%2Frun%2Fsocket/path"));

        Assert.IsNotType<InvalidSchemaException>(error);
        Assert.Empty(adapter.Requests);
    }
}
