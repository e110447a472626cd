using Microsoft.Extensions.Logging.Console;
using Pipeline;
using Pipeline.Testing;

// --self-test: listen on a free loopback port, call our own endpoint once, print the answer and exit.
var selfTest = args.Contains("--self-test");

// The upstream service this app calls; an httpbin-like server on 127.0.0.1, so the sample runs offline.
await using var upstream = await LoopbackServer.StartAsync();

var builder = WebApplication.CreateBuilder(args.Where(a => a != "--self-test").ToArray());
builder.Configuration["Sessions:upstream:BaseAddress"] = upstream.BaseUrl;
if (selfTest)
{
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.AddFilter<ConsoleLoggerProvider>(level => level >= LogLevel.Error);
}

// ASP.NET Core's session state and a Pipeline session side by side: the overloads never clash.
builder.Services.AddDistributedMemoryCache();
builder.Services.AddSession();
builder.Services.AddSession("upstream", builder.Configuration.GetSection("Sessions:upstream"))
    .AddStage<RequestIdStage>();
builder.Services.AddTransient<UpstreamClient>();

var app = builder.Build();
app.UseSession();

app.MapGet("/hello/{name}", async (string name, HttpContext http, UpstreamClient client, CancellationToken cancellationToken) =>
{
    var visits = (http.Session.GetInt32("visits") ?? 0) + 1;
    http.Session.SetInt32("visits", visits);
    var echo = await client.EchoAsync(name, cancellationToken);
    return new
    {
        visits,
        upstreamUrl = echo.Url,
        client = echo.Headers["X-Client"],
        requestId = echo.Headers["X-Request-Id"],
    };
});

if (!selfTest)
{
    await app.RunAsync();
    return 0;
}

await app.StartAsync();
using var session = new Session { BaseAddress = new Uri(app.Urls.First()) };
var response = await session.GetAsync("/hello/world");
Console.WriteLine($"GET {response.Url} -> {(int)response.StatusCode}");
Console.WriteLine(response.Text);
await app.StopAsync();
return response.Ok ? 0 : 1;
