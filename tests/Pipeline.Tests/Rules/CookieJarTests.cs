using System.Net;

namespace Pipeline.Tests.Rules;

// CookieJar follows requests' RequestsCookieJar dict interface, checked against requests 2.34.
public sealed class CookieJarTests
{
    [Fact]
    public void Set_NoDomainOrPath_StoresEmptyDomainAndRootPathForEveryHost()
    {
        var jar = new CookieJar();

        jar.Set("sc", "s");

        var cookie = Assert.Single(jar);
        Assert.Equal(string.Empty, cookie.Domain);
        Assert.Equal("/", cookie.Path);
        Assert.Equal("s", jar["sc"]);
    }

    [Fact]
    public void Set_SameNameDomainAndPath_ReplacesTheValue()
    {
        var jar = new CookieJar();

        jar.Set("a", "1");
        jar.Set("a", "3");

        Assert.Equal(1, jar.Count);
        Assert.Equal("3", jar["a"]);
    }

    [Fact]
    public void Set_SameNameOtherPath_KeepsBoth()
    {
        var jar = new CookieJar();

        jar.Set("b", "1");
        jar.Set("b", "1", path: "/p");

        Assert.Equal(2, jar.Count);
    }

    [Fact]
    public void Set_NullValue_RemovesTheNameInEveryDomainAndPath()
    {
        // requests' set(name, None) calls remove_cookie_by_name with domain and path None, which match everything.
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("a", "2", domain: "x.com");
        jar.Set("a", "3", path: "/p");
        jar.Set("keep", "k");

        jar.Set("a", null);

        Assert.Equal(["keep"], jar.Select(c => c.Name));
    }

    [Fact]
    public void Set_NullValueWithPath_RemovesOnlyThatPath()
    {
        var jar = new CookieJar();
        jar.Set("b", "1");
        jar.Set("b", "1", path: "/p");

        jar.Set("b", null, path: "/p");

        var cookie = Assert.Single(jar);
        Assert.Equal("/", cookie.Path);
    }

    [Fact]
    public void Set_NullValueWithDomain_RemovesOnlyThatDomain()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("a", "2", domain: "x.com");

        jar.Set("a", null, domain: "X.COM");

        Assert.Equal("1", jar["a"]);
        Assert.Equal(1, jar.Count);
    }

    [Fact]
    public void IndexerSet_StoresLikeSet()
    {
        var jar = new CookieJar();

        jar["k"] = "v";

        Assert.Equal("v", jar.Get("k", domain: string.Empty, path: "/"));
    }

    [Fact]
    public void Indexer_NameInTwoDomains_ThrowsCookieConflictWithRequestsWording()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("a", "2", domain: "x.com");

        var exception = Assert.Throws<CookieConflictException>(() => jar["a"]);

        Assert.Equal("There are multiple cookies with name, 'a'", exception.Message);
    }

    [Fact]
    public void Get_NameInTwoDomainsWithoutNarrowing_ThrowsCookieConflict()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("a", "2", domain: "x.com");

        Assert.Throws<CookieConflictException>(() => jar.Get("a"));
    }

    [Fact]
    public void Get_NarrowedByDomainOrPath_ReturnsThatCookie()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("a", "2", domain: "x.com");
        jar.Set("a", "3", domain: "x.com", path: "/p");

        Assert.Equal("1", jar.Get("a", domain: string.Empty));
        Assert.Equal("2", jar.Get("a", domain: "X.com", path: "/"));
        Assert.Equal("3", jar.Get("a", path: "/p"));
    }

    [Fact]
    public void Get_Missing_ReturnsNull()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");

        Assert.Null(jar.Get("zz"));
        Assert.Null(jar.Get("a", domain: "other.com"));
    }

    [Fact]
    public void Indexer_Missing_ThrowsKeyNotFound()
    {
        var jar = new CookieJar();

        Assert.Throws<KeyNotFoundException>(() => jar["missing"]);
    }

    [Fact]
    public void Add_CookieWithSameIdentityDomainInOtherCase_ReplacesIt()
    {
        var jar = new CookieJar();
        jar.Add(new Cookie("a", "1", "/", "Example.com"));

        jar.Add(new Cookie("a", "2", "/", "example.COM"));

        Assert.Equal("2", Assert.Single(jar).Value);
    }

    [Fact]
    public void Remove_ByName_RemovesEveryMatchAndReportsIt()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("a", "2", domain: "x.com");
        jar.Set("b", "3");

        Assert.True(jar.Remove("a"));
        Assert.False(jar.Remove("a"));
        Assert.Equal(["b"], jar.Select(c => c.Name));
    }

    [Fact]
    public void Remove_NarrowedByDomain_LeavesOtherDomains()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("a", "2", domain: "x.com");

        var removed = jar.Remove("a", domain: "x.com");

        Assert.True(removed);
        Assert.Equal("1", jar["a"]);
    }

    [Fact]
    public void Clear_RemovesEverything()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("b", "2", domain: "x.com");

        jar.Clear();

        Assert.Equal(0, jar.Count);
        Assert.Empty(jar);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a;b")]
    [InlineData("a=b")]
    [InlineData("a\r\nSet-Cookie")]
    [InlineData("a b")]
    [InlineData("a,b")]
    public void Set_InvalidName_ThrowsArgument(string name)
    {
        var jar = new CookieJar();

        Assert.ThrowsAny<ArgumentException>(() => jar.Set(name, "v"));
    }

    [Theory]
    [InlineData("a;b")]
    [InlineData("a\r\nb")]
    [InlineData("a\nb")]
    public void Set_InvalidValue_ThrowsArgument(string value)
    {
        var jar = new CookieJar();

        Assert.Throws<ArgumentException>(() => jar.Set("n", value));
    }

    [Fact]
    public void Enumeration_WhileWriting_SeesASnapshotAndDoesNotThrow()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("b", "2");

        var seen = new List<string>();
        foreach (var cookie in jar)
        {
            seen.Add(cookie.Name);
            jar.Set("c" + seen.Count, "x");
            jar.Remove("b");
        }

        Assert.Equal(["a", "b"], seen);
        Assert.Equal(["a", "c1", "c2"], jar.Select(c => c.Name));
    }

    [Fact]
    public async Task Set_FromManyThreads_KeepsEveryCookie()
    {
        var jar = new CookieJar();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 250; i++)
            {
                jar.Set($"c{t}_{i}", i.ToString());
                _ = jar.Count;
                _ = jar.Get($"c{t}_{i}");
            }
        })));

        Assert.Equal(2000, jar.Count);
        Assert.Equal(2000, jar.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task SetAndRemove_SameNameFromManyThreads_LeavesAtMostOneCookie()
    {
        var jar = new CookieJar();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                jar.Set("shared", $"{t}:{i}");
                if (i % 3 == 0)
                {
                    jar.Remove("shared");
                }

                foreach (var cookie in jar)
                {
                    Assert.Equal("shared", cookie.Name);
                }
            }
        })));

        Assert.True(jar.Count <= 1);
    }
}
