using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging.Console;
using Pipeline;
using Pipeline.Testing;

// --self-test: listen on a free loopback port, call our own endpoint once, print the answer and exit.
var selfTest = args.Contains("--self-test");

// The upstream service this app calls, and the identity provider that gives it tokens: both on 127.0.0.1, so the
// sample runs offline.
await using var upstream = await LoopbackServer.StartAsync();
const string sampleSecret = "sample-secret";
await using var identity = await TokenServer.StartAsync(sampleSecret);

var builder = WebApplication.CreateBuilder(args.Where(a => a != "--self-test").ToArray());
builder.Configuration["Sessions:upstream:BaseAddress"] = upstream.BaseUrl;
builder.Configuration["Sessions:upstream:Auth:TokenUrl"] = identity.TokenUrl;

// A real client secret never goes in appsettings.json: 'dotnet user-secrets set Sessions:upstream:Auth:ClientSecret ...'
// in development, the Sessions__upstream__Auth__ClientSecret environment variable in production. The stand-in's own
// secret is the fallback here.
builder.Configuration["Sessions:upstream:Auth:ClientSecret"] ??= sampleSecret;
if (selfTest)
{
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Logging.AddFilter<ConsoleLoggerProvider>(level => level >= LogLevel.Error);
}

// ASP.NET Core's session state and a Pipeline session side by side: the overloads never clash.
builder.Services.AddDistributedMemoryCache();
builder.Services.AddSession();
// appsettings.json gives the session its OAuth2 client (Auth), a deadline per call (Deadline) and how its rate limit
// applies (RateLimit); the limit itself is an object: 5 requests a second, bursts of 10, for every session of the name.
builder.Services.AddSession("upstream", builder.Configuration.GetSection("Sessions:upstream"))
    .AddStage<RequestIdStage>()
    .AddRateLimiter(_ => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = 10,
        TokensPerPeriod = 5,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
    }));
builder.Services.AddTransient<UpstreamClient>();

var app = builder.Build();
app.UseSession();

app.MapGet("/hello/{name}", async (string name, HttpContext http, UpstreamClient client, CancellationToken cancellationToken) =>
{
    var visits = (http.Session.GetInt32("visits") ?? 0) + 1;
    http.Session.SetInt32("visits", visits);
    UpstreamEcho echo;
    try
    {
        echo = await client.EchoAsync(name, cancellationToken);
    }
    catch (DeadlineExceededException e)
    {
        // The whole upstream call (token request, redirects, retries, waits) took longer than Sessions:upstream:Deadline.
        return Results.Problem(e.Message, statusCode: StatusCodes.Status504GatewayTimeout);
    }
    catch (RateLimitExceededException e)
    {
        // Over our own limit (RateLimit:Behavior = FailFast), or upstream asked us to wait with a 429 and Retry-After.
        if (e.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Results.Problem(e.Message, statusCode: StatusCodes.Status429TooManyRequests);
    }

    return Results.Ok(new
    {
        visits,
        upstreamUrl = echo.Url,
        client = echo.Headers["X-Client"],
        requestId = echo.Headers["X-Request-Id"],
        auth = echo.Headers["Authorization"].Split(' ')[0],
        tokensIssued = identity.Issued,
    });
});

if (!selfTest)
{
    await app.RunAsync();
    return 0;
}

await app.StartAsync();
using var session = new Session { BaseAddress = new Uri(app.Urls.First()) };
var ok = true;
foreach (var name in new[] { "world", "again" })
{
    // The second call reuses the first call's OAuth2 token: tokensIssued stays 1.
    var response = await session.GetAsync($"/hello/{name}");
    Console.WriteLine($"GET {response.Url} -> {(int)response.StatusCode}");
    Console.WriteLine(response.Text);
    ok &= response.Ok;
}

await app.StopAsync();
return ok && identity.Issued == 1 ? 0 : 1;
