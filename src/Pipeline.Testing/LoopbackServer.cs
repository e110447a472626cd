using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Testing;

/// <summary>
/// An in-process, httpbin-like HTTP server (Kestrel) on 127.0.0.1 with a free port, for tests and samples that must run
/// offline: <c>await using var server = await LoopbackServer.StartAsync(); server.Url("/get")</c>.
/// </summary>
/// <remarks>
/// <para>
/// Endpoints, in httpbin's shapes: <c>/get</c>, <c>/post</c>, <c>/put</c>, <c>/patch</c>, <c>/delete</c> and
/// <c>/anything/...</c> echo the request as JSON (<c>method</c>, <c>url</c>, <c>args</c>, <c>headers</c>, <c>data</c>,
/// <c>form</c>, <c>files</c>, <c>json</c>); <c>/headers</c>; <c>/status/{code}</c> (optional <c>?reason=</c>);
/// <c>/json</c>; <c>/redirect/{n}</c> and <c>/redirect-to?url=&amp;status_code=</c>; <c>/cookies</c> and
/// <c>/cookies/set?name=value</c>; <c>/digest-auth/{qop}/{user}/{passwd}/{algorithm}</c> (a strict RFC 7616 verifier);
/// <c>/gzip</c>, <c>/deflate</c>, <c>/brotli</c>; <c>/bytes/{n}</c>, <c>/stream-bytes/{n}</c>; <c>/response-headers?name=value</c>.
/// </para>
/// <para>
/// Beyond httpbin, for failure paths: <c>/stall-body?ms=</c> (half a body, then a pause), <c>/reset-mid-body</c> (a
/// connection reset while the body is read), <c>/broken-gzip</c>, <c>/redirect-with?status=&amp;to=&amp;cookie=</c>,
/// <c>/set-cookie/...?h=</c> (raw Set-Cookie values), <c>/bearer-check?token=</c>, <c>/lines</c>, <c>/text?type=</c>,
/// <c>/client-cert</c> and <c>/login</c>.
/// </para>
/// </remarks>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Gets the base URL, such as <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>Starts a server over plain HTTP on 127.0.0.1 with a free port.</summary>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static Task<LoopbackServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(null, requireClientCertificate: false, cancellationToken);

    /// <summary>Starts a server on 127.0.0.1 with a free port, over HTTPS when a server certificate is given.</summary>
    /// <param name="serverCertificate">The server certificate (with its private key), or <see langword="null"/> for plain HTTP.</param>
    /// <param name="requireClientCertificate">Whether the TLS handshake requires a client certificate (any is accepted).</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static Task<LoopbackServer> StartAsync(
        System.Security.Cryptography.X509Certificates.X509Certificate2? serverCertificate,
        bool requireClientCertificate,
        CancellationToken cancellationToken = default) =>
        StartCoreAsync(serverCertificate, requireClientCertificate, null, cancellationToken);

    /// <summary>Starts a server on 127.0.0.1 with a free port that speaks only the given HTTP versions.</summary>
    /// <param name="serverCertificate">The server certificate (with its private key), or <see langword="null"/> for plain HTTP.</param>
    /// <param name="requireClientCertificate">Whether the TLS handshake requires a client certificate (any is accepted).</param>
    /// <param name="protocols">
    /// The versions: <see cref="HttpProtocols.Http1"/> for a server that knows nothing newer, <see cref="HttpProtocols.Http2"/>
    /// for HTTP/2 only (over plain HTTP that is h2c with prior knowledge), <see cref="HttpProtocols.Http1AndHttp2"/> to
    /// negotiate with ALPN over HTTPS.
    /// </param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public static Task<LoopbackServer> StartAsync(
        System.Security.Cryptography.X509Certificates.X509Certificate2? serverCertificate,
        bool requireClientCertificate,
        HttpProtocols protocols,
        CancellationToken cancellationToken = default) =>
        StartCoreAsync(serverCertificate, requireClientCertificate, protocols, cancellationToken);

    private static async Task<LoopbackServer> StartCoreAsync(
        System.Security.Cryptography.X509Certificates.X509Certificate2? serverCertificate,
        bool requireClientCertificate,
        HttpProtocols? protocols,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (protocols is { } chosen)
            {
                listen.Protocols = chosen;
            }

            if (serverCertificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = serverCertificate;
                    if (requireClientCertificate)
                    {
                        https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (_, _, _) => true;
                    }
                });
            }
        }));
        var app = builder.Build();
        Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LoopbackServer(app, address.TrimEnd('/'));
    }

    /// <summary>Builds an absolute URL on this server.</summary>
    /// <param name="pathAndQuery">The path, starting with '/'.</param>
    /// <returns>The URL.</returns>
    public string Url(string pathAndQuery) => BaseUrl + pathAndQuery;

    /// <summary>Stops the server and releases its port.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static void Map(WebApplication app)
    {
        app.Map("/anything/{**rest}", EchoAsync);
        app.Map("/anything", EchoAsync);
        app.MapGet("/get", EchoAsync);
        app.MapPost("/post", EchoAsync);
        app.MapPut("/put", EchoAsync);
        app.MapPatch("/patch", EchoAsync);
        app.MapDelete("/delete", EchoAsync);
        app.MapGet("/headers", (HttpRequest r) => Results.Json(new { headers = Headers(r) }));
        app.MapGet("/client-cert", async (HttpContext c) =>
        {
            var certificate = await c.Connection.GetClientCertificateAsync();
            return Results.Json(new { subject = certificate?.Subject });
        });

        app.Map("/status/{code:int}", (HttpContext context, int code, string? reason) =>
        {
            context.Response.StatusCode = code;
            if (reason is not null)
            {
                context.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase = reason;
            }

            return Task.CompletedTask;
        });

        app.MapGet("/json", () => Results.Json(new { slideshow = new { title = "Sample Slide Show", author = "Yours Truly" }, number = 42 }));
        app.MapGet("/gzip", (HttpContext c) => CompressedAsync(c, "gzip", s => new GZipStream(s, CompressionLevel.Fastest, leaveOpen: true)));
        app.MapGet("/deflate", (HttpContext c) => CompressedAsync(c, "deflate", s => new ZLibStream(s, CompressionLevel.Fastest, leaveOpen: true)));
        app.MapGet("/deflate-raw", (HttpContext c) => CompressedAsync(c, "deflate", s => new DeflateStream(s, CompressionLevel.Fastest, leaveOpen: true)));
        app.MapGet("/brotli", (HttpContext c) => CompressedAsync(c, "br", s => new BrotliStream(s, CompressionLevel.Fastest, leaveOpen: true)));
        app.MapGet("/broken-gzip", async (HttpContext c) =>
        {
            c.Response.Headers.ContentEncoding = "gzip";
            c.Response.ContentType = "text/plain";
            await c.Response.Body.WriteAsync("this is not gzip at all"u8.ToArray());
        });

        // Returns UTF-8 bytes under any declared Content-Type, to check requests' encoding rules.
        app.MapGet("/text", async (HttpContext c, string? type) =>
        {
            if (type is not null)
            {
                c.Response.Headers.ContentType = type;
            }

            await c.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("café ünïcode"));
        });

        // n bytes generated on the fly in 64 KB writes, so a large body never exists in memory.
        app.MapGet("/stream-bytes/{n:long}", async (HttpContext c, long n) =>
        {
            c.Response.ContentType = "application/octet-stream";
            c.Response.ContentLength = n;
            var chunk = new byte[64 * 1024];
            for (long sent = 0; sent < n; sent += chunk.Length)
            {
                await c.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, n - sent)), c.RequestAborted);
            }
        });

        // Misbehaving bodies: a short Content-Length body, a chunked body cut off, and a body that stalls.
        // Headers and part of the body, a pause so the client is reading the body, then a reset (RST).
        app.MapGet("/reset-mid-body", async (HttpContext c) =>
        {
            c.Response.ContentLength = 100_000;
            await c.Response.Body.WriteAsync(new byte[1000]);
            await c.Response.Body.FlushAsync();
            await Task.Delay(300);
            c.Abort();
        });
        app.MapGet("/stall-body", async (HttpContext c, int? ms) =>
        {
            c.Response.ContentLength = 200;
            await c.Response.Body.WriteAsync(new byte[100]);
            await c.Response.Body.FlushAsync();
            await Task.Delay(ms ?? 10_000, c.RequestAborted);
            await c.Response.Body.WriteAsync(new byte[100]);
        });

        app.MapGet("/bytes/{n:int}", async (HttpContext c, int n) =>
        {
            var bytes = new byte[n];
            for (var i = 0; i < n; i++)
            {
                bytes[i] = (byte)(i % 251);
            }

            c.Response.ContentType = "application/octet-stream";
            await c.Response.Body.WriteAsync(bytes);
        });

        app.MapGet("/lines", async (HttpContext c, string? body) =>
        {
            c.Response.ContentType = "text/plain; charset=utf-8";
            await c.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body ?? "one\ntwo\r\nthree\rfour"));
        });

        app.MapGet("/response-headers", (HttpContext c) =>
        {
            foreach (var (key, values) in c.Request.Query)
            {
                c.Response.Headers.Append(key, values);
            }

            return Results.Json(c.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()));
        });

        app.MapGet("/redirect-to", (HttpContext c, string url, int? status_code) =>
        {
            c.Response.StatusCode = status_code ?? 302;
            c.Response.Headers.Location = url;
            return Task.CompletedTask;
        });

        // /redirect/3 -> /redirect/2 -> /redirect/1 -> /get, with 302s (httpbin's shape).
        app.Map("/redirect/{n:int}", (HttpContext c, int n) =>
        {
            c.Response.StatusCode = 302;
            c.Response.Headers.Location = n <= 1 ? "/get" : $"/redirect/{n - 1}";
            return Task.CompletedTask;
        });

        // A redirect chain that sets a cookie on every hop: /redirect-cookie/5 -> ... -> /redirect-cookie/1 -> /cookies.
        app.MapGet("/redirect-cookie/{n:int}", (HttpContext c, int n) =>
        {
            c.Response.Cookies.Append($"hop{n}", "1", new CookieOptions { Path = "/" });
            c.Response.StatusCode = 302;
            c.Response.Headers.Location = n <= 1 ? "/cookies" : $"/redirect-cookie/{n - 1}";
            return Task.CompletedTask;
        });

        // A small JSON answer for benchmarks: echoes the count of items posted.
        app.MapPost("/items", async (HttpContext c) =>
        {
            var items = await JsonSerializer.DeserializeAsync<JsonElement>(c.Request.Body);
            await Results.Json(new { received = items.GetArrayLength(), ok = true }).ExecuteAsync(c);
        });

        // Any method: answers with the given status and Location, and optional Set-Cookie headers (repeatable).
        app.Map("/redirect-with", (HttpContext c) =>
        {
            c.Response.StatusCode = int.Parse(c.Request.Query["status"].FirstOrDefault() ?? "302", System.Globalization.CultureInfo.InvariantCulture);
            if (c.Request.Query["to"].FirstOrDefault() is { } to)
            {
                c.Response.Headers.Location = to;
            }

            foreach (var cookie in c.Request.Query["cookie"])
            {
                c.Response.Headers.Append("Set-Cookie", cookie);
            }

            return Task.CompletedTask;
        });

        // Sets the raw Set-Cookie values given as ?h=... (repeatable) and echoes the request, for cookie-rule tests.
        app.Map("/set-cookie/{**rest}", async (HttpContext c) =>
        {
            foreach (var header in c.Request.Query["h"])
            {
                c.Response.Headers.Append("Set-Cookie", header);
            }

            await EchoAsync(c);
        });

        // Digest auth (RFC 7616) with switches a test can see: qop "auth" or "none", any algorithm, a Set-Cookie on the
        // challenge (?cookie=1, or the raw values given as ?h=..., repeatable), and a nonce that is rotated after each
        // success so the next pre-emptive try is stale (?rotate=1); ?redirect=/path answers a success with a 302 there.
        app.Map("/digest-auth/{qop}/{user}/{passwd}/{algorithm}", (HttpContext c, string qop, string user, string passwd, string algorithm) =>
            DigestEndpoint.HandleAsync(c, qop, user, passwd, algorithm));

        // A bearer endpoint whose valid token is given by ?token=; anything else is 401.
        app.Map("/bearer-check", (HttpContext c, string token) =>
        {
            var sent = c.Request.Headers.Authorization.ToString();
            c.Response.StatusCode = sent == "Bearer " + token ? 200 : 401;
            return Results.Json(new { authorization = sent }).ExecuteAsync(c);
        });

        // As httpbin: sets a cookie per query parameter, then redirects to /cookies.
        app.MapGet("/cookies/set", (HttpContext c) =>
        {
            foreach (var (key, value) in c.Request.Query)
            {
                c.Response.Cookies.Append(key, value.ToString(), new CookieOptions { Path = "/" });
            }

            c.Response.StatusCode = 302;
            c.Response.Headers.Location = "/cookies";
            return Task.CompletedTask;
        });

        app.MapGet("/cookies", (HttpRequest r) => Results.Json(new { cookies = r.Cookies.ToDictionary(c => c.Key, c => c.Value) }));

        app.MapPost("/login", (HttpContext c) =>
        {
            c.Response.Cookies.Append("session", "s3cr3t-" + Guid.NewGuid().ToString("N")[..8], new CookieOptions { Path = "/" });
            return Results.Json(new { logged_in = true });
        });
    }

    private static async Task EchoAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        object? json = null;
        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && body.Length > 0)
        {
            json = JsonSerializer.Deserialize<JsonElement>(body);
        }

        Dictionary<string, string[]>? form = null;
        Dictionary<string, object>? files = null;
        if (request.HasFormContentType)
        {
            request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
            var parsed = await request.ReadFormAsync();
            form = parsed.ToDictionary(f => f.Key, f => f.Value.Select(v => v ?? string.Empty).ToArray());
            files = [];
            foreach (var file in parsed.Files)
            {
                using var fileReader = new StreamReader(file.OpenReadStream());
                files[file.Name] = new { filename = file.FileName, content_type = file.ContentType, content = await fileReader.ReadToEndAsync() };
            }
        }

        await Results.Json(new
        {
            method = request.Method,
            url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}",
            path = request.Path.Value,
            query = request.QueryString.Value,
            args = request.Query.ToDictionary(q => q.Key, q => q.Value.Select(v => v ?? string.Empty).ToArray()),
            headers = Headers(request),
            data = form is null ? body : string.Empty,
            form,
            files,
            json,
        }).ExecuteAsync(context);
    }

    private static Dictionary<string, string> Headers(HttpRequest request) =>
        request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    private static async Task CompressedAsync(HttpContext context, string encoding, Func<Stream, Stream> compressor)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new { compressed = encoding, headers = Headers(context.Request) });
        using var buffer = new MemoryStream();
        await using (var compressing = compressor(buffer))
        {
            await compressing.WriteAsync(payload);
        }

        context.Response.Headers.ContentEncoding = encoding;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.ToArray());
    }
}
