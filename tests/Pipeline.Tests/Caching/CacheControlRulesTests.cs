namespace Pipeline.Tests.Caching;

public sealed class CacheControlRulesTests
{
    [Fact]
    public void Parse_ResponseDirectives_Rfc9111Section5_2_2()
    {
        var d = CacheControlRules.Parse("public, max-age=60, s-maxage=\"120\", must-revalidate, proxy-revalidate, no-cache, stale-while-revalidate=5, stale-if-error=30, must-understand");

        Assert.True(d.Public);
        Assert.Equal(TimeSpan.FromSeconds(60), d.MaxAge);
        Assert.Equal(TimeSpan.FromSeconds(120), d.SharedMaxAge);
        Assert.True(d.MustRevalidate);
        Assert.True(d.ProxyRevalidate);
        Assert.True(d.NoCache);
        Assert.Equal(TimeSpan.FromSeconds(5), d.StaleWhileRevalidate);
        Assert.Equal(TimeSpan.FromSeconds(30), d.StaleIfError);
        Assert.True(d.MustUnderstand);
    }

    [Theory]
    [InlineData("MAX-AGE=10", 10)]
    [InlineData("max-age=10, max-age=99", 10)]
    [InlineData("max-age=abc", 0)]
    [InlineData("max-age=-5", 0)]
    [InlineData("max-age=99999999999", 2147483648)]
    [InlineData("private=\"Set-Cookie, X-A\", max-age=7", 7)]
    public void Parse_MaxAge_CaseRepeatsInvalidAndOverflow_Rfc9111Section1_2_2And4_2_1(string value, long seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), CacheControlRules.Parse(value).MaxAge);

    [Theory]
    [InlineData("max-stale", true, null)]
    [InlineData("max-stale=30", true, 30)]
    [InlineData("min-fresh=5", false, null)]
    public void Parse_MaxStale_WithoutValueAcceptsAnyStaleness_Rfc9111Section5_2_1_2(string value, bool has, int? seconds)
    {
        var d = CacheControlRules.Parse(value);

        Assert.Equal(has, d.MaxStale is not null);
        if (has)
        {
            Assert.Equal(seconds is null ? TimeSpan.MaxValue : TimeSpan.FromSeconds(seconds.Value), d.MaxStale);
        }
    }

    [Fact]
    public void Parse_QualifiedPrivateAndNoCache_TreatedAsUnqualified_Rfc9111Section5_2_2_4()
    {
        var d = CacheControlRules.Parse("no-cache=\"Set-Cookie\", private=\"X-User\"");

        Assert.True(d.NoCache);
        Assert.True(d.Private);
    }

    [Fact]
    public void ForRequest_OptionsWinOverHeader_PragmaOnlyWithoutCacheControl_Rfc9111Section5_4()
    {
        using var withPragma = new HttpRequestMessage(HttpMethod.Get, "http://x.test/");
        withPragma.Headers.TryAddWithoutValidation("Pragma", "no-cache");
        using var withBoth = new HttpRequestMessage(HttpMethod.Get, "http://x.test/");
        withBoth.Headers.TryAddWithoutValidation("Pragma", "no-cache");
        withBoth.Headers.TryAddWithoutValidation("Cache-Control", "max-age=5");

        var pragma = CacheControlRules.ForRequest(withPragma.Headers, null);
        var both = CacheControlRules.ForRequest(withBoth.Headers, new System.Net.Http.Headers.CacheControlHeaderValue { MaxAge = TimeSpan.FromSeconds(9) });

        Assert.True(pragma.NoCache);
        Assert.False(both.NoCache);
        Assert.Equal(TimeSpan.FromSeconds(9), both.MaxAge);
    }
}
