namespace Pipeline.Tests.Preparation;

// QueryParams is requests' params dict with list values: an ordered multimap, keys case-sensitive.
public sealed class QueryParamsTests
{
    [Fact]
    public void Add_SameKeyTwice_RepeatsTheKeyInOrder()
    {
        var parameters = new QueryParams();

        parameters.Add("b", "2");
        parameters.Add("a", "1");
        parameters.Add("b", "3");

        Assert.Equal(["2", "3"], parameters.GetValues("b"));
        Assert.Equal("b=2&a=1&b=3", parameters.ToString());
        Assert.Equal(3, parameters.Count);
    }

    [Fact]
    public void Indexer_Get_ReturnsFirstValue()
    {
        var parameters = new QueryParams { { "t", "x" }, { "t", "y" } };

        Assert.Equal("x", parameters["t"]);
    }

    [Fact]
    public void Indexer_GetMissingKey_ReturnsNull()
    {
        var parameters = new QueryParams { ["a"] = "1" };

        Assert.Null(parameters["b"]);
    }

    [Fact]
    public void Indexer_SetRepeatedKey_ReplacesAllValuesWithOneAtFirstPosition()
    {
        var parameters = new QueryParams { { "t", "x" }, { "a", "1" }, { "t", "y" } };

        parameters["t"] = "z";

        Assert.Equal("t=z&a=1", parameters.ToString());
        Assert.Equal(2, parameters.Count);
    }

    [Fact]
    public void Indexer_SetNewKey_AppendsIt()
    {
        var parameters = new QueryParams { ["a"] = "1" };

        parameters["b"] = "2";

        Assert.Equal("a=1&b=2", parameters.ToString());
    }

    [Fact]
    public void Keys_AreCaseSensitive()
    {
        var parameters = new QueryParams { ["a"] = "1", ["A"] = "2" };

        Assert.Equal("1", parameters["a"]);
        Assert.Equal("2", parameters["A"]);
        Assert.False(parameters.ContainsKey("B"));
        Assert.Equal(2, parameters.Count);
    }

    [Fact]
    public void NullValue_IsStoredButDroppedWhenEncoded()
    {
        var parameters = new QueryParams { ["n"] = null, ["a"] = "1" };

        Assert.True(parameters.ContainsKey("n"));
        Assert.Equal([null], parameters.GetValues("n"));
        Assert.Equal("a=1", parameters.ToString());
    }

    [Fact]
    public void GetValues_MissingKey_IsEmpty()
    {
        var parameters = new QueryParams { ["a"] = "1" };

        Assert.Empty(parameters.GetValues("b"));
    }

    [Fact]
    public void Remove_RepeatedKey_RemovesEveryValue()
    {
        var parameters = new QueryParams { { "t", "x" }, { "a", "1" }, { "t", "y" } };

        Assert.True(parameters.Remove("t"));
        Assert.False(parameters.Remove("t"));
        Assert.Equal("a=1", parameters.ToString());
    }

    [Fact]
    public void Clear_RemovesEverything()
    {
        var parameters = new QueryParams { ["a"] = "1" };

        parameters.Clear();

        Assert.Equal(0, parameters.Count);
        Assert.Equal(string.Empty, parameters.ToString());
    }

    [Fact]
    public void Constructor_Pairs_KeepsRepeatedKeysAndIsACopy()
    {
        var pairs = new List<KeyValuePair<string, string?>> { new("a", "1"), new("a", "2") };

        var parameters = new QueryParams(pairs);
        pairs.Add(new("b", "3"));

        Assert.Equal("a=1&a=2", parameters.ToString());
    }

    [Fact]
    public void Constructor_PairWithNullKey_ThrowsArgumentNull()
    {
        KeyValuePair<string, string?>[] pairs = [new(null!, "1")];

        Assert.Throws<ArgumentNullException>(() => new QueryParams(pairs));
    }

    [Fact]
    public void Add_NullKey_ThrowsArgumentNull()
    {
        var parameters = new QueryParams();

        Assert.Throws<ArgumentNullException>(() => parameters.Add(null!, "1"));
    }

    [Fact]
    public void ToString_EncodesAsUrlencode()
    {
        var parameters = new QueryParams { ["q"] = "a b", ["k"] = "ü&" };

        Assert.Equal("q=a+b&k=%C3%BC%26", parameters.ToString());
    }
}
