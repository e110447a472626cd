namespace Pipeline.Tests.Preparation;

// requests' merge_setting and merge_hooks (sessions.py), checked against requests 2.34.
public sealed class MergeRulesTests
{
    [Theory]
    [InlineData("request", "session", "request")]
    [InlineData(null, "session", "session")]
    [InlineData("request", null, "request")]
    [InlineData(null, null, null)]
    public void MergeSetting_Scalar_RequestValueWinsWhenSet(string? request, string? session, string? expected)
    {
        var merged = MergeRules.MergeSetting(request, session);

        Assert.Equal(expected, merged);
    }

    [Fact]
    public void MergeSetting_Params_SessionThenRequestRepeatedKeysNullDropped()
    {
        // Acceptance check 4: session {a:1} + request {b:[2,3], n:None} on ?q=0 → ?q=0&a=1&b=2&b=3.
        var session = new QueryParams { ["a"] = "1" };
        var request = new QueryParams { { "b", "2" }, { "b", "3" }, { "n", null } };

        var merged = MergeRules.MergeSetting(request, session);
        var url = UrlRules.PrepareUrl("http://h/?q=0", merged).Url;

        Assert.Equal("http://h/?q=0&a=1&b=2&b=3", url);
        Assert.False(merged.ContainsKey("n"));
    }

    [Fact]
    public void MergeSetting_ParamsSameKey_RequestReplacesSessionValueInPlace()
    {
        var session = new QueryParams { ["a"] = "1", ["z"] = "0" };
        var request = new QueryParams { ["a"] = "2" };

        var merged = MergeRules.MergeSetting(request, session);

        Assert.Equal([new("a", "2"), new("z", "0")], merged.ToArray<KeyValuePair<string, string?>>());
    }

    [Fact]
    public void MergeSetting_ParamsRepeatedInBoth_RequestValuesReplaceAllSessionValuesAtFirstPosition()
    {
        var session = new QueryParams { { "t", "s1" }, { "x", "1" }, { "t", "s2" } };
        var request = new QueryParams { { "t", "r1" }, { "t", "r2" } };

        var merged = MergeRules.MergeSetting(request, session);

        Assert.Equal("t=r1&t=r2&x=1", merged.ToString());
    }

    [Fact]
    public void MergeSetting_ParamsRequestNull_RemovesSessionKey()
    {
        var session = new QueryParams { ["a"] = "1", ["n"] = "x" };
        var request = new QueryParams { ["n"] = null };

        var merged = MergeRules.MergeSetting(request, session);

        Assert.Equal([new("a", "1")], merged.ToArray<KeyValuePair<string, string?>>());
    }

    [Fact]
    public void MergeSetting_ParamsKeyWithSomeNullValues_KeepsKeyAndEncodingDropsTheNulls()
    {
        var request = new QueryParams { { "b", "2" }, { "b", null } };

        var merged = MergeRules.MergeSetting(request, new QueryParams { ["b"] = "0" });

        Assert.Equal(["2", null], merged.GetValues("b"));
        Assert.Equal("b=2", merged.ToString());
    }

    [Fact]
    public void MergeSetting_ParamsKeysDifferingInCase_AreDistinct()
    {
        var session = new QueryParams { ["A"] = "1" };
        var request = new QueryParams { ["a"] = "2" };

        var merged = MergeRules.MergeSetting(request, session);

        Assert.Equal("A=1&a=2", merged.ToString());
    }

    [Fact]
    public void MergeSetting_ParamsBothNull_ReturnsEmpty()
    {
        var merged = MergeRules.MergeSetting((QueryParams?)null, null);

        Assert.Empty(merged);
    }

    [Fact]
    public void MergeSetting_Params_DoesNotChangeInputs()
    {
        var session = new QueryParams { ["a"] = "1", ["n"] = "x" };
        var request = new QueryParams { ["a"] = "2", ["n"] = null };

        var merged = MergeRules.MergeSetting(request, session);
        merged.Add("later", "1");

        Assert.Equal("a=1&n=x", session.ToString());
        Assert.Equal(2, request.Count);
        Assert.NotSame(request, merged);
    }

    [Fact]
    public void MergeSetting_Proxies_RequestOverridesAndAddsSessionEntries()
    {
        var session = new ProxyMap { ["http"] = "http://s:1", ["https"] = "http://s:2" };
        var request = new ProxyMap { ["HTTP"] = "http://r:1", ["all"] = "http://r:3" };

        var merged = MergeRules.MergeSetting(request, session);

        Assert.Equal("http://r:1", merged["http"]);
        Assert.Equal("http://s:2", merged["https"]);
        Assert.Equal("http://r:3", merged["all"]);
        Assert.Equal(3, merged.Count);
    }

    [Fact]
    public void MergeSetting_ProxiesRequestNull_RemovesSessionEntry_LeavingANullMarkerForTheEnvironment()
    {
        var session = new ProxyMap { ["http"] = "http://p", ["https"] = "http://q" };
        var request = new ProxyMap { ["http"] = null };

        var merged = MergeRules.MergeSetting(request, session);
        var resolved = ProxyRules.ResolveProxies(new Uri("http://h/"), merged, trustEnv: false);

        Assert.True(merged.ContainsKey("http"));
        Assert.Null(merged["http"]);
        Assert.Equal([new("https", "http://q")], resolved.ToArray<KeyValuePair<string, string?>>());
    }

    [Fact]
    public void MergeSetting_ProxiesNoRequest_ReturnsCopyOfSession()
    {
        var session = new ProxyMap { ["http"] = "http://p" };

        var merged = MergeRules.MergeSetting(null, session);
        merged["https"] = "http://q";

        Assert.Equal(1, session.Count);
        Assert.Equal(2, merged.Count);
    }

    [Fact]
    public void MergeSetting_ProxiesBothNull_ReturnsEmpty()
    {
        var merged = MergeRules.MergeSetting((ProxyMap?)null, null);

        Assert.Equal(0, merged.Count);
    }

    [Fact]
    public void MergeHooks_BothHaveHooks_RequestListReplacesSessionList()
    {
        var session = HooksWith(1);
        var request = HooksWith(1);

        var merged = MergeRules.MergeHooks(request, session);

        Assert.Same(request, merged);
        Assert.Equal(1, merged.Response.Count);
    }

    [Fact]
    public void MergeHooks_EmptyRequestList_KeepsSessionHooks()
    {
        var session = HooksWith(2);

        var merged = MergeRules.MergeHooks(new HookMap(), session);

        Assert.Same(session, merged);
    }

    [Fact]
    public void MergeHooks_NoRequestHooks_KeepsSessionHooks()
    {
        var session = HooksWith(1);

        var merged = MergeRules.MergeHooks(null, session);

        Assert.Same(session, merged);
    }

    [Fact]
    public void MergeHooks_EmptySessionList_UsesRequestHooks()
    {
        var request = HooksWith(1);

        var merged = MergeRules.MergeHooks(request, new HookMap());

        Assert.Same(request, merged);
    }

    [Fact]
    public void MergeHooks_BothMissing_ReturnsEmptyHooks()
    {
        var merged = MergeRules.MergeHooks(null, null);

        Assert.Equal(0, merged.Response.Count);
    }

    private static HookMap HooksWith(int count)
    {
        var hooks = new HookMap();
        for (var i = 0; i < count; i++)
        {
            hooks.Response.Add(_ => { });
        }

        return hooks;
    }
}
