using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Sessions;

/// <summary>requests' <c>default_headers()</c>: User-Agent, Accept-Encoding, Accept and <c>Connection: keep-alive</c>.</summary>
public sealed class DefaultHeadersTests
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Fact]
    public void Defaults_AreRequestsDefaultHeaders_ConnectionKeepAliveIncluded()
    {
        using var session = new Session();
        var settings = new SessionSettings();

        Assert.Equal(["User-Agent", "Accept-Encoding", "Accept", "Connection"], session.Headers.Keys);
        Assert.Equal("keep-alive", session.Headers["Connection"]);
        Assert.Equal(["User-Agent", "Accept-Encoding", "Accept", "Connection"], settings.Headers.Keys);
        Assert.Equal("keep-alive", settings.Headers["Connection"]);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_Http11_SendsConnectionKeepAlive_AsDefaultHeaders(string kind)
    {
        await using var raw = new RawHttpServer();
        using var handle = TestSessions.Create(kind);

        using var response = await handle.Session.GetAsync(raw.BaseUrl + "/");

        Assert.Equal("keep-alive", Assert.Single(raw.Requests).Header("Connection"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Get_ConnectionSetToNull_IsNotSent_AsMergeSetting(string kind)
    {
        await using var raw = new RawHttpServer();
        using var handle = TestSessions.Create(kind, s => s.Headers["Connection"] = null);

        using var first = await handle.Session.GetAsync(raw.BaseUrl + "/");
        handle.Session.Headers["Connection"] = "keep-alive";
        using var second = await handle.Session.GetAsync(raw.BaseUrl + "/", new() { Headers = new() { ["Connection"] = null } });

        Assert.All(raw.Requests, r => Assert.Null(r.Header("Connection")));
        Assert.Equal(2, raw.Requests.Count);
    }

    [Fact]
    public void PrepareRequest_ShowsConnectionKeepAlive()
    {
        using var session = new Session();

        var prepared = session.PrepareRequest(new Request("GET", "http://127.0.0.1/"));

        Assert.Equal("keep-alive", prepared.Headers["Connection"]);
    }

    [Fact]
    public async Task Get_Http2_NeverSendsConnection_ItIsForbiddenThere()
    {
        // Kestrel speaks HTTP/2 only (h2c with prior knowledge) and resets a stream that carries a Connection header
        // (RFC 9113 section 8.2.2), so a request that reaches the endpoint did not send one.
        await using var app = await H2cApp.StartAsync();
        using var session = new Session();
        using var adapter = new HttpAdapter();
        using var http2 = new Http2Only { InnerHandler = adapter };
        session.Mount("http://", http2);

        using var response = await session.GetAsync(app.Url);

        var echo = response.Json();
        Assert.Equal("HTTP/2", echo.GetProperty("protocol").GetString());
        Assert.False(echo.GetProperty("headers").TryGetProperty("Connection", out _));
        Assert.Equal("*/*", echo.GetProperty("headers").GetProperty("Accept").GetString());
    }

    private sealed class Http2Only : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class H2cApp(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<H2cApp> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
            var app = builder.Build();
            app.MapGet("/", (HttpRequest r) => Results.Json(new
            {
                protocol = r.Protocol,
                headers = r.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()),
            }));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new H2cApp(app, address.TrimEnd('/') + "/");
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
