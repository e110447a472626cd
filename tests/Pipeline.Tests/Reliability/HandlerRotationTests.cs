using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Testing;

namespace Pipeline.Tests.Reliability;

/// <summary>
/// IHttpClientFactory rotates a named session's handler chain every second (the shortest lifetime it allows) and
/// disposes the expired chains once nothing holds them, while the same session keeps sending.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class HandlerRotationTests : IAsyncLifetime
{
    private const int Callers = 16;
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task NamedSession_HandlerLifetimeOneSecond_CallsAcrossRotationsAndDisposals_NoErrorAndCookiesKept()
    {
        // Arrange
        var chains = new ConcurrentDictionary<TrackingStage, bool>();
        var services = new ServiceCollection();
        services.AddSession("rotating", s => s.TrustEnv = false)
            .AddStage(_ => new TrackingStage(chains))
            .SetHandlerLifetime(TimeSpan.FromSeconds(1));
        await using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredService<ISessionFactory>().Create("rotating");
        for (var caller = 0; caller < Callers; caller++)
        {
            await session.GetAsync(_server.Url($"/cookies/set?k{caller}=v{caller}"));
        }

        var errors = new ConcurrentQueue<string>();
        var calls = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));

        // Act: keep calling until an expired chain was disposed under the running callers, then two seconds more. The
        // factory's cleanup runs every 10 s and disposes only chains the GC has collected, hence the collections.
        var disposedAt = TimeSpan.Zero;
        var collector = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && (disposedAt == TimeSpan.Zero || clock.Elapsed < disposedAt + TimeSpan.FromSeconds(2)))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                if (disposedAt == TimeSpan.Zero && chains.Keys.Any(c => c.Disposed))
                {
                    disposedAt = clock.Elapsed;
                }

                await Task.Delay(250);
            }

            await stop.CancelAsync();
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, Callers), new ParallelOptions { MaxDegreeOfParallelism = Callers }, async (caller, ct) =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await session.GetAsync(_server.Url("/cookies"), cancellationToken: CancellationToken.None);
                    var cookies = response.Json().GetProperty("cookies");
                    if (response.StatusCode != HttpStatusCode.OK || cookies.EnumerateObject().Count() != Callers
                        || cookies.GetProperty($"k{caller}").GetString() != $"v{caller}")
                    {
                        errors.Enqueue($"{(int)response.StatusCode}: {cookies}");
                    }

                    Interlocked.Increment(ref calls);
                }
                catch (Exception ex)
                {
                    errors.Enqueue(ex.ToString());
                }

                await Task.Delay(5, CancellationToken.None);
            }
        });
        await collector;

        // Assert
        Assert.Empty(errors);
        Assert.NotEqual(TimeSpan.Zero, disposedAt);
        Assert.True(chains.Count >= 5, $"{chains.Count} chains were created in {clock.Elapsed}.");
        Assert.True(calls > 500, $"{calls} calls.");
        var after = await session.GetAsync(_server.Url("/cookies"));
        Assert.Equal(Callers, after.Json().GetProperty("cookies").EnumerateObject().Count());
    }

    /// <summary>A user stage that records each chain it is part of, and when that chain is disposed.</summary>
    private sealed class TrackingStage : DelegatingHandler
    {
        private readonly ConcurrentDictionary<TrackingStage, bool> _chains;

        public TrackingStage(ConcurrentDictionary<TrackingStage, bool> chains)
        {
            _chains = chains;
            chains[this] = true;
        }

        public bool Disposed { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(Disposed, this);
            return base.SendAsync(request, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
