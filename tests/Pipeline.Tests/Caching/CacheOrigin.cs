using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Tests.Caching;

/// <summary>A Kestrel origin on 127.0.0.1 that answers with the test's handler and counts the requests it saw.</summary>
public sealed class CacheOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CacheOrigin(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>Gets each request as "METHOD /path?query" with its headers.</summary>
    public ConcurrentQueue<(string Line, IHeaderDictionary Headers)> Requests { get; } = [];

    public int Count => Requests.Count;

    public string Url(string pathAndQuery) => BaseUrl + pathAndQuery;

    public static async Task<CacheOrigin> StartAsync(Func<HttpContext, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        CacheOrigin? origin = null;
        app.Run(async context =>
        {
            var headers = new HeaderDictionary();
            foreach (var header in context.Request.Headers)
            {
                headers[header.Key] = header.Value;
            }

            origin!.Requests.Enqueue((context.Request.Method + " " + context.Request.Path + context.Request.QueryString, headers));
            await respond(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        origin = new CacheOrigin(app, address.TrimEnd('/'));
        return origin;
    }

    /// <summary>A handler that answers 200 with the body and headers given (the count of requests so far is in X-Count).</summary>
    public static Func<HttpContext, Task> Answer(string body, params (string Name, string Value)[] headers) => async context =>
    {
        foreach (var (name, value) in headers)
        {
            context.Response.Headers.Append(name, value);
        }

        await context.Response.WriteAsync(body);
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
