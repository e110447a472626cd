// package: PipelineHttp.Testing
using System.Net;
using System.Net.Sockets;
using Pipeline;
using Pipeline.Testing;

// An httpbin-like server on 127.0.0.1, so the sample runs offline.
await using var server = await LoopbackServer.StartAsync();

// A session keeps defaults across requests, as requests.Session() does.
using var session = new Session { BaseAddress = new Uri(server.BaseUrl) };
session.Headers["X-Client"] = "quickstart";
session.Params["api_key"] = "demo";

// GET: the session's param and header are merged with the request's own.
var get = await session.GetAsync("/get", new() { Params = new() { ["q"] = "pipeline" } });
var echo = get.Json();
Console.WriteLine($"GET  {(int)get.StatusCode} {get.Url}");
Console.WriteLine($"     X-Client: {echo.GetProperty("headers").GetProperty("X-Client")}");

// POST a JSON body (System.Text.Json, camelCase).
var post = await session.PostAsync("/post", new() { Json = new { Name = "Ada", Languages = new[] { "C#", "Python" } } });
Console.WriteLine($"JSON {post.Json().GetProperty("json")}");

// POST a form: a Dictionary becomes application/x-www-form-urlencoded.
var form = await session.PostAsync("/post", new() { Data = new Dictionary<string, string> { ["user"] = "ada", ["lang"] = "C#" } });
Console.WriteLine($"FORM {form.Json().GetProperty("form")}");

// Per-request headers win over the session's; a null value removes a session header for this request only.
var headers = await session.GetAsync("/headers", new() { Headers = new() { ["Accept"] = "application/json", ["X-Client"] = null } });
var sent = headers.Json().GetProperty("headers");
Console.WriteLine($"HDRS Accept: {sent.GetProperty("Accept")}, X-Client sent: {sent.TryGetProperty("X-Client", out _)}");

// Redirects are followed with requests' rules; cookies set along the way land in the session's jar.
// (A null value removes the session's api_key param for this request only.)
var cookies = await session.GetAsync("/cookies/set?flavour=oatmeal", new() { Params = new() { ["api_key"] = null } });
Console.WriteLine($"REDIR {cookies.Url} after {cookies.History.Count} redirect(s); jar: flavour={session.Cookies["flavour"]}");

// Hooks run on every response, redirect hops included.
var hooks = new HookMap();
hooks.Response.Add(r => Console.WriteLine($"HOOK  {(int)r.StatusCode} {new Uri(r.Url).AbsolutePath}"));
await session.GetAsync("/redirect/2", new() { Hooks = hooks });

// Digest auth answers the server's challenge once; the 401 stays in the history.
var digest = await session.GetAsync("/digest-auth/auth/ann/secret/SHA-256", new() { Auth = new DigestAuth("ann", "secret") });
Console.WriteLine($"AUTH  {(int)digest.StatusCode} after {digest.History.Count} challenge(s)");

// One-shot call, as requests.get(url): no session state is carried over.
var oneShot = await Requests.GetAsync(server.Url("/json"));
Console.WriteLine($"ONCE {oneShot.Json().GetProperty("slideshow").GetProperty("title")}");

// RaiseForStatus throws for 4xx and 5xx, with requests' message.
try
{
    (await session.GetAsync("/status/404")).RaiseForStatus();
}
catch (HttpErrorException e)
{
    Console.WriteLine($"404  {e.Message}");
}

// PrepareRequest shows what would go on the wire, without sending it.
var prepared = session.PrepareRequest(new Request("GET", "/get") { Params = new() { ["page"] = "2" } });
Console.WriteLine($"PREP {prepared.Method} {prepared.Url}");
foreach (var (name, value) in prepared.Headers)
{
    Console.WriteLine($"     {name}: {value}");
}

// Transport failures map to requests' exception hierarchy (all derive from HttpRequestException).
try
{
    await Requests.GetAsync($"http://127.0.0.1:{ClosedPort()}/");
}
catch (ConnectionException e)
{
    Console.WriteLine($"FAIL {e.GetType().Name}: {e.Message}");
}

// A port nobody listens on: bind a free one, then release it.
static int ClosedPort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
