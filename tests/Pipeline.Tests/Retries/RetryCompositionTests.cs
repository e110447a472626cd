using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Retries;

/// <summary>
/// Where IHttpClientBuilder handlers (AddHttpMessageHandler, and so AddStandardResilienceHandler) sit relative to the
/// RetryStage, as docs/retries.md states: inside it and inside the proxy stage, so they see every attempt of every hop.
/// </summary>
public sealed class RetryCompositionTests
{
    /// <summary>Counts what passes through it and whether the session's context and the proxy choice came along.</summary>
    private sealed class Probe : DelegatingHandler
    {
        private int _seen;
        private int _withContext;
        private int _withProxyChoice;

        public int Seen => Volatile.Read(ref _seen);

        public int WithContext => Volatile.Read(ref _withContext);

        public int WithProxyChoice => Volatile.Read(ref _withProxyChoice);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _seen);
            if (request.Options.TryGetValue(RequestContext.Key, out _))
            {
                Interlocked.Increment(ref _withContext);
            }

            if (request.Options.TryGetValue(HopState.ProxyKey, out _))
            {
                Interlocked.Increment(ref _withProxyChoice);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task AddHttpMessageHandler_RunsInsideTheRetryStage_OncePerAttempt_AfterTheProxyChoice()
    {
        // Arrange
        await using var server = new RawHttpServer(_ => "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        var probe = new Probe();
        var services = new ServiceCollection();
        services.AddSession("api", s => s.Proxies["http"] = server.BaseUrl)
            .AddRetry(new RetryPolicy { Total = 2, StatusForcelist = new HashSet<int> { 503 }, RaiseOnStatus = false })
            .AddHttpMessageHandler(() => probe);
        await using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredKeyedService<Session>("api");

        // Act
        using var response = await session.GetAsync("http://origin.test/items");

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(3, probe.Seen);
        Assert.Equal(3, probe.WithContext);
        Assert.Equal(3, probe.WithProxyChoice);
    }
}
