namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestCaseInsensitiveDict</c> (tests/test_requests.py), against <see cref="HeaderMap"/>.</summary>
public sealed class TestCaseInsensitiveDict
{
    public static TheoryData<HeaderMap> InitCases => new()
    {
        new HeaderMap { ["Foo"] = "foo", ["BAr"] = "bar" },
        new HeaderMap([new("Foo", "foo"), new("BAr", "bar")]),
    };

    [Theory]
    [MemberData(nameof(InitCases))]
    public void test_init(HeaderMap cid)
    {
        Assert.Equal(2, cid.Count);
        Assert.True(cid.ContainsKey("foo"));
        Assert.True(cid.ContainsKey("bar"));
    }

    [Fact]
    public void test_docstring_example()
    {
        var cid = new HeaderMap();
        cid["Accept"] = "application/json";

        Assert.Equal("application/json", cid["aCCEPT"]);
        Assert.Equal(["Accept"], cid.Keys);
    }

    [Fact]
    public void test_len()
    {
        var cid = new HeaderMap { ["a"] = "a", ["b"] = "b" };
        cid["A"] = "a";

        Assert.Equal(2, cid.Count);
    }

    [Fact]
    public void test_getitem()
    {
        var cid = new HeaderMap { ["Spam"] = "blueval" };

        Assert.Equal("blueval", cid["spam"]);
        Assert.Equal("blueval", cid["SPAM"]);
    }

    [Fact]
    public void test_fixes_649()
    {
        // The indexer's setter behaves case-insensitively.
        var cid = new HeaderMap();
        cid["spam"] = "oneval";
        cid["Spam"] = "twoval";
        cid["sPAM"] = "redval";
        cid["SPAM"] = "blueval";

        Assert.Equal("blueval", cid["spam"]);
        Assert.Equal("blueval", cid["SPAM"]);
        Assert.Equal(["SPAM"], cid.Keys);
    }

    [Fact]
    public void test_delitem()
    {
        var cid = new HeaderMap();
        cid["Spam"] = "someval";

        cid.Remove("sPam");

        Assert.False(cid.ContainsKey("spam"));
        Assert.Equal(0, cid.Count);
    }

    [Fact]
    public void test_contains()
    {
        var cid = new HeaderMap();
        cid["Spam"] = "someval";

        Assert.True(cid.ContainsKey("Spam"));
        Assert.True(cid.ContainsKey("spam"));
        Assert.True(cid.ContainsKey("SPAM"));
        Assert.True(cid.ContainsKey("sPam"));
        Assert.False(cid.ContainsKey("notspam"));
    }

    [Fact]
    public void test_get()
    {
        var cid = new HeaderMap();
        cid["spam"] = "oneval";
        cid["SPAM"] = "blueval";

        Assert.Equal("blueval", cid["spam"]);
        Assert.Equal("blueval", cid["SPAM"]);
        Assert.Equal("blueval", cid["sPam"]);
        Assert.Equal("default", cid["notspam"] ?? "default");
    }

    [Fact]
    public void test_update()
    {
        var cid = new HeaderMap();
        cid["spam"] = "blueval";
        Update(cid, new() { ["sPam"] = "notblueval" });
        Assert.Equal("notblueval", cid["spam"]);

        cid = new HeaderMap { ["Foo"] = "foo", ["BAr"] = "bar" };
        Update(cid, new() { ["fOO"] = "anotherfoo", ["bAR"] = "anotherbar" });
        Assert.Equal(2, cid.Count);
        Assert.Equal("anotherfoo", cid["foo"]);
        Assert.Equal("anotherbar", cid["bar"]);
    }

    [Fact]
    public void test_update_retains_unchanged()
    {
        var cid = new HeaderMap { ["foo"] = "foo", ["bar"] = "bar" };

        Update(cid, new() { ["foo"] = "newfoo" });

        Assert.Equal("bar", cid["bar"]);
    }

    [Fact]
    public void test_iter()
    {
        var cid = new HeaderMap { ["Spam"] = "spam", ["Eggs"] = "eggs" };
        string[] keys = ["Spam", "Eggs"];

        Assert.Equal(keys.ToHashSet(), cid.Select(p => p.Key).ToHashSet());
    }

    [Fact]
    public void test_equality()
    {
        var cid = new HeaderMap { ["SPAM"] = "blueval", ["Eggs"] = "redval" };
        var othercid = new HeaderMap { ["spam"] = "blueval", ["eggs"] = "redval" };

        Assert.Equal(cid, othercid);
        othercid.Remove("spam");
        Assert.NotEqual(cid, othercid);
        // A plain dictionary compares once it is a HeaderMap: C#'s Equals is not symmetric across types.
        Assert.Equal(cid, new HeaderMap(new Dictionary<string, string?> { ["spam"] = "blueval", ["eggs"] = "redval" }));
        Assert.False(cid.Equals(new object()));
    }

    [Fact]
    public void test_preserve_key_case()
    {
        var cid = new HeaderMap { ["Accept"] = "application/json", ["user-Agent"] = "requests" };
        string[] keyset = ["Accept", "user-Agent"];

        Assert.Equal(keyset.ToHashSet(), cid.Select(i => i.Key).ToHashSet());
        Assert.Equal(keyset.ToHashSet(), cid.Keys.ToHashSet());
    }

    [Fact]
    public void test_preserve_last_key_case()
    {
        var cid = new HeaderMap { ["Accept"] = "application/json", ["user-Agent"] = "requests" };

        Update(cid, new() { ["ACCEPT"] = "application/json" });
        cid["USER-AGENT"] = "requests";

        string[] keyset = ["ACCEPT", "USER-AGENT"];
        Assert.Equal(keyset.ToHashSet(), cid.Select(i => i.Key).ToHashSet());
        Assert.Equal(keyset.ToHashSet(), cid.Keys.ToHashSet());
    }

    [Fact]
    public void test_copy()
    {
        var cid = new HeaderMap { ["Accept"] = "application/json", ["user-Agent"] = "requests" };

        var cidCopy = cid.Copy();
        Assert.Equal(cid, cidCopy);
        cid["changed"] = "True";
        Assert.NotEqual(cid, cidCopy);
    }

    // requests' dict.update: each pair is set through the case-insensitive setter.
    private static void Update(HeaderMap cid, HeaderMap other)
    {
        foreach (var (key, value) in other)
        {
            cid[key] = value;
        }
    }
}
