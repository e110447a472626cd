using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Caching;

/// <summary>The cache stage through a whole session (both pipelines), against a loopback origin that counts requests.</summary>
public sealed class CacheStageTests
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_MaxAge_SecondRequestServedFromCache_Rfc9111Section3And4(string kind)
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("hello", ("Cache-Control", "max-age=60")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var handle = TestSessions.Create(kind, s => s.Cache = cache);

        using var first = await handle.Session.GetAsync(origin.Url("/a"));
        using var second = await handle.Session.GetAsync(origin.Url("/a"));

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal("hello", second.Text);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, origin.Count);
    }

    [Fact]
    public async Task Get_FromCache_CarriesAgeHeader_Rfc9111Section5_1()
    {
        var clock = CacheTesting.Clock();
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "max-age=600"), ("Age", "5")));
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/age"));

        clock.Advance(TimeSpan.FromSeconds(100));
        using var second = await session.GetAsync(origin.Url("/age"));

        Assert.True(second.FromCache);
        var age = int.Parse(second.Headers["Age"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(age, 105, 107);
    }

    [Theory]
    [InlineData("no-store")]
    [InlineData("max-age=60, no-store")]
    public async Task Get_ResponseNoStore_NotStored_Rfc9111Section5_2_2_5(string cacheControl)
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", cacheControl)));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };

        using var first = await session.GetAsync(origin.Url("/ns"));
        using var second = await session.GetAsync(origin.Url("/ns"));

        Assert.False(second.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_RequestNoStore_NotStored_Rfc9111Section5_2_1_5()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "max-age=60")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };

        using var first = await session.GetAsync(origin.Url("/rns"), new() { Headers = new() { ["Cache-Control"] = "no-store" } });
        using var second = await session.GetAsync(origin.Url("/rns"));

        Assert.False(second.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_Private_StoredByPrivateCacheOnly_Rfc9111Section5_2_2_7()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("mine", ("Cache-Control", "private, max-age=60")));
        using var privateCache = CacheTesting.Private(CacheTesting.Clock());
        using var sharedCache = CacheTesting.Shared(CacheTesting.Clock());
        using var a = new Session { Cache = privateCache };
        using var b = new Session { Cache = sharedCache };

        using var privateFirst = await a.GetAsync(origin.Url("/p"));
        using var privateSecond = await a.GetAsync(origin.Url("/p"));
        using var sharedFirst = await b.GetAsync(origin.Url("/p"));
        using var sharedSecond = await b.GetAsync(origin.Url("/p"));

        Assert.True(privateSecond.FromCache);
        Assert.False(sharedSecond.FromCache);
        Assert.Equal(3, origin.Count);
    }

    [Theory]
    [InlineData("max-age=60", false)]
    [InlineData("public, max-age=60", true)]
    [InlineData("s-maxage=60", true)]
    [InlineData("max-age=60, must-revalidate", true)]
    public async Task Get_SharedCacheWithAuthorization_StoredOnlyWhenAllowed_Rfc9111Section3_5(string cacheControl, bool stored)
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("secret", ("Cache-Control", cacheControl)));
        using var cache = CacheTesting.Shared(CacheTesting.Clock());
        using var alice = new Session { Cache = cache, Auth = new BearerAuth("alice-token") };
        using var bob = new Session { Cache = cache, Auth = new BearerAuth("bob-token") };

        using var first = await alice.GetAsync(origin.Url("/auth"));
        using var second = await bob.GetAsync(origin.Url("/auth"));

        Assert.Equal(stored, second.FromCache);
        Assert.Equal(stored ? 1 : 2, origin.Count);
    }

    [Fact]
    public async Task Get_PrivateCacheWithAuthorization_Stored_Rfc9111Section3_5()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("mine", ("Cache-Control", "max-age=60")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache, Auth = ("user", "pass") };

        using var first = await session.GetAsync(origin.Url("/auth"));
        using var second = await session.GetAsync(origin.Url("/auth"));

        Assert.True(second.FromCache);
    }

    [Theory]
    [InlineData(206, false)]
    [InlineData(500, false)]
    [InlineData(404, true)]
    [InlineData(410, true)]
    public async Task Get_StatusWithLastModifiedOnly_StoredWhenHeuristicallyCacheable_Rfc9111Section4_2_2(int status, bool stored)
    {
        var lastModified = DateTimeOffset.UtcNow.AddDays(-10).ToString("r");
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.LastModified = lastModified;
            await context.Response.WriteAsync("body");
        });
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };

        using var first = await session.GetAsync(origin.Url("/s"));
        using var second = await session.GetAsync(origin.Url("/s"));

        Assert.Equal(stored, second.FromCache);
    }

    [Fact]
    public async Task Get_HeuristicFreshness_TenPercentOfLastModifiedAge_Rfc9111Section4_2_2()
    {
        var clock = CacheTesting.Clock();
        var lastModified = clock.GetUtcNow().AddHours(-10).ToString("r");
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("h", ("Last-Modified", lastModified)));
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/h"));

        clock.Advance(TimeSpan.FromMinutes(55));
        using var withinTenPercent = await session.GetAsync(origin.Url("/h"));
        clock.Advance(TimeSpan.FromMinutes(10));
        using var beyond = await session.GetAsync(origin.Url("/h"));

        Assert.True(withinTenPercent.FromCache);
        Assert.Equal("If-Modified-Since", origin.Requests.Last().Headers.ContainsKey("If-Modified-Since") ? "If-Modified-Since" : "none");
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_ExpiresAndDate_FreshUntilExpires_Rfc9111Section4_2_1()
    {
        var clock = CacheTesting.Clock();
        var date = clock.GetUtcNow();
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("e", ("Date", date.ToString("r")), ("Expires", date.AddMinutes(5).ToString("r"))));
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/e"));

        clock.Advance(TimeSpan.FromMinutes(4));
        using var fresh = await session.GetAsync(origin.Url("/e"));
        clock.Advance(TimeSpan.FromMinutes(2));
        using var stale = await session.GetAsync(origin.Url("/e"));

        Assert.True(fresh.FromCache);
        Assert.False(stale.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_SMaxAge_AppliesToSharedCacheOnly_Rfc9111Section5_2_2_10()
    {
        var clock = CacheTesting.Clock();
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("s", ("Cache-Control", "max-age=10, s-maxage=600")));
        using var privateCache = CacheTesting.Private(clock);
        using var sharedCache = CacheTesting.Shared(clock);
        using var a = new Session { Cache = privateCache };
        using var b = new Session { Cache = sharedCache };
        using var a1 = await a.GetAsync(origin.Url("/sm"));
        using var b1 = await b.GetAsync(origin.Url("/sm"));

        clock.Advance(TimeSpan.FromSeconds(60));
        using var a2 = await a.GetAsync(origin.Url("/sm"));
        using var b2 = await b.GetAsync(origin.Url("/sm"));

        Assert.False(a2.FromCache);
        Assert.True(b2.FromCache);
    }

    [Fact]
    public async Task Get_Vary_VariantsKeptSideBySide_Rfc9111Section4_1()
    {
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "max-age=60";
            context.Response.Headers.Vary = "Accept-Language";
            await context.Response.WriteAsync("lang=" + context.Request.Headers.AcceptLanguage);
        });
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };
        RequestOptions Lang(string lang) => new() { Headers = new() { ["Accept-Language"] = lang } };

        using var en1 = await session.GetAsync(origin.Url("/v"), Lang("en"));
        using var fr1 = await session.GetAsync(origin.Url("/v"), Lang("fr"));
        using var en2 = await session.GetAsync(origin.Url("/v"), Lang("en"));
        using var fr2 = await session.GetAsync(origin.Url("/v"), Lang("fr"));

        Assert.Equal("lang=en", en2.Text);
        Assert.Equal("lang=fr", fr2.Text);
        Assert.True(en2.FromCache);
        Assert.True(fr2.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_VaryStar_NeverServedFromCache_Rfc9111Section4_1()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "max-age=60"), ("Vary", "*")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };

        using var first = await session.GetAsync(origin.Url("/star"));
        using var second = await session.GetAsync(origin.Url("/star"));

        Assert.False(second.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_KeyIsMethodAndUrl_NotTheSessionName_Rfc9111Section2()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "max-age=60")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var one = TestSessions.Create(TestSessions.DependencyInjection, s => s.Cache = cache);
        using var other = TestSessions.Create(TestSessions.Standalone, s => s.Cache = cache);

        using var first = await one.Session.GetAsync(origin.Url("/k"));
        using var second = await other.Session.GetAsync(origin.Url("/k"));
        using var head = await other.Session.HeadAsync(origin.Url("/k"));

        Assert.True(second.FromCache);
        Assert.False(head.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Theory]
    [InlineData("no-cache")]
    [InlineData("max-age=0")]
    public async Task Get_RequestDirective_RevalidatesFreshEntry_Rfc9111Section5_2_1(string directive)
    {
        var clock = CacheTesting.Clock();
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "max-age=600"), ("ETag", "\"v1\"")));
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/nc"));
        clock.Advance(TimeSpan.FromSeconds(2));

        using var fromHeader = await session.GetAsync(origin.Url("/nc"), new() { Headers = new() { ["Cache-Control"] = directive } });
        using var fromOptions = await session.GetAsync(origin.Url("/nc"), new() { CacheControl = CacheControlHeaderValue.Parse(directive) });

        Assert.Equal(3, origin.Count);
        Assert.Equal("\"v1\"", origin.Requests.Last().Headers["If-None-Match"].ToString());
    }

    [Fact]
    public async Task Get_PragmaNoCacheWithoutCacheControl_Revalidates_Rfc9111Section5_4()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "max-age=600")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/pragma"));

        using var second = await session.GetAsync(origin.Url("/pragma"), new() { Headers = new() { ["Pragma"] = "no-cache" } });

        Assert.False(second.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_MaxStaleAndMinFresh_Rfc9111Section5_2_1_2And5_2_1_3()
    {
        var clock = CacheTesting.Clock();
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "max-age=60")));
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/ms"));

        clock.Advance(TimeSpan.FromSeconds(50));
        using var notFreshEnough = await session.GetAsync(origin.Url("/ms"), new() { CacheControl = new() { MinFresh = TimeSpan.FromSeconds(30) } });
        clock.Advance(TimeSpan.FromSeconds(100));
        using var staleAccepted = await session.GetAsync(origin.Url("/ms"), new() { Headers = new() { ["Cache-Control"] = "max-stale=300" } });
        using var staleRefused = await session.GetAsync(origin.Url("/ms"), new() { Headers = new() { ["Cache-Control"] = "max-stale=10" } });

        Assert.False(notFreshEnough.FromCache);
        Assert.True(staleAccepted.FromCache);
        Assert.False(staleRefused.FromCache);
        Assert.Equal(3, origin.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Get_OnlyIfCached_NothingStored_Is504Response_Rfc9111Section5_2_1_7(bool fromOptions)
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "max-age=60")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };
        var options = fromOptions
            ? new RequestOptions { CacheMode = CacheMode.OnlyIfCached }
            : new RequestOptions { Headers = new() { ["Cache-Control"] = "only-if-cached" } };

        using var missing = await session.GetAsync(origin.Url("/oic"), options);
        using var stored = await session.GetAsync(origin.Url("/oic"));
        using var hit = await session.GetAsync(origin.Url("/oic"), options);

        Assert.Equal(HttpStatusCode.GatewayTimeout, missing.StatusCode);
        Assert.False(missing.FromCache);
        Assert.True(hit.FromCache);
        Assert.Equal(1, origin.Count);
    }

    [Fact]
    public async Task Get_StaleWithETag_RevalidatedBy304_StoredResponseServedWithFreshenedHeaders_Rfc9111Section4_3_4()
    {
        var clock = CacheTesting.Clock();
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            // The Date of the fake clock, so the freshened response's age is what the test says.
            context.Response.Headers.Date = clock.GetUtcNow().ToString("r");
            if (context.Request.Headers.IfNoneMatch == "\"v1\"")
            {
                context.Response.StatusCode = 304;
                context.Response.Headers.CacheControl = "max-age=120";
                context.Response.Headers["X-Revalidated"] = "yes";
                return;
            }

            context.Response.Headers.CacheControl = "max-age=60";
            context.Response.Headers.ETag = "\"v1\"";
            context.Response.Headers["X-Revalidated"] = "no";
            await context.Response.WriteAsync("original body");
        });
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/etag"));

        clock.Advance(TimeSpan.FromSeconds(90));
        using var revalidated = await session.GetAsync(origin.Url("/etag"));
        clock.Advance(TimeSpan.FromSeconds(60));
        using var freshAgain = await session.GetAsync(origin.Url("/etag"));

        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
        Assert.True(revalidated.FromCache);
        Assert.Equal("original body", revalidated.Text);
        Assert.Equal("yes", revalidated.Headers["X-Revalidated"]);
        Assert.Equal("max-age=120", revalidated.Headers["Cache-Control"]);
        Assert.NotNull(revalidated.Headers["Age"]);
        Assert.True(freshAgain.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_StaleWithLastModified_SendsIfModifiedSince_Rfc9111Section4_3_1()
    {
        var clock = CacheTesting.Clock();
        var lastModified = clock.GetUtcNow().AddDays(-1).ToString("r");
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "max-age=1";
            context.Response.Headers.LastModified = lastModified;
            if (context.Request.Headers.IfModifiedSince == lastModified)
            {
                context.Response.StatusCode = 304;
                return;
            }

            await context.Response.WriteAsync("lm");
        });
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/lm"));

        clock.Advance(TimeSpan.FromSeconds(10));
        using var second = await session.GetAsync(origin.Url("/lm"));

        Assert.True(second.FromCache);
        Assert.Equal("lm", second.Text);
        Assert.Equal(lastModified, origin.Requests.Last().Headers["If-Modified-Since"].ToString());
    }

    [Fact]
    public async Task Get_ResponseNoCache_AlwaysRevalidated_Rfc9111Section5_2_2_4()
    {
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "no-cache, max-age=600";
            context.Response.Headers.ETag = "\"n\"";
            if (context.Request.Headers.IfNoneMatch == "\"n\"")
            {
                context.Response.StatusCode = 304;
                return;
            }

            await context.Response.WriteAsync("n");
        });
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };

        using var first = await session.GetAsync(origin.Url("/rnc"));
        using var second = await session.GetAsync(origin.Url("/rnc"));

        Assert.True(second.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_MustRevalidate_MaxStaleIgnored_Rfc9111Section5_2_2_2()
    {
        var clock = CacheTesting.Clock();
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "max-age=10, must-revalidate")));
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/mr"));

        clock.Advance(TimeSpan.FromSeconds(30));
        using var second = await session.GetAsync(origin.Url("/mr"), new() { Headers = new() { ["Cache-Control"] = "max-stale" } });

        Assert.False(second.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task UnsafeMethod_Success_InvalidatesTargetAndSameOriginLocation_Rfc9111Section4_4(string method)
    {
        string? otherOrigin = null;
        await using var other = await CacheOrigin.StartAsync(CacheOrigin.Answer("other", ("Cache-Control", "max-age=600")));
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            if (context.Request.Method != "GET")
            {
                context.Response.StatusCode = 201;
                context.Response.Headers.Location = "/created";
                context.Response.Headers.ContentLocation = otherOrigin + "/elsewhere";
                return;
            }

            context.Response.Headers.CacheControl = "max-age=600";
            await context.Response.WriteAsync("get");
        });
        otherOrigin = other.BaseUrl;
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };
        foreach (var url in new[] { origin.Url("/item"), origin.Url("/created"), other.Url("/elsewhere") })
        {
            using var warm = await session.GetAsync(url);
        }

        using var change = await session.RequestAsync(method, origin.Url("/item"));
        using var item = await session.GetAsync(origin.Url("/item"));
        using var created = await session.GetAsync(origin.Url("/created"));
        using var elsewhere = await session.GetAsync(other.Url("/elsewhere"));

        Assert.False(item.FromCache);
        Assert.False(created.FromCache);
        Assert.True(elsewhere.FromCache);
    }

    [Fact]
    public async Task UnsafeMethod_Error_DoesNotInvalidate_Rfc9111Section4_4()
    {
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            if (context.Request.Method == "POST")
            {
                context.Response.StatusCode = 500;
                return;
            }

            context.Response.Headers.CacheControl = "max-age=600";
            await context.Response.WriteAsync("get");
        });
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };
        using var warm = await session.GetAsync(origin.Url("/item"));

        using var failed = await session.PostAsync(origin.Url("/item"));
        using var item = await session.GetAsync(origin.Url("/item"));

        Assert.True(item.FromCache);
    }

    [Fact]
    public async Task Get_StaleIfError_ServerError_ServesStale_Rfc5861Section4()
    {
        var clock = CacheTesting.Clock();
        var fail = false;
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            if (fail)
            {
                context.Response.StatusCode = 503;
                return;
            }

            context.Response.Headers.CacheControl = "max-age=10, stale-if-error=300";
            await context.Response.WriteAsync("good");
        });
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/sie"));
        fail = true;

        clock.Advance(TimeSpan.FromSeconds(60));
        using var withinWindow = await session.GetAsync(origin.Url("/sie"));
        clock.Advance(TimeSpan.FromSeconds(600));
        using var beyondWindow = await session.GetAsync(origin.Url("/sie"));

        Assert.True(withinWindow.FromCache);
        Assert.Equal("good", withinWindow.Text);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, beyondWindow.StatusCode);
        Assert.False(beyondWindow.FromCache);
    }

    [Fact]
    public async Task Get_StaleIfError_ConnectionFailure_ServesStale_Rfc5861Section4()
    {
        var clock = CacheTesting.Clock();
        var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("good", ("Cache-Control", "max-age=10, stale-if-error=300")));
        var url = origin.Url("/down");
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using (await session.GetAsync(url))
        {
        }

        await origin.DisposeAsync();
        clock.Advance(TimeSpan.FromSeconds(60));
        using var stale = await session.GetAsync(url);

        Assert.True(stale.FromCache);
        Assert.Equal("good", stale.Text);
    }

    [Fact]
    public async Task Get_StaleIfError_ConnectionFailureWithoutDirective_Throws()
    {
        var clock = CacheTesting.Clock();
        var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("good", ("Cache-Control", "max-age=10"), ("ETag", "\"e\"")));
        var url = origin.Url("/down");
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using (await session.GetAsync(url))
        {
        }

        await origin.DisposeAsync();
        clock.Advance(TimeSpan.FromSeconds(60));

        await Assert.ThrowsAsync<ConnectionException>(() => session.GetAsync(url));
    }

    [Fact]
    public async Task Get_StaleWhileRevalidate_ServesStaleAtOnceAndRefreshesInBackground_Rfc5861Section3()
    {
        var clock = CacheTesting.Clock();
        var version = 0;
        var release = new TaskCompletionSource();
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            var current = Interlocked.Increment(ref version);
            if (current > 1)
            {
                // The background refresh waits here; the caller must not.
                await release.Task;
            }

            context.Response.Headers.CacheControl = "max-age=10, stale-while-revalidate=600";
            await context.Response.WriteAsync("v" + current);
        });
        using var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using var first = await session.GetAsync(origin.Url("/swr"));

        clock.Advance(TimeSpan.FromSeconds(30));
        using var stale = await session.GetAsync(origin.Url("/swr")).WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();
        await cache.WhenRefreshesDoneAsync();
        using var refreshed = await session.GetAsync(origin.Url("/swr"));

        Assert.True(stale.FromCache);
        Assert.Equal("v1", stale.Text);
        Assert.True(refreshed.FromCache);
        Assert.Equal("v2", refreshed.Text);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_StaleWhileRevalidate_BackgroundFailure_DoesNotReachTheCaller_Rfc5861Section3()
    {
        var clock = CacheTesting.Clock();
        var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("v1", ("Cache-Control", "max-age=10, stale-while-revalidate=600")));
        var url = origin.Url("/swr-down");
        using var cache = CacheTesting.Private(clock);
        var sink = new LogSink();
        using var session = new Session(new SessionSettings(), sink) { Cache = cache };
        using (await session.GetAsync(url))
        {
        }

        await origin.DisposeAsync();
        clock.Advance(TimeSpan.FromSeconds(30));
        using var stale = await session.GetAsync(url);
        await cache.WhenRefreshesDoneAsync();

        Assert.True(stale.FromCache);
        Assert.Contains(sink.Entries, e => e.EventId.Name == "CacheBackgroundRefreshFailed" && e.Message.Contains("ConnectionException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_StaleWhileRevalidate_CacheDisposed_NoBackgroundRequest()
    {
        var clock = CacheTesting.Clock();
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("v", ("Cache-Control", "max-age=10, stale-while-revalidate=600")));
        var cache = CacheTesting.Private(clock);
        using var session = new Session { Cache = cache };
        using (await session.GetAsync(origin.Url("/swr-disposed")))
        {
        }

        cache.Dispose();
        clock.Advance(TimeSpan.FromSeconds(30));
        using var after = await session.GetAsync(origin.Url("/swr-disposed"));
        await cache.WhenRefreshesDoneAsync();

        Assert.False(after.FromCache);
        Assert.Equal(2, origin.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect_Cached301_FollowedFromCache_HistoryIntact(string kind)
    {
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "max-age=600";
            if (context.Request.Path == "/old")
            {
                context.Response.StatusCode = 301;
                context.Response.Headers.Location = "/new";
                return;
            }

            await context.Response.WriteAsync("new place");
        });
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var handle = TestSessions.Create(kind, s => s.Cache = cache);

        using var first = await handle.Session.GetAsync(origin.Url("/old"));
        using var second = await handle.Session.GetAsync(origin.Url("/old"));

        Assert.Equal("new place", second.Text);
        Assert.True(second.FromCache);
        var hop = Assert.Single(second.History);
        Assert.Equal(HttpStatusCode.MovedPermanently, hop.StatusCode);
        Assert.True(hop.FromCache);
        Assert.Equal(origin.Url("/new"), second.Url);
        Assert.Equal(2, origin.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_FromCache_SetCookieNotReplayedIntoJar(string kind)
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("c", ("Cache-Control", "max-age=600"), ("Set-Cookie", "token=first; Path=/")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var handle = TestSessions.Create(kind, s => s.Cache = cache);
        using var first = await handle.Session.GetAsync(origin.Url("/cookie"));
        Assert.Equal("first", handle.Session.Cookies["token"]);
        handle.Session.Cookies.Clear();

        using var second = await handle.Session.GetAsync(origin.Url("/cookie"));

        Assert.True(second.FromCache);
        Assert.Equal(0, handle.Session.Cookies.Count);
        Assert.Equal(0, second.Cookies.Count);
        Assert.Equal("token=first; Path=/", second.Headers["Set-Cookie"]);
    }

    [Fact]
    public async Task Get_SharedStore_KeepsNoSetCookie()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("c", ("Cache-Control", "public, max-age=600"), ("Set-Cookie", "session=alice")));
        using var cache = CacheTesting.Shared(CacheTesting.Clock());
        using var alice = new Session { Cache = cache };
        using var bob = new Session { Cache = cache };

        using var first = await alice.GetAsync(origin.Url("/sc"));
        using var second = await bob.GetAsync(origin.Url("/sc"));

        Assert.True(second.FromCache);
        Assert.Null(second.Headers["Set-Cookie"]);
        Assert.Empty(bob.Cookies);
    }

    [Fact]
    public async Task Get_Streamed_StoredOnlyWhenReadToTheEnd()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer(new string('x', 100_000), ("Cache-Control", "max-age=600")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };
        var stream = new RequestOptions { Stream = true };

        using (var abandoned = await session.GetAsync(origin.Url("/big"), stream))
        {
            await foreach (var chunk in abandoned.IterContentAsync(1000))
            {
                break;
            }
        }

        using var readFully = await session.GetAsync(origin.Url("/big"), stream);
        await readFully.ReadContentAsync();
        using var hit = await session.GetAsync(origin.Url("/big"));

        Assert.False(readFully.FromCache);
        Assert.True(hit.FromCache);
        Assert.Equal(100_000, hit.Content.Length);
        Assert.Equal(2, origin.Count);
    }

    [Fact]
    public async Task Get_LargerThanMaxEntrySize_NotStored()
    {
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "max-age=600";
            await context.Response.WriteAsync(new string('x', context.Request.Path == "/small" ? 100 : 5000));
        });
        using var cache = CacheTesting.Private(CacheTesting.Clock(), o => o.MaxEntrySize = 1000);
        using var session = new Session { Cache = cache };

        foreach (var path in new[] { "/small", "/large", "/small", "/large" })
        {
            using var response = await session.GetAsync(origin.Url(path));
        }

        Assert.Equal(3, origin.Count);
    }

    [Fact]
    public async Task Get_GzipBody_StoredAsReceivedAndDecodedOnHit()
    {
        var text = string.Concat(Enumerable.Repeat("compressible text ", 200));
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "max-age=600";
            context.Response.Headers.ContentEncoding = "gzip";
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(System.Text.Encoding.UTF8.GetBytes(text));
            }

            await context.Response.Body.WriteAsync(buffer.ToArray());
        });
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };

        using var first = await session.GetAsync(origin.Url("/gz"));
        using var second = await session.GetAsync(origin.Url("/gz"));

        Assert.True(second.FromCache);
        Assert.Equal(text, second.Text);
        Assert.Equal("gzip", second.Headers["Content-Encoding"]);
    }

    [Fact]
    public async Task CacheMode_BypassAndRefresh()
    {
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "max-age=600";
            await context.Response.WriteAsync("n" + context.Request.Query["n"]);
        });
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        using var session = new Session { Cache = cache };
        using var stored = await session.GetAsync(origin.Url("/mode"));

        using var bypassed = await session.GetAsync(origin.Url("/mode"), new() { CacheMode = CacheMode.Bypass });
        using var refreshed = await session.GetAsync(origin.Url("/mode"), new() { CacheMode = CacheMode.Refresh });
        using var hit = await session.GetAsync(origin.Url("/mode"));

        Assert.False(bypassed.FromCache);
        Assert.False(refreshed.FromCache);
        Assert.True(hit.FromCache);
        Assert.Equal(3, origin.Count);
    }

    [Fact]
    public async Task Get_NotStored_LogsTheReasonAtDebug()
    {
        await using var origin = await CacheOrigin.StartAsync(CacheOrigin.Answer("x", ("Cache-Control", "no-store")));
        using var cache = CacheTesting.Private(CacheTesting.Clock());
        var sink = new LogSink();
        using var session = new Session(new SessionSettings(), sink) { Cache = cache };

        using var response = await session.GetAsync(origin.Url("/log?secret=1"));

        var entry = Assert.Single(sink.Entries, e => e.EventId.Name == "CacheDecision" && e.Message.Contains("not stored", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, entry.Level);
        Assert.EndsWith("/log not stored: no-store.", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", entry.Message, StringComparison.Ordinal);
    }
}
