using System.Net;

namespace Pipeline.Tests.Cookies;

// CookieJar follows requests' RequestsCookieJar dict interface, checked against requests 2.34.
public sealed class CookieJarTests
{
    [Fact]
    public void Set_NameAndValue_CreatesCookieForEveryHostAtRootPath_AsCreateCookie()
    {
        var jar = new CookieJar();

        jar.Set("k", "v");

        var cookie = Assert.Single(jar);
        Assert.Equal("k", cookie.Name);
        Assert.Equal("v", cookie.Value);
        Assert.Equal(string.Empty, cookie.Domain);
        Assert.Equal("/", cookie.Path);
    }

    [Fact]
    public void Set_SameNameDomainAndPath_ReplacesValue()
    {
        var jar = new CookieJar();

        jar.Set("k", "1");
        jar.Set("k", "2");

        Assert.Equal(1, jar.Count);
        Assert.Equal("2", jar["k"]);
    }

    [Fact]
    public void Set_SameNameOtherDomainOrPath_AddsCookie()
    {
        var jar = new CookieJar();

        jar.Set("k", "1", domain: "a.com");
        jar.Set("k", "2", domain: "b.com");
        jar.Set("k", "3", domain: "a.com", path: "/p");

        Assert.Equal(3, jar.Count);
        Assert.Equal("1", jar.Get("k", domain: "a.com", path: "/"));
        Assert.Equal("2", jar.Get("k", domain: "b.com"));
        Assert.Equal("3", jar.Get("k", path: "/p"));
    }

    [Fact]
    public void Get_DomainWithOrWithoutLeadingDot_MatchesSameCookie()
    {
        var jar = new CookieJar();
        jar.Set("k", "v", domain: ".example.com");

        Assert.Equal("v", jar.Get("k", domain: "example.com"));
        Assert.Equal("v", jar.Get("k", domain: ".EXAMPLE.com"));
        Assert.Null(jar.Get("k", domain: "other.com"));
        Assert.Null(jar.Get("missing"));
    }

    [Fact]
    public void Indexer_Set_ThenGet_RoundTrips()
    {
        var jar = new CookieJar();

        jar["k"] = "v";

        Assert.Equal("v", jar["k"]);
        Assert.Equal(string.Empty, Assert.Single(jar).Domain);
    }

    [Fact]
    public void Indexer_MissingName_ThrowsKeyNotFoundException_AsRequestsKeyError()
    {
        var jar = new CookieJar();

        var ex = Assert.Throws<KeyNotFoundException>(() => jar["zz"]);

        Assert.Equal("name='zz', domain=None, path=None", ex.Message);
    }

    [Fact]
    public void Indexer_NameInTwoDomains_ThrowsCookieConflictException_AsCookieConflictError()
    {
        var jar = new CookieJar();
        jar.Set("a", "1", domain: "h.com");
        jar.Set("a", "2", domain: ".x.com");

        var ex = Assert.Throws<CookieConflictException>(() => jar["a"]);

        Assert.Equal("There are multiple cookies with name, 'a'", ex.Message);
    }

    [Fact]
    public void Indexer_NameInTwoPaths_ThrowsCookieConflictException()
    {
        var jar = new CookieJar();
        jar.Set("a", "1", path: "/");
        jar.Set("a", "2", path: "/p");

        Assert.Throws<CookieConflictException>(() => jar["a"]);
        Assert.Equal("2", jar.Get("a", path: "/p"));
    }

    [Fact]
    public void Set_NullValue_DeletesCookie()
    {
        var jar = new CookieJar();
        jar.Set("k", "v");
        jar.Set("other", "v");

        jar.Set("k", null);

        Assert.Null(jar.Get("k"));
        Assert.Equal(1, jar.Count);
    }

    [Fact]
    public void Set_NullValueWithoutDomainOrPath_DeletesEveryCookieOfThatName_AsRemoveCookieByName()
    {
        // requests' set(name, None) calls remove_cookie_by_name with domain=None and path=None: any domain, any path.
        var jar = new CookieJar();
        jar.Store(CookieRules.ParseSetCookie("k=server", new Uri("http://h.com/"), DateTime.UtcNow)!);
        jar.Set("k", "1", domain: ".x.com", path: "/p");
        jar.Set("k", "2");
        jar.Set("keep", "3");

        jar.Set("k", null);

        Assert.Equal("keep", Assert.Single(jar).Name);
    }

