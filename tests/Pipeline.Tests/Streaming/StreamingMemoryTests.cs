using Pipeline.Tests.Infrastructure;
using Pipeline.Tests.Sessions;

namespace Pipeline.Tests.Streaming;

/// <summary>A large streamed body is never held in memory. Runs alone, since it measures process-wide allocations.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class StreamingMemoryTests : IClassFixture<LoopbackServerFixture>
{
    private const long BodySize = 64L * 1024 * 1024;
    private readonly LoopbackServerFixture _server;

    public StreamingMemoryTests(LoopbackServerFixture server)
    {
        _server = server;
    }

    [Fact]
    public async Task IterContent_64MegabyteBody_AllocatesAFractionOfIt()
    {
        using var session = new Session();
        using var warmUp = await session.GetAsync(_server.Url("/stream-bytes/1024"));
        var before = GC.GetTotalAllocatedBytes(precise: true);

        using var response = await session.GetAsync(_server.Url($"/stream-bytes/{BodySize}"), new() { Stream = true });
        long total = 0;
        await foreach (var chunk in response.IterContentAsync(64 * 1024))
        {
            total += chunk.Length;
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(BodySize, total);
        Assert.True(allocated < BodySize / 4, $"Streaming {BodySize} bytes allocated {allocated} bytes (client and in-process server together).");
    }
}
