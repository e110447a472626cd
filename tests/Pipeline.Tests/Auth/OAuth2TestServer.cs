using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Tests.Authentication;

/// <summary>
/// An RFC 6749 token endpoint and a Bearer-protected API on one Kestrel loopback app: <c>POST /token</c> (client
/// credentials and refresh-token grants, client_secret_basic or client_secret_post), <c>/api/...</c> (200 for a token it
/// issued and did not revoke, else 401), <c>/redirect?to=</c> and <c>/echo</c> (no auth).
/// </summary>
public sealed class OAuth2TestServer : IAsyncDisposable
{
    public const string ClientId = "client";
    public const string ClientSecret = "s3cr3t-value";

    private readonly ConcurrentDictionary<string, bool> _validTokens = new();
    private readonly ConcurrentDictionary<string, bool> _validRefreshTokens = new();
    private WebApplication? _app;
    private int _tokenRequests;
    private int _issued;

    public string BaseUrl { get; private set; } = string.Empty;

    public string TokenUrl => BaseUrl + "/token";

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public ConcurrentQueue<TokenRequestRecord> TokenRequestLog { get; } = new();

    public ConcurrentQueue<string> ApiAuthorizations { get; } = new();

    /// <summary>Gets or sets the lifetime given as expires_in, or null for none.</summary>
    public int? ExpiresIn { get; set; } = 3600;

    public string TokenType { get; set; } = "Bearer";

    /// <summary>Gets or sets how long the token endpoint waits before answering.</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>Gets or sets whether the API answers 401 to every token.</summary>
    public bool RejectAll { get; set; }

    /// <summary>Gets or sets a fixed answer of the token endpoint (status, content type, body) instead of the real one.</summary>
    public (int Status, string ContentType, string Body)? FixedAnswer { get; set; }

    /// <summary>Starts the server on 127.0.0.1 with a free port, over HTTPS when a server certificate is given.</summary>
    public static async Task<OAuth2TestServer> StartAsync(X509Certificate2? serverCertificate = null)
    {
        var server = new OAuth2TestServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (serverCertificate is not null)
            {
                listen.UseHttps(serverCertificate);
            }
        }));
        var app = builder.Build();
        app.MapPost("/token", server.TokenAsync);
        app.Map("/api/{**rest}", server.Api);
        app.Map("/redirect", (HttpContext c, string to) =>
        {
            c.Response.StatusCode = 302;
            c.Response.Headers.Location = to;
        });
        app.Map("/echo", (HttpRequest r) => Results.Json(new { authorization = r.Headers.Authorization.ToString(), cookie = r.Headers.Cookie.ToString() }));
        await app.StartAsync();
        server._app = app;
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        return server;
    }

    public string Url(string path) => BaseUrl + path;

    /// <summary>Makes the server forget every access token it issued (the next API call with one is 401).</summary>
    public void RevokeAccessTokens() => _validTokens.Clear();

    public void AddRefreshToken(string refreshToken) => _validRefreshTokens[refreshToken] = true;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task TokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        var form = await context.Request.ReadFormAsync();
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString());
        TokenRequestLog.Enqueue(new TokenRequestRecord(
            fields,
            context.Request.Headers.Authorization.ToString(),
            context.Request.ContentType ?? string.Empty,
            context.Request.Headers.Cookie.ToString(),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        if (TokenDelay > TimeSpan.Zero)
        {
            await Task.Delay(TokenDelay, context.RequestAborted);
        }

        if (FixedAnswer is { } fixedAnswer)
        {
            context.Response.StatusCode = fixedAnswer.Status;
            context.Response.ContentType = fixedAnswer.ContentType;
            await context.Response.WriteAsync(fixedAnswer.Body);
            return;
        }

        if (!Authenticated(context.Request, fields))
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"token\"";
            await Error(context, 401, "invalid_client", "Client authentication failed.");
            return;
        }

        string? newRefreshToken = null;
        switch (fields.GetValueOrDefault("grant_type"))
        {
            case "client_credentials":
                break;
            case "refresh_token" when fields.TryGetValue("refresh_token", out var presented) && _validRefreshTokens.TryRemove(presented, out _):
                newRefreshToken = "refresh-" + Interlocked.Increment(ref _issued);
                _validRefreshTokens[newRefreshToken] = true;
                break;
            case "refresh_token":
                await Error(context, 400, "invalid_grant", "The refresh token is invalid or expired.");
                return;
            default:
                await Error(context, 400, "unsupported_grant_type", null);
                return;
        }

        var token = "access-" + Interlocked.Increment(ref _issued);
        _validTokens[token] = true;
        var answer = new Dictionary<string, object> { ["access_token"] = token, ["token_type"] = TokenType };
        if (ExpiresIn is { } expiresIn)
        {
            answer["expires_in"] = expiresIn;
        }

        if (newRefreshToken is not null)
        {
            answer["refresh_token"] = newRefreshToken;
        }

        context.Response.Headers.CacheControl = "no-store";
        await Results.Json(answer).ExecuteAsync(context);
    }

    private static bool Authenticated(HttpRequest request, Dictionary<string, string> fields)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..]));
            var colon = decoded.IndexOf(':');
            return colon > 0 && WebUtility.UrlDecode(decoded[..colon]) == ClientId && WebUtility.UrlDecode(decoded[(colon + 1)..]) == ClientSecret;
        }

        if (fields.GetValueOrDefault("client_id") != ClientId)
        {
            return false;
        }

        // A public client (refresh-token grant without a secret) sends its id alone.
        return !fields.TryGetValue("client_secret", out var secret) ? fields.GetValueOrDefault("grant_type") == "refresh_token" : secret == ClientSecret;
    }

    private static Task Error(HttpContext context, int status, string error, string? description)
    {
        context.Response.StatusCode = status;
        return Results.Json(new { error, error_description = description }, statusCode: status).ExecuteAsync(context);
    }

    private IResult Api(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        ApiAuthorizations.Enqueue(header);
        var valid = !RejectAll && header.StartsWith("Bearer ", StringComparison.Ordinal) && _validTokens.ContainsKey(header[7..]);
        if (!valid)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return Results.Json(new { error = "invalid_token" }, statusCode: 401);
        }

        return Results.Json(new { authorization = header, path = context.Request.Path.Value, cookie = context.Request.Headers.Cookie.ToString() });
    }
}

public sealed record TokenRequestRecord(
    IReadOnlyDictionary<string, string> Form, string Authorization, string ContentType, string Cookie, IReadOnlyDictionary<string, string> Headers);
