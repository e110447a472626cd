namespace Pipeline.Tests.Caching;

public sealed class StorageRulesTests
{
    private static readonly HttpCacheOptions Options = new();

    [Theory]
    [InlineData(200, "max-age=60", false, false, "", null)]
    [InlineData(206, "max-age=60", false, false, "", "206 Partial Content is not stored")]
    [InlineData(304, "max-age=60", false, false, "", "a 304 is not stored")]
    [InlineData(200, "no-store, max-age=60", false, false, "", "no-store")]
    [InlineData(200, "max-age=60", false, false, "no-store", "no-store in the request")]
    [InlineData(200, "no-store, must-understand, max-age=60", false, false, "", null)]
    [InlineData(299, "no-store, must-understand, max-age=60", false, false, "", "must-understand with a status this cache does not implement")]
    [InlineData(200, "private, max-age=60", false, false, "", null)]
    [InlineData(200, "private, max-age=60", true, false, "", "private (a shared cache)")]
    [InlineData(200, "max-age=60", true, true, "", "Authorization in the request without public, must-revalidate or s-maxage (a shared cache)")]
    [InlineData(200, "public, max-age=60", true, true, "", null)]
    [InlineData(200, "s-maxage=60", true, true, "", null)]
    [InlineData(302, "", false, false, "", "no explicit lifetime and status 302 is not heuristically cacheable")]
    [InlineData(302, "max-age=60", false, false, "", null)]
    [InlineData(200, "", false, false, "", "no freshness lifetime and no validator")]
    public void WhyNotStored_Rfc9111Section3(int status, string cacheControl, bool shared, bool authorization, string request, string? expected)
    {
        var entry = CacheEntries.Create(status, ("Cache-Control", cacheControl));

        Assert.Equal(expected, StorageRules.WhyNotStored(entry, CacheControlRules.Parse(request), shared, authorization, Options));
    }

    [Fact]
    public void WhyNotStored_VaryStar_NotStored_Rfc9111Section4_1()
    {
        var entry = new CacheEntry
        {
            Status = 200,
            Headers = [new("Cache-Control", "max-age=60"), new("Vary", "*")],
            Body = [],
            RequestTime = CacheEntries.Received,
            ResponseTime = CacheEntries.Received,
            VaryNames = ["*"],
            VaryValues = [null],
        };

        Assert.Equal("Vary: *", StorageRules.WhyNotStored(entry, CacheDirectives.None, false, false, Options));
    }

    [Theory]
    [InlineData("Connection", false)]
    [InlineData("Transfer-Encoding", false)]
    [InlineData("X-Listed", false)]
    [InlineData("Content-Type", true)]
    public void IsStoredHeader_HopByHopAndConnectionListed_Rfc9111Section3_1(string name, bool stored) =>
        Assert.Equal(stored, StorageRules.IsStoredHeader(name, new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "X-Listed" }));

    [Theory]
    [InlineData("POST", true)]
    [InlineData("DELETE", true)]
    [InlineData("GET", false)]
    [InlineData("OPTIONS", false)]
    public void IsUnsafe_Rfc9110Section9_2_1(string method, bool unsafeMethod) =>
        Assert.Equal(unsafeMethod, StorageRules.IsUnsafe(new HttpMethod(method)));
}
