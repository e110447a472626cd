namespace Pipeline.Tests.Caching;

public sealed class CacheKeyRulesTests
{
    [Fact]
    public void PrimaryKey_MethodAndUrlWithoutFragment_Rfc9111Section2()
    {
        Assert.Equal("GET http://example.test/a?b=1", CacheKeyRules.PrimaryKey(HttpMethod.Get, new Uri("HTTP://Example.TEST:80/a?b=1#frag")));
        Assert.Equal("HEAD http://example.test/a", CacheKeyRules.PrimaryKey(HttpMethod.Head, new Uri("http://example.test/a")));
    }

    [Fact]
    public void Select_MatchesNormalizedValuesAndPrefersTheMostRecent_Rfc9111Section4_1()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://x.test/");
        request.Headers.TryAddWithoutValidation("Accept-Language", " en ");
        var older = Variant("en", CacheEntries.Received);
        var newer = Variant("en", CacheEntries.Received.AddMinutes(1));
        var other = Variant("fr", CacheEntries.Received.AddMinutes(2));

        Assert.Same(newer, CacheKeyRules.Select([older, newer, other], request));
    }

    [Fact]
    public void Matches_AbsentHeaderDiffersFromEmpty_AndStarNeverMatches_Rfc9111Section4_1()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://x.test/");

        Assert.True(CacheKeyRules.Matches(Variant(null, CacheEntries.Received), request));
        Assert.False(CacheKeyRules.Matches(Variant(string.Empty, CacheEntries.Received), request));
        Assert.False(CacheKeyRules.Matches(Star(), request));
    }

    [Fact]
    public void Replace_SameSelectionReplaced_OthersKept_AtMostEight()
    {
        var variants = Enumerable.Range(0, 8).Select(i => Variant("l" + i, CacheEntries.Received)).ToList();

        var replaced = CacheKeyRules.Replace(variants, Variant("l3", CacheEntries.Received.AddHours(1)));
        var added = CacheKeyRules.Replace(variants, Variant("new", CacheEntries.Received));

        Assert.Equal(8, replaced.Count);
        Assert.Single(replaced, v => v.VaryValues[0] == "l3" && v.ResponseTime > CacheEntries.Received);
        Assert.Equal(8, added.Count);
        Assert.DoesNotContain(added, v => v.VaryValues[0] == "l0");
    }

    [Fact]
    public void VaryNames_SeveralFieldLines_LowerCaseDistinct() =>
        Assert.Equal(["accept-encoding", "accept-language"], CacheKeyRules.VaryNames(["Accept-Encoding, Accept-Language", "accept-encoding"]));

    private static CacheEntry Variant(string? language, DateTimeOffset date) => new()
    {
        Status = 200,
        Headers = [new("Date", CacheEntries.HttpDate(date)), new("Vary", "Accept-Language")],
        Body = [],
        RequestTime = date,
        ResponseTime = date,
        VaryNames = ["accept-language"],
        VaryValues = [language],
    };

    private static CacheEntry Star() => new()
    {
        Status = 200,
        Headers = [],
        Body = [],
        RequestTime = CacheEntries.Received,
        ResponseTime = CacheEntries.Received,
        VaryNames = ["*"],
        VaryValues = [null],
    };
}
