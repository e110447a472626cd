namespace Pipeline.Tests.Caching;

public sealed class FreshnessRulesTests
{
    private static readonly HttpCacheOptions Options = new();
    private static readonly string Date = CacheEntries.HttpDate(CacheEntries.Received);

    [Theory]
    [InlineData("max-age=60, s-maxage=300", false, 60)]
    [InlineData("max-age=60, s-maxage=300", true, 300)]
    [InlineData("max-age=60", true, 60)]
    public void FreshnessLifetime_SMaxAgeOnlyForSharedCaches_Rfc9111Section4_2_1(string cacheControl, bool shared, int seconds)
    {
        var entry = CacheEntries.Create(200, ("Cache-Control", cacheControl), ("Expires", CacheEntries.HttpDate(CacheEntries.Received.AddDays(1))));

        Assert.Equal(TimeSpan.FromSeconds(seconds), FreshnessRules.FreshnessLifetime(entry, shared, Options));
    }

    [Theory]
    [InlineData(600, 600)]
    [InlineData(-10, 0)]
    public void FreshnessLifetime_ExpiresMinusDate_Rfc9111Section4_2_1(int expiresIn, int seconds)
    {
        var entry = CacheEntries.Create(200, ("Date", Date), ("Expires", CacheEntries.HttpDate(CacheEntries.Received.AddSeconds(expiresIn))));

        Assert.Equal(TimeSpan.FromSeconds(seconds), FreshnessRules.FreshnessLifetime(entry, false, Options));
    }

    [Fact]
    public void FreshnessLifetime_InvalidExpires_IsStale_Rfc9111Section5_3()
    {
        var entry = CacheEntries.Create(200, ("Date", Date), ("Expires", "0"));

        Assert.Equal(TimeSpan.Zero, FreshnessRules.FreshnessLifetime(entry, false, Options));
    }

    [Theory]
    [InlineData(200, 10, 1)]
    [InlineData(404, 10, 1)]
    [InlineData(302, 10, 0)]
    [InlineData(200, 1000, 24)]
    public void FreshnessLifetime_Heuristic_TenPercentCappedAtOneDay_Rfc9111Section4_2_2(int status, int modifiedHoursAgo, double hours)
    {
        var entry = CacheEntries.Create(status, ("Date", Date), ("Last-Modified", CacheEntries.HttpDate(CacheEntries.Received.AddHours(-modifiedHoursAgo))));

        Assert.Equal(TimeSpan.FromHours(hours), FreshnessRules.FreshnessLifetime(entry, false, Options));
    }

    [Fact]
    public void FreshnessLifetime_HeuristicTurnedOff_Zero()
    {
        var entry = CacheEntries.Create(200, ("Date", Date), ("Last-Modified", CacheEntries.HttpDate(CacheEntries.Received.AddDays(-30))));

        Assert.Equal(TimeSpan.Zero, FreshnessRules.FreshnessLifetime(entry, false, new HttpCacheOptions { HeuristicFreshness = false }));
    }

    [Fact]
    public void CurrentAge_AgeHeaderDelayAndResidentTime_Rfc9111Section4_2_3()
    {
        var entry = new CacheEntry
        {
            Status = 200,
            Headers = [new("Date", CacheEntries.HttpDate(CacheEntries.Received.AddSeconds(-3))), new("Age", "10")],
            Body = [],
            RequestTime = CacheEntries.Received.AddSeconds(-2),
            ResponseTime = CacheEntries.Received,
            VaryNames = [],
            VaryValues = [],
        };

        // corrected initial age = max(apparent 3, 10 + delay 2) = 12; resident 100.
        Assert.Equal(TimeSpan.FromSeconds(112), FreshnessRules.CurrentAge(entry, CacheEntries.Received.AddSeconds(100)));
    }

    [Theory]
    [InlineData("max-age=60", "", 30, "Fresh")]
    [InlineData("max-age=60", "min-fresh=40", 30, "Validate")]
    [InlineData("max-age=60", "max-age=20", 30, "Validate")]
    [InlineData("max-age=60", "no-cache", 30, "Validate")]
    [InlineData("max-age=60, no-cache", "", 30, "Validate")]
    [InlineData("max-age=60", "max-stale=30", 80, "Stale")]
    [InlineData("max-age=60", "max-stale", 8000, "Stale")]
    [InlineData("max-age=60, must-revalidate", "max-stale", 80, "Validate")]
    [InlineData("max-age=60, stale-while-revalidate=30", "", 80, "StaleWhileRevalidate")]
    [InlineData("max-age=60, stale-while-revalidate=30", "", 100, "Validate")]
    public void Decide_RequestAndResponseDirectives_Rfc9111Section4And5_2(string response, string request, int age, string expected)
    {
        var entry = CacheEntries.Create(200, ("Cache-Control", response));

        var (reuse, _) = FreshnessRules.Decide(entry, CacheControlRules.Parse(request), CacheMode.Default, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(age), shared: false);

        Assert.Equal(expected, reuse.ToString());
    }

    [Theory]
    [InlineData("max-age=60, s-maxage=60", false, true)]
    [InlineData("max-age=60, s-maxage=60", true, false)]
    [InlineData("max-age=60, proxy-revalidate", true, false)]
    public void StaleForbidden_ProxyRevalidateAndSMaxAgeForSharedCaches_Rfc9111Section5_2_2_8(string response, bool shared, bool staleAllowed)
    {
        var entry = CacheEntries.Create(200, ("Cache-Control", response + ", stale-if-error=600"));

        Assert.Equal(staleAllowed, FreshnessRules.MayServeStaleOnError(entry, CacheDirectives.None, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(90), shared));
    }

    [Fact]
    public void Decide_RefreshMode_AlwaysValidates()
    {
        var entry = CacheEntries.Create(200, ("Cache-Control", "max-age=600"));

        Assert.Equal(FreshnessRules.Reuse.Validate, FreshnessRules.Decide(entry, CacheDirectives.None, CacheMode.Refresh, TimeSpan.FromSeconds(600), TimeSpan.Zero, false).Reuse);
    }

    [Theory]
    [InlineData("Sun, 06 Nov 1994 08:49:37 GMT")]
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT")]
    [InlineData("Sun Nov  6 08:49:37 1994")]
    public void TryParseHttpDate_ThreeFormats_Rfc9110Section5_6_7(string value)
    {
        Assert.True(FreshnessRules.TryParseHttpDate(value, out var date));
        Assert.Equal(new DateTimeOffset(1994, 11, 6, 8, 49, 37, TimeSpan.Zero), date);
    }
}
