using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Testing;

/// <summary>A strict RFC 7616 Digest verifier for tests: it checks the response hash, the nonce and the nonce count.</summary>
internal static class DigestEndpoint
{
    private static readonly ConcurrentDictionary<string, NonceState> Nonces = new();

    public static async Task HandleAsync(HttpContext context, string qop, string user, string password, string algorithm)
    {
        var key = context.Request.Path.Value!;
        var state = Nonces.GetOrAdd(key, _ => new NonceState());
        var header = context.Request.Headers.Authorization.ToString();
        var rotate = context.Request.Query.ContainsKey("rotate");
        if (header.StartsWith("Digest ", StringComparison.OrdinalIgnoreCase))
        {
            var fields = Parse(header[7..]);
            var nonce = fields.GetValueOrDefault("nonce");
            var stale = nonce != state.Nonce;
            if (!stale && Verify(fields, context.Request, qop, user, password, algorithm))
            {
                var nc = fields.GetValueOrDefault("nc");
                if (rotate)
                {
                    state.Rotate();
                }

                // ?redirect=/path answers a successful exchange with a 302 there (a redirect after digest).
                if (context.Request.Query["redirect"].FirstOrDefault() is { } location)
                {
                    context.Response.StatusCode = 302;
                    context.Response.Headers.Location = location;
                    return;
                }

                context.Response.ContentType = "application/json";
                await context.Response.WriteAsJsonAsync(new
                {
                    authenticated = true,
                    user,
                    nc,
                    cookie = context.Request.Headers.Cookie.ToString(),
                    body = await new StreamReader(context.Request.Body).ReadToEndAsync(),
                });
                return;
            }

            Challenge(context, state, qop, algorithm, stale && nonce is not null);
            return;
        }

        Challenge(context, state, qop, algorithm, stale: false);
    }

    private static void Challenge(HttpContext context, NonceState state, string qop, string algorithm, bool stale)
    {
        context.Response.StatusCode = 401;
        var challenge = new StringBuilder($"Digest realm=\"pipeline@loopback\", nonce=\"{state.Nonce}\", opaque=\"0pa9ue\"");
        if (qop != "none")
        {
            challenge.Append(CultureInfo.InvariantCulture, $", qop=\"{qop}\"");
        }

        challenge.Append(CultureInfo.InvariantCulture, $", algorithm={algorithm}");
        if (stale)
        {
            challenge.Append(", stale=true");
        }

        context.Response.Headers.WWWAuthenticate = challenge.ToString();
        if (context.Request.Query.ContainsKey("cookie"))
        {
            context.Response.Headers.Append("Set-Cookie", "challenge=seen; Path=/");
        }

        foreach (var setCookie in context.Request.Query["h"])
        {
            context.Response.Headers.Append("Set-Cookie", setCookie);
        }
    }

    private static bool Verify(Dictionary<string, string> fields, HttpRequest request, string qop, string user, string password, string algorithm)
    {
        var upper = algorithm.ToUpperInvariant();
        var session = upper.EndsWith("-SESS", StringComparison.Ordinal);
        Func<string, string> hash = (session ? upper[..^5] : upper) switch
        {
            "MD5" => s => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s))),
            "SHA" => s => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(s))),
            "SHA-256" => s => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s))),
            "SHA-512" => s => Convert.ToHexStringLower(SHA512.HashData(Encoding.UTF8.GetBytes(s))),
            _ => throw new InvalidOperationException("unknown algorithm " + algorithm),
        };
        var uri = request.Path + request.QueryString;
        if (fields.GetValueOrDefault("uri") != uri.ToString() || fields.GetValueOrDefault("username") != user)
        {
            return false;
        }

        var nonce = fields["nonce"];
        var cnonce = fields.GetValueOrDefault("cnonce") ?? string.Empty;
        var ha1 = hash($"{user}:pipeline@loopback:{password}");
        if (session)
        {
            ha1 = hash($"{ha1}:{nonce}:{cnonce}");
        }

        var ha2 = hash($"{request.Method}:{uri}");
        var expected = qop == "none"
            ? hash($"{ha1}:{nonce}:{ha2}")
            : hash($"{ha1}:{nonce}:{fields.GetValueOrDefault("nc")}:{cnonce}:auth:{ha2}");
        return fields.GetValueOrDefault("response") == expected;
    }

    private static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in SplitOutsideQuotes(text))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                result[part[..eq].Trim()] = part[(eq + 1)..].Trim().Trim('"');
            }
        }

        return result;
    }

    private static List<string> SplitOutsideQuotes(string text)
    {
        var parts = new List<string>();
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == ',' && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private sealed class NonceState
    {
        public string Nonce { get; private set; } = NewNonce();

        public void Rotate() => Nonce = NewNonce();

        private static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    }
}
