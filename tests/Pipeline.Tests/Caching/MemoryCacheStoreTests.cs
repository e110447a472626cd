using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Caching;

public sealed class MemoryCacheStoreTests
{
    [Fact]
    public async Task SetAsync_BeyondMaxTotalSize_EvictsLeastRecentlyUsed()
    {
        var evicted = 0;
        var clock = new FakeTimeProvider();
        var store = new MemoryCacheStore(250, clock, n => evicted += n);
        var until = clock.GetUtcNow().AddHours(1);
        await store.SetAsync("a", new byte[100], until, default);
        await store.SetAsync("b", new byte[100], until, default);
        await store.GetAsync("a", default);

        await store.SetAsync("c", new byte[100], until, default);

        Assert.NotNull(await store.GetAsync("a", default));
        Assert.Null(await store.GetAsync("b", default));
        Assert.NotNull(await store.GetAsync("c", default));
        Assert.Equal(1, evicted);
        Assert.Equal(200, store.Size);
    }

    [Fact]
    public async Task GetAsync_Expired_IsMissAndFreesTheBytes()
    {
        var clock = new FakeTimeProvider();
        var store = new MemoryCacheStore(1000, clock, _ => { });
        await store.SetAsync("a", new byte[10], clock.GetUtcNow().AddSeconds(5), default);

        clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Null(await store.GetAsync("a", default));
        Assert.Equal(0, store.Size);
    }

    [Fact]
    public async Task SetAsync_SameKey_ReplacesAndRemoveAsync_Removes()
    {
        var clock = new FakeTimeProvider();
        var store = new MemoryCacheStore(1000, clock, _ => { });
        var until = clock.GetUtcNow().AddHours(1);
        await store.SetAsync("a", new byte[10], until, default);
        await store.SetAsync("a", new byte[20], until, default);

        Assert.Equal(20, store.Size);
        await store.RemoveAsync("a", default);
        Assert.Equal(0, store.Count);
    }
}