    [Fact]
    public void Set_NullValueWithDomain_DeletesOnlyThatDomain()
    {
        var jar = new CookieJar();
        jar.Set("k", "1", domain: "a.com");
        jar.Set("k", "2", domain: "b.com");

        jar.Set("k", null, domain: "A.COM");

        Assert.Equal("b.com", Assert.Single(jar).Domain);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a;b")]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    [InlineData("a\r\nSet-Cookie")]
    [InlineData("a=b")]
    [InlineData("a b")]
    [InlineData("a,b")]
    [InlineData("a\tb")]
    [InlineData("$x")]
    public void Set_InvalidName_ThrowsArgumentException(string name)
    {
        var jar = new CookieJar();

        Assert.Throws<ArgumentException>(() => jar.Set(name, "v"));
        Assert.Equal(0, jar.Count);
    }

    [Theory]
    [InlineData("a;b")]
    [InlineData("a\rb")]
    [InlineData("a\nb")]
    public void Set_InvalidValue_ThrowsArgumentException(string value)
    {
        var jar = new CookieJar();

        Assert.Throws<ArgumentException>(() => jar.Set("k", value));
        Assert.Throws<ArgumentException>(() => jar["k"] = value);
        Assert.Equal(0, jar.Count);
    }

    [Fact]
    public void Remove_ByName_RemovesEveryDomainAndPath_AndReportsIt()
    {
        var jar = new CookieJar();
        jar.Set("k", "1", domain: "a.com");
        jar.Set("k", "2", path: "/p");
        jar.Set("other", "3");

        Assert.True(jar.Remove("k"));
        Assert.False(jar.Remove("k"));
        Assert.Equal("other", Assert.Single(jar).Name);
    }

    [Fact]
    public void Remove_WithDomainAndPath_RemovesOnlyThatCookie()
    {
        var jar = new CookieJar();
        jar.Set("k", "1", domain: ".a.com", path: "/p");
        jar.Set("k", "2", domain: ".a.com");

        Assert.False(jar.Remove("k", "a.com", "/q"));
        Assert.True(jar.Remove("k", "a.com", "/p"));
        Assert.Equal("2", jar["k"]);
    }

    [Fact]
    public void Clear_RemovesEverything()
    {
        var jar = new CookieJar();
        jar.Set("a", "1");
        jar.Set("b", "2", domain: "h");

        jar.Clear();

        Assert.Equal(0, jar.Count);
        Assert.Empty(jar);
    }

    [Fact]
    public void Count_And_Enumeration_ExcludeExpiredCookies()
    {
        var jar = new CookieJar();
        jar.ReplaceAll(
        [
            new CookieEntry(new Cookie("live", "1", "/", string.Empty), null),
            new CookieEntry(new Cookie("old", "2", "/", "h") { Expires = DateTime.UtcNow.AddHours(-1) }, null),
        ]);

        Assert.Equal(2, jar.Snapshot.Length);
        Assert.Equal(1, jar.Count);
        Assert.Equal("live", Assert.Single(jar).Name);
    }

    [Fact]
    public void Add_ExpiredCookie_IsNotStored()
    {
        var jar = new CookieJar();
        jar.Set("k", "v", domain: "h");

        jar.Add(new Cookie("k", "v2", "/", "h") { Expires = DateTime.UtcNow.AddMinutes(-1) });

        Assert.Empty(jar.Snapshot);
    }

    [Fact]
    public void Store_ExpiredCookie_DeletesTheStoredOne_AsRfc6265()
    {
        var jar = new CookieJar();
        var uri = new Uri("http://h/a/b");
        jar.Store(CookieRules.ParseSetCookie("k=v", uri, DateTime.UtcNow)!);
        jar.Store(CookieRules.ParseSetCookie("keep=v", uri, DateTime.UtcNow)!);

        jar.Store(CookieRules.ParseSetCookie("k=gone; Max-Age=0", uri, DateTime.UtcNow)!);

        Assert.Null(jar.Get("k"));
        Assert.Single(jar.Snapshot);
    }

    [Fact]
    public void Store_ExpiredCookieForAnotherPath_KeepsTheStoredOne()
    {
        var jar = new CookieJar();
        jar.Store(CookieRules.ParseSetCookie("k=v; Path=/a", new Uri("http://h/"), DateTime.UtcNow)!);

        jar.Store(CookieRules.ParseSetCookie("k=gone; Path=/b; Max-Age=0", new Uri("http://h/"), DateTime.UtcNow)!);

        Assert.Equal("v", jar["k"]);
    }

    [Fact]
    public void GetSameSite_ServerSetCookie_ReturnsAttribute_UserCookie_ReturnsNull()
    {
        var jar = new CookieJar();
        jar.Store(CookieRules.ParseSetCookie("s=1; SameSite=Strict", new Uri("https://h/"), DateTime.UtcNow)!);
        jar.Set("u", "2");

        var server = jar.Single(c => c.Name == "s");
        var user = jar.Single(c => c.Name == "u");

        Assert.Equal("Strict", jar.GetSameSite(server));
        Assert.Null(jar.GetSameSite(user));
        Assert.Equal("Strict", jar.GetSameSite(new Cookie("s", "other", "/", "h")));
        Assert.Null(jar.GetSameSite(new Cookie("s", "1", "/", "other")));
    }

    [Fact]
    public void Add_Cookie_IsCopied_SoLaterChangesDoNotLeakIn()
    {
        var jar = new CookieJar();
        var cookie = new Cookie("k", "v", "/", "H.com") { Secure = true };

        jar.Add(cookie);
        cookie.Value = "changed";

        var stored = Assert.Single(jar);
        Assert.Equal("v", stored.Value);
        Assert.Equal("h.com", stored.Domain);
        Assert.True(stored.Secure);
    }

    [Fact]
    public void ToString_NeverShowsValues()
    {
        var jar = new CookieJar();
        jar.Set("sid", "secret", domain: ".h.com", path: "/p");
        jar.Set("any", "secret2");

        var text = jar.ToString();

        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.Equal("<CookieJar[<Cookie sid=*** for .h.com/p>, <Cookie any=*** for */>]>", text);
    }

    [Fact]
    public async Task StoreAndSet_FromManyTasks_LoseNothing()
    {
        var jar = new CookieJar();

        // One host per task: 25 server cookies each, within the per-domain limit.
        await Parallel.ForEachAsync(Enumerable.Range(0, 32), new ParallelOptions { MaxDegreeOfParallelism = 32 }, (task, _) =>
        {
            var uri = new Uri($"http://h{task}/");
            for (var i = 0; i < 50; i++)
            {
                if (i % 2 == 0)
                {
                    jar.Set($"t{task}c{i}", "v");
                }
                else
                {
                    jar.Store(CookieRules.ParseSetCookie($"t{task}c{i}=v", uri, DateTime.UtcNow)!);
                }
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(32 * 50, jar.Count);
        Assert.Equal(32 * 50, jar.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task GetEnumerator_WhileOtherTasksWrite_DoesNotThrow()
    {
        var jar = new CookieJar();
        for (var i = 0; i < 100; i++)
        {
            jar.Set("seed" + i, "v");
        }

        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                jar.Set($"w{w}n{n % 200}", "v");
                jar.Remove($"w{w}n{(n + 100) % 200}");
                n++;
            }
        })).ToArray();

        var enumerated = 0;
        for (var round = 0; round < 200; round++)
        {
            foreach (var cookie in jar)
            {
                enumerated += cookie.Name.Length > 0 ? 1 : 0;
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(enumerated >= 200 * 100);
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
    public void Add_CookieWithSameIdentityDomainInOtherCase_ReplacesIt()
    {
        var jar = new CookieJar();
        jar.Add(new Cookie("a", "1", "/", "Example.com"));

        jar.Add(new Cookie("a", "2", "/", "example.COM"));

        Assert.Equal("2", Assert.Single(jar).Value);
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
