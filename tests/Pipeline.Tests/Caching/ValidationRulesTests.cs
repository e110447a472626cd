namespace Pipeline.Tests.Caching;

public sealed class ValidationRulesTests
{
    [Theory]
    [InlineData("\"a\"", null, "\"a\"", null, true)]
    [InlineData("\"a\"", null, "\"b\"", null, false)]
    [InlineData("W/\"a\"", null, "\"a\"", null, false)]
    [InlineData("W/\"a\"", null, "W/\"a\"", null, true)]
    [InlineData(null, "Mon, 05 Jan 2026 00:00:00 GMT", null, "Mon, 05 Jan 2026 00:00:00 GMT", true)]
    [InlineData(null, "Mon, 05 Jan 2026 00:00:00 GMT", null, "Tue, 06 Jan 2026 00:00:00 GMT", false)]
    [InlineData("\"a\"", null, null, null, true)]
    public void Selects_ValidatorsOfThe304_Rfc9111Section4_3_4(string? storedEtag, string? storedModified, string? etag, string? modified, bool selects)
    {
        var headers = new List<(string, string)>();
        if (storedEtag is not null)
        {
            headers.Add(("ETag", storedEtag));
        }

        if (storedModified is not null)
        {
            headers.Add(("Last-Modified", storedModified));
        }

        Assert.Equal(selects, ValidationRules.Selects(CacheEntries.Create(200, [.. headers]), etag, modified));
    }

    [Fact]
    public void Freshen_ReplacesHeaderFieldsExceptThoseOfTheBody_Rfc9111Section3_2()
    {
        var stored = CacheEntries.Create(200, ("Cache-Control", "max-age=10"), ("Content-Length", "4"), ("X-Kept", "1"), ("ETag", "\"a\""));

        var fresh = ValidationRules.Freshen(stored, [new("Cache-Control", "max-age=99"), new("Content-Length", "0")], CacheEntries.Received.AddHours(1), CacheEntries.Received.AddHours(1));

        Assert.Equal("max-age=99", fresh.Header("Cache-Control"));
        Assert.Equal("4", fresh.Header("Content-Length"));
        Assert.Equal("1", fresh.Header("X-Kept"));
        Assert.Same(stored.Body, fresh.Body);
        Assert.Equal(CacheEntries.Received.AddHours(1), fresh.ResponseTime);
    }

    [Fact]
    public void AddConditionals_ETagAndLastModified_Rfc9111Section4_3_1()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://x.test/");

        ValidationRules.AddConditionals(request.Headers, CacheEntries.Create(200, ("ETag", "\"a\""), ("Last-Modified", "Mon, 05 Jan 2026 00:00:00 GMT")));

        Assert.Equal("\"a\"", request.Headers.IfNoneMatch.ToString());
        Assert.Equal("Mon, 05 Jan 2026 00:00:00 GMT", request.Headers.NonValidated["If-Modified-Since"].ToString());
    }
}
