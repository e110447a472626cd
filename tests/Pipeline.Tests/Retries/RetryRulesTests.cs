using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Retries;

/// <summary>The policy-to-decision mapping (urllib3's increment, is_retry, sleep, parse_retry_after), without HTTP.</summary>
public sealed class RetryRulesTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static RetryRules Rules(RetryPolicy policy, string method = "GET") => new(policy, method, Clock);

    private static HttpResponseMessage Status(int status, string? retryAfter = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    /// <summary>Maps a SocketsHttpHandler failure the way the HttpAdapter does.</summary>
    private static RequestException Transport(HttpRequestError error, bool viaProxy = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://api.test/");
        var proxy = viaProxy ? new ProxySelection(new Uri("http://proxy.test:3128"), null) : null;
        return TransportErrors.Map(new HttpRequestException(error, "failed", new SocketException((int)SocketError.ConnectionRefused)), request, proxy);
    }

    private static int CountRetries(RetryRules rules, Func<bool> attempt)
    {
        var retries = 0;
        while (retries < 100 && attempt())
        {
            retries++;
        }

        return retries;
    }

    [Theory]
    [InlineData(3, null, 3)]
    [InlineData(10, 2, 2)]
    [InlineData(1, 5, 1)]
    [InlineData(0, 5, 0)]
    [InlineData(null, 4, 4)]
    public void ConnectFailures_CountAgainstTotalAndConnect(int? total, int? connect, int expectedRetries)
    {
        var rules = Rules(new RetryPolicy { Total = total, Connect = connect });

        var retries = CountRetries(rules, () => rules.ShouldRetry(new ConnectionException("refused")));

        Assert.Equal(expectedRetries, retries);
        Assert.Equal(expectedRetries, rules.Retries);
    }

    [Fact]
    public void TotalNull_NoOtherCounter_RetriesWithoutEnd_AsUrllib3()
    {
        var rules = Rules(new RetryPolicy { Total = null });

        var retries = CountRetries(rules, () => rules.ShouldRetry(new ConnectionException("refused")));

        Assert.Equal(100, retries);
    }

    [Fact]
    public void KindsCountSeparately_TotalBoundsThemAll()
    {
        var rules = Rules(new RetryPolicy { Total = 3, Connect = 1, Read = 1 });

        Assert.True(rules.ShouldRetry(new ConnectionException("refused")));
        Assert.False(rules.ShouldRetry(new ConnectionException("refused")));
        Assert.True(rules.ShouldRetry(new ReadTimeoutException("slow")));
        Assert.False(rules.ShouldRetry(new ReadTimeoutException("slow")));
        Assert.Equal(2, rules.Retries);
    }

    [Theory]
    [InlineData(HttpRequestError.ConnectionError, "POST", true)]
    [InlineData(HttpRequestError.NameResolutionError, "POST", true)]
    [InlineData(HttpRequestError.ResponseEnded, "GET", true)]
    [InlineData(HttpRequestError.ResponseEnded, "POST", false)]
    [InlineData(HttpRequestError.Unknown, "PUT", true)]
    [InlineData(HttpRequestError.Unknown, "PATCH", false)]
    [InlineData(HttpRequestError.SecureConnectionError, "GET", false)]
    [InlineData(HttpRequestError.ProxyTunnelError, "GET", false)]
    public void TransportFailures_ConnectErrorsForEveryMethod_AbortedConnectionsOnlyForAllowedMethods(HttpRequestError error, string method, bool retried)
    {
        var rules = Rules(RetryPolicy.FromCount(3), method);

        Assert.Equal(retried, rules.ShouldRetry(Transport(error)));
    }

    [Fact]
    public void AbortedConnection_CountsAgainstRead_NotConnect()
    {
        var rules = Rules(new RetryPolicy { Total = 5, Connect = 0, Read = 1 });

        Assert.True(rules.ShouldRetry(Transport(HttpRequestError.ResponseEnded)));
        Assert.False(rules.ShouldRetry(Transport(HttpRequestError.ResponseEnded)));
        Assert.False(rules.ShouldRetry(Transport(HttpRequestError.ConnectionError)));
    }

    [Fact]
    public void UnreachableProxy_IsAConnectError()
    {
        var rules = Rules(RetryPolicy.FromCount(1), "POST");
        var failure = Transport(HttpRequestError.ConnectionError, viaProxy: true);

        Assert.IsType<ProxyException>(failure);
        Assert.True(rules.ShouldRetry(failure));
    }

    [Theory]
    [InlineData("GET", true)]
    [InlineData("POST", false)]
    public void ReadTimeouts_OnlyForAllowedMethods(string method, bool retried)
    {
        var rules = Rules(RetryPolicy.FromCount(3), method);

        Assert.Equal(retried, rules.ShouldRetry(new ReadTimeoutException("Read timed out.")));
    }

    [Fact]
    public void ConnectTimeouts_AreConnectErrors_ForEveryMethod()
    {
        var rules = Rules(new RetryPolicy { Total = 3, Connect = 1 }, "POST");

        Assert.True(rules.ShouldRetry(new ConnectTimeoutException("timed out")));
        Assert.False(rules.ShouldRetry(new ConnectTimeoutException("timed out")));
    }

    [Fact]
    public void OtherFailures_AreNotRetried()
    {
        var rules = Rules(RetryPolicy.FromCount(3));

        Assert.False(rules.ShouldRetry(new InvalidOperationException()));
        Assert.False(rules.ShouldRetry(new ChunkedEncodingException("cut")));
        Assert.False(rules.ShouldRetry(new SslException("untrusted root")));
        Assert.Equal(0, rules.Retries);
    }

    [Fact]
    public void AllowedMethodsNull_RetriesEveryMethod()
    {
        var rules = Rules(new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 }, AllowedMethods = null }, "POST");

        Assert.True(rules.ShouldRetry(new ReadTimeoutException("slow")));
        Assert.True(rules.ShouldRetry(Status(503)));
    }

    [Fact]
    public void ForcedStatus_RetriedUntilExhausted_ThenMarked()
    {
        var rules = Rules(new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 } });
        using var response = Status(503);

        Assert.True(rules.ShouldRetry(response));
        Assert.True(rules.ShouldRetry(response));
        Assert.False(rules.ShouldRetry(response));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rules.ExhaustedStatus);
    }

    [Fact]
    public void ForcedStatus_StatusCounter_Limits()
    {
        var rules = Rules(new RetryPolicy { Total = 10, Status = 1, StatusForcelist = new HashSet<int> { 502 } });
        using var response = Status(502);

        Assert.True(rules.ShouldRetry(response));
        Assert.False(rules.ShouldRetry(response));
        Assert.Equal(HttpStatusCode.BadGateway, rules.ExhaustedStatus);
    }

    [Fact]
    public void ForcedStatus_TotalZero_ExhaustedAtOnce_AsRetryZeroWithAForcelist()
    {
        var rules = Rules(new RetryPolicy { StatusForcelist = new HashSet<int> { 503 } });
        using var response = Status(503);

        Assert.False(rules.ShouldRetry(response));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rules.ExhaustedStatus);
    }

    [Fact]
    public void ForcedStatus_MethodNotAllowed_NeitherRetriedNorMarked()
    {
        var rules = Rules(new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 } }, "POST");
        using var response = Status(503);

        Assert.False(rules.ShouldRetry(response));
        Assert.Null(rules.ExhaustedStatus);
    }

    [Theory]
    [InlineData(413)]
    [InlineData(429)]
    [InlineData(503)]
    public void RetryAfterStatus_RetriedWhileTotalLeft_ThenReturnedUnmarked(int status)
    {
        var rules = Rules(RetryPolicy.FromCount(2));
        using var response = Status(status, "1");

        Assert.True(rules.ShouldRetry(response));
        Assert.True(rules.ShouldRetry(response));
        Assert.False(rules.ShouldRetry(response));
        Assert.Null(rules.ExhaustedStatus);
    }

    [Theory]
    [InlineData(429, null, true)]
    [InlineData(429, " ", true)]
    [InlineData(500, "1", true)]
    [InlineData(429, "1", false)]
    public void RetryAfterStatus_NeedsTheStatusTheHeaderAndRespect(int status, string? retryAfter, bool respect)
    {
        var rules = Rules(new RetryPolicy { Total = 3, RespectRetryAfterHeader = respect });
        using var response = Status(status, retryAfter);

        Assert.False(rules.ShouldRetry(response));
        Assert.Null(rules.ExhaustedStatus);
    }

    [Fact]
    public void RetryAfterStatus_TotalNull_NotRetried_AsUrllib3ReadsTotalAsFalse()
    {
        var rules = Rules(new RetryPolicy { Total = null, Status = 3 });
        using var response = Status(429, "1");

        Assert.False(rules.ShouldRetry(response));
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData(" 7 ", 7)]
    [InlineData("Thu, 26 Nov 2026 12:00:30 GMT", 30)]
    [InlineData("Thu, 26 Nov 2026 11:00:00 GMT", 0)]
    [InlineData("Thursday, 26-Nov-26 12:01:00 GMT", 60)]
    [InlineData("Thu Nov 26 12:00:05 2026", 5)]
    [InlineData("0", 0)]
    public void RetryAfter_SecondsOrHttpDate(string header, double expectedSeconds)
    {
        using var response = Status(503, header);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryRules.RetryAfter(response, Clock.GetUtcNow()));
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("2026-11-26T12:00:30Z")]
    public void RetryAfter_Unreadable_IsIgnored(string header)
    {
        using var response = Status(503, header);

        Assert.Null(RetryRules.RetryAfter(response, Clock.GetUtcNow()));
    }

    [Fact]
    public void RetryAfter_MoreSecondsThanAnInt_IsVeryLong()
    {
        using var response = Status(503, "99999999999999");

        Assert.Equal(TimeSpan.MaxValue, RetryRules.RetryAfter(response, Clock.GetUtcNow()));
    }

    [Fact]
    public void Delay_RetryAfterWins_CappedByRetryAfterMax()
    {
        var rules = Rules(new RetryPolicy { Total = 3, BackoffFactor = 10, RetryAfterMax = TimeSpan.FromSeconds(60) });
        using var brief = Status(503, "5");
        using var lengthy = Status(503, "3600");

        Assert.Equal(TimeSpan.FromSeconds(5), rules.Delay(brief, random: 0));
        Assert.Equal(TimeSpan.FromSeconds(60), rules.Delay(lengthy, random: 0));
    }

    [Fact]
    public void Delay_HttpDate_ReadAgainstTheGivenClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero));
        var rules = new RetryRules(RetryPolicy.FromCount(1), "GET", clock);
        using var response = Status(503, clock.GetUtcNow().AddSeconds(42).ToString("r"));

        Assert.Equal(TimeSpan.FromSeconds(42), rules.Delay(response, random: 0));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("soon")]
    [InlineData(null)]
    public void Delay_NoPositiveRetryAfter_FallsBackToBackoff(string? header)
    {
        var rules = Rules(new RetryPolicy { Total = 5, BackoffFactor = 1, StatusForcelist = new HashSet<int> { 503 } });
        using var response = Status(503, header);
        rules.ShouldRetry(response);
        rules.ShouldRetry(response);
        rules.ShouldRetry(response);

        Assert.Equal(TimeSpan.FromSeconds(4), rules.Delay(response, random: 0));
    }

    [Fact]
    public void Delay_RetryAfterIgnored_WhenNotRespected()
    {
        var rules = Rules(new RetryPolicy { Total = 5, RespectRetryAfterHeader = false });
        using var response = Status(503, "30");

        Assert.Equal(TimeSpan.Zero, rules.Delay(response, random: 0));
    }

    [Fact]
    public void Delay_AfterAFailure_IsTheBackoffOfTheRetriesSoFar()
    {
        var rules = Rules(new RetryPolicy { Total = 5, BackoffFactor = 0.5 });

        rules.ShouldRetry(new ConnectionException("refused"));
        var first = rules.Delay(null, random: 0);
        rules.ShouldRetry(new ConnectionException("refused"));
        var second = rules.Delay(null, random: 0);
        rules.ShouldRetry(new ConnectionException("refused"));
        var third = rules.Delay(null, random: 0);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], [first, second, third]);
    }
}
