namespace Pipeline.Tests.Preparation;

// HeaderMap follows requests' CaseInsensitiveDict: lookups ignore case, the last spelling is kept at the first position.
public sealed class HeaderMapTests
{
    [Theory]
    [InlineData("Content-Type")]
    [InlineData("content-type")]
    [InlineData("CONTENT-TYPE")]
    public void Indexer_AnyCase_FindsTheHeader(string name)
    {
        var headers = new HeaderMap { ["Content-Type"] = "text/plain" };

        Assert.Equal("text/plain", headers[name]);
        Assert.True(headers.ContainsKey(name));
    }

    [Fact]
    public void Indexer_MissingHeader_ReturnsNull()
    {
        var headers = new HeaderMap { ["A"] = "1" };

        Assert.Null(headers["B"]);
        Assert.False(headers.ContainsKey("B"));
    }

    [Fact]
    public void Indexer_SetExistingNameInOtherCase_KeepsPositionTakesNewSpellingAndValue()
    {
        var headers = new HeaderMap { ["A"] = "1", ["X-Foo"] = "a", ["B"] = "2" };

        headers["x-FOO"] = "b";

        Assert.Equal(["A", "x-FOO", "B"], headers.Keys);
        Assert.Equal("b", headers["X-Foo"]);
        Assert.Equal(3, headers.Count);
    }

    [Fact]
    public void Indexer_SetNull_KeepsTheNameAsRemovalMarker()
    {
        var headers = new HeaderMap { ["X-Foo"] = "a" };

        headers["X-Foo"] = null;

        Assert.True(headers.ContainsKey("X-Foo"));
        Assert.True(headers.TryGetValue("x-foo", out var value));
        Assert.Null(value);
    }

    [Fact]
    public void Indexer_SetNullName_ThrowsArgumentNull()
    {
        var headers = new HeaderMap();

        Assert.Throws<ArgumentNullException>(() => headers[null!] = "v");
    }

    [Fact]
    public void Indexer_GetNullName_ReturnsNull()
    {
        var headers = new HeaderMap { ["A"] = "1" };

        Assert.Null(headers[null!]);
    }

    [Fact]
    public void Add_ExistingNameAnyCase_JoinsValuesWithCommaSpaceAsResponseHeaders()
    {
        var headers = new HeaderMap();

        headers.Add("Vary", "Accept");
        headers.Add("vary", "Cookie");

        var pair = Assert.Single(headers);
        Assert.Equal("Vary", pair.Key);
        Assert.Equal("Accept, Cookie", pair.Value);
    }

    [Fact]
    public void Add_ToRemovalMarker_ReplacesTheNull()
    {
        var headers = new HeaderMap { ["X"] = null };

        headers.Add("X", "1");
        headers.Add("X", null);

        Assert.Equal("1", headers["X"]);
    }

    [Fact]
    public void TryGetValue_Missing_ReturnsFalse()
    {
        var headers = new HeaderMap { ["A"] = "1" };

        var found = headers.TryGetValue("B", out var value);

        Assert.False(found);
        Assert.Null(value);
    }

    [Fact]
    public void Remove_AnyCase_RemovesAndReportsIt()
    {
        var headers = new HeaderMap { ["A"] = "1", ["X-Foo"] = "a" };

        Assert.True(headers.Remove("x-foo"));
        Assert.False(headers.Remove("x-foo"));
        Assert.Equal(["A"], headers.Keys);
    }

    [Fact]
    public void Clear_RemovesEverything()
    {
        var headers = new HeaderMap { ["A"] = "1", ["B"] = "2" };

        headers.Clear();

        Assert.Equal(0, headers.Count);
        Assert.Empty(headers);
    }

    [Fact]
    public void Constructor_PairsWithRepeatedName_KeepsFirstPositionAndLastValue()
    {
        KeyValuePair<string, string?>[] pairs = [new("A", "1"), new("B", "2"), new("a", "3")];

        var headers = new HeaderMap(pairs);

        Assert.Equal([new("a", "3"), new("B", "2")], headers.ToArray());
    }

    [Fact]
    public void Constructor_FromHeaderMap_IsAnIndependentCopy()
    {
        var original = new HeaderMap { ["A"] = "1" };

        var copy = new HeaderMap(original);
        copy["A"] = "changed";
        copy["B"] = "2";

        Assert.Equal([new("A", "1")], original.ToArray());
        Assert.Equal([new("A", "changed"), new("B", "2")], copy.ToArray());
    }

    [Fact]
    public void Constructor_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => new HeaderMap(null!));
    }

    [Fact]
    public void Enumeration_FollowsInsertionOrder()
    {
        var headers = new HeaderMap { ["Z"] = "1", ["A"] = "2", ["M"] = "3" };

        Assert.Equal(["Z", "A", "M"], headers.Select(p => p.Key));
    }

    [Fact]
    public void Equals_SameHeadersAnyCaseAnyOrder_AsCaseInsensitiveDictEq()
    {
        var first = new HeaderMap { ["SPAM"] = "blueval", ["Eggs"] = "redval" };
        var second = new HeaderMap { ["eggs"] = "redval", ["spam"] = "blueval" };

        Assert.True(first.Equals(second));
        Assert.True(first.Equals((object)second));
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        second["eggs"] = "other";
        Assert.False(first.Equals(second));
        Assert.False(first.Equals(null));
        Assert.False(first.Equals("SPAM: blueval"));
    }

    [Fact]
    public void Copy_IsIndependent_AsCaseInsensitiveDictCopy()
    {
        var original = new HeaderMap { ["Accept"] = "application/json", ["user-Agent"] = "requests" };

        var copy = original.Copy();
        original["changed"] = "True";

        Assert.Equal(["Accept", "user-Agent"], copy.Keys);
        Assert.False(copy.Equals(original));
    }
}
