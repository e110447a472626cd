namespace Pipeline.RequestsSuite.TestStructures;

/// <summary>requests' tests/test_structures.py <c>TestCaseInsensitiveDict</c>: requests' CaseInsensitiveDict is Pipeline's <see cref="HeaderMap"/>.</summary>
public sealed class TestCaseInsensitiveDict
{
    /// <summary>CaseInsensitiveDict instance with "Accept" header.</summary>
    private readonly HeaderMap _caseInsensitiveDict = new() { ["Accept"] = "application/json" };

    public static TheoryData<string> PossibleKeys => new("accept", "ACCEPT", "aCcEpT", "Accept");

    [Fact]
    public void test_list()
    {
        Assert.Equal(["Accept"], _caseInsensitiveDict.Keys);
    }

    [Theory]
    [MemberData(nameof(PossibleKeys))]
    public void test_getitem(string key)
    {
        Assert.Equal("application/json", _caseInsensitiveDict[key]);
    }

    [Theory]
    [MemberData(nameof(PossibleKeys))]
    public void test_delitem(string key)
    {
        _caseInsensitiveDict.Remove(key);

        Assert.False(_caseInsensitiveDict.ContainsKey(key));
    }

    [Fact]
    public void test_copy()
    {
        // requests' copy() is the copy constructor; a copy holds the same items in the same order.
        var copy = new HeaderMap(_caseInsensitiveDict);

        Assert.NotSame(_caseInsensitiveDict, copy);
        Assert.Equal(_caseInsensitiveDict, copy);
    }

    [Theory]
    [InlineData("{'AccePT': 'application/json'}", true)]
    [InlineData("{}", false)]
    [InlineData("None", false)]
    public void test_instance_equality(string other, bool result)
    {
        // Python's == is Equals: requests' CaseInsensitiveDict equals any mapping with the same items, names compared case-insensitively.
        var map = other switch
        {
            "None" => null,
            "{}" => new HeaderMap(),
            _ => new HeaderMap { ["AccePT"] = "application/json" },
        };

        Assert.Equal(result, _caseInsensitiveDict.Equals(map));
    }
}
