using Pipeline.Tests.Infrastructure;

namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestTimeout</c> (tests/test_requests.py).</summary>
[Collection(TestRequestsCollection.Name)]
public sealed class TestTimeout(HttpbinFixture httpbinServer, HttpbinSecureFixture secureServer)
    : RequestsTestBase(httpbinServer, secureServer)
{
    [Fact]
    public async Task test_stream_timeout()
    {
        try
        {
            await Requests.GetAsync(httpbin("delay/10"), new() { Timeout = TimeSpan.FromSeconds(2.0) });
        }
        catch (RequestTimeoutException e)
        {
            Assert.Contains("Read timed out", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task test_none_timeout(bool asTimeoutObject)
    {
        // Check that you can set None as a valid timeout value: requests' rows are None and
        // urllib3's Timeout(connect=None, read=None), Pipeline's RequestTimeout(null, null).
        var timeout = asTimeoutObject ? new RequestTimeout(connect: null, read: null) : null;

        var r = await Requests.GetAsync(httpbin("get"), new() { Timeout = timeout });

        Assert.Equal(200, (int)r.StatusCode);
    }

    [Fact]
    public async Task test_read_timeout()
    {
        // requests' rows (None, 0.1) and urllib3's Timeout(connect=None, read=0.1) are one RequestTimeout here.
        await Assert.ThrowsAnyAsync<ReadTimeoutException>(() =>
            Requests.GetAsync(httpbin("delay/10"), new() { Timeout = new RequestTimeout(connect: null, read: TimeSpan.FromSeconds(0.1)) }));
    }

    [Fact]
    public async Task test_connect_timeout()
    {
        // requests' rows (0.1, None) and urllib3's Timeout(connect=0.1, read=None) are one RequestTimeout here.
        using var tarpit = new Tarpit();

        var e = await Assert.ThrowsAnyAsync<ConnectTimeoutException>(() =>
            Requests.GetAsync(tarpit.Url, new() { Timeout = new RequestTimeout(connect: TimeSpan.FromSeconds(0.1), read: null) }));

        // Departure (README, Differences from requests: ConnectTimeout): requests' ConnectTimeout is both a
        // ConnectionError and a Timeout; with single inheritance it is a RequestTimeoutException only.
        Assert.IsAssignableFrom<RequestTimeoutException>(e);
        Assert.IsNotAssignableFrom<ConnectionException>(e);
    }

    [Fact]
    public async Task test_total_timeout_connect()
    {
        // requests' rows (0.1, 0.1) and urllib3's Timeout(connect=0.1, read=0.1) are one RequestTimeout here.
        using var tarpit = new Tarpit();

        await Assert.ThrowsAnyAsync<ConnectTimeoutException>(() =>
            Requests.GetAsync(tarpit.Url, new() { Timeout = (TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.1)) }));
    }
}
