using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Tests.Caching;

/// <summary>The cache's counters on the "Pipeline" meter, read with a MeterListener (filtered by this test's cache name).</summary>
public sealed class CacheMetricsTests
{
    [Fact]
    public async Task Counters_HitsMissesRevalidationsStoresEvictions_AreRecorded()
    {
        // Arrange
        var clock = CacheTesting.Clock();
        await using var origin = await CacheOrigin.StartAsync(async context =>
        {
            context.Response.Headers.CacheControl = "max-age=10";
            context.Response.Headers.ETag = "\"m\"";
            if (context.Request.Headers.IfNoneMatch == "\"m\"")
            {
                context.Response.StatusCode = 304;
                return;
            }

            await context.Response.WriteAsync(new string('m', 600));
        });
        var name = "metrics-" + Guid.NewGuid().ToString("N");
        using var cache = CacheTesting.Private(clock, o =>
        {
            o.Name = name;
            o.MaxTotalSize = 1500;
        });
        using var session = new Session { Cache = cache };
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Pipeline" && instrument.Name.StartsWith("pipeline.cache.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "pipeline.cache.name" && (string?)tag.Value == name)
                {
                    counts.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
                }
            }
        });
        listener.Start();

        // Act
        using (await session.GetAsync(origin.Url("/one")))
        {
        }

        using (await session.GetAsync(origin.Url("/one")))
        {
        }

        clock.Advance(TimeSpan.FromSeconds(30));
        using (await session.GetAsync(origin.Url("/one")))
        {
        }

        using (await session.GetAsync(origin.Url("/two")))
        {
        }

        using (await session.GetAsync(origin.Url("/three")))
        {
        }

        // Assert
        Assert.Equal(1, counts.GetValueOrDefault("pipeline.cache.hits"));
        Assert.Equal(3, counts.GetValueOrDefault("pipeline.cache.misses"));
        Assert.Equal(1, counts.GetValueOrDefault("pipeline.cache.revalidations"));
        Assert.Equal(4, counts.GetValueOrDefault("pipeline.cache.stores"));
        Assert.True(counts.GetValueOrDefault("pipeline.cache.evictions") >= 1);
    }
}
