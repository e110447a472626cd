namespace Pipeline.Tests.Proxies;

public sealed class ProxyMapTests
{
    [Fact]
    public void Indexer_KeysIgnoreCase()
    {
        var proxies = new ProxyMap { ["HTTPS"] = "http://p:1" };

        Assert.Equal("http://p:1", proxies["https"]);
        Assert.True(proxies.ContainsKey("Https"));
    }

    [Fact]
    public void Indexer_MissingKey_ReturnsNull()
    {
        var proxies = new ProxyMap();

        Assert.Null(proxies["http"]);
    }

    [Fact]
    public void Indexer_SetExistingKeyInOtherCase_ReplacesValueKeepingOneEntry()
    {
        var proxies = new ProxyMap { ["http"] = "http://a", ["https"] = "http://b" };

        proxies["HTTP"] = "http://c";

        Assert.Equal(2, proxies.Count);
        Assert.Equal([new("http", "http://c"), new("https", "http://b")], proxies.ToArray());
    }

    [Fact]
    public void Indexer_SetNull_KeepsKeyAsRemovalMarker()
    {
        var proxies = new ProxyMap();

        proxies["http"] = null;

        Assert.True(proxies.ContainsKey("http"));
        Assert.Equal(1, proxies.Count);
    }

    [Fact]
    public void Remove_AnyCase_RemovesTheEntry()
    {
        var proxies = new ProxyMap { ["all://Example.com"] = "http://p", ["all"] = "http://q" };

        Assert.True(proxies.Remove("ALL://example.com"));
        Assert.False(proxies.Remove("all://example.com"));
        Assert.Equal([new("all", "http://q")], proxies.ToArray());
    }

    [Fact]
    public void Clear_RemovesEverything()
    {
        var proxies = new ProxyMap { ["http"] = "http://p" };

        proxies.Clear();

        Assert.Equal(0, proxies.Count);
        Assert.Empty(proxies);
    }

    [Fact]
    public void Constructor_Entries_IsAnIndependentCopy()
    {
        var original = new ProxyMap { ["http"] = "http://p" };

        var copy = new ProxyMap(original);
        copy["https"] = "http://q";

        Assert.Equal(1, original.Count);
        Assert.Equal(2, copy.Count);
    }

    [Fact]
    public void Indexer_SetNullKey_ThrowsArgumentNull()
    {
        var proxies = new ProxyMap();

        Assert.Throws<ArgumentNullException>(() => proxies[null!] = "http://p");
    }
}
