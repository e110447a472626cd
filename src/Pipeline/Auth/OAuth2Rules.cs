using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Pipeline;

/// <summary>
/// RFC 6749's encoding and parsing rules, tested without HTTP: the form-urlencoding of Appendix B, client authentication
/// by HTTP Basic (§2.3.1), and reading a token response (§5.1) or an error response (§5.2).
/// </summary>
internal static class OAuth2Rules
{
    private const string Hex = "0123456789ABCDEF";

    /// <summary>Encodes a value as application/x-www-form-urlencoded (RFC 6749 Appendix B): UTF-8, space as '+', only <c>*-._</c> and alphanumerics kept.</summary>
    public static string FormEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '*' or '-' or '.' or '_')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('+');
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])
                    ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                    : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
                foreach (var b in utf8[..length])
                {
                    builder.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
                }
            }
        }

        return builder.ToString();
    }

    /// <summary>Writes name/value pairs as a form-urlencoded body.</summary>
    public static string EncodeForm(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(FormEncode(name)).Append('=').Append(FormEncode(value));
        }

        return builder.ToString();
    }

    /// <summary>The <c>client_secret_basic</c> header value: id and secret form-urlencoded first, then Basic (RFC 6749 §2.3.1).</summary>
    public static string BasicCredentials(string clientId, string clientSecret) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(FormEncode(clientId) + ":" + FormEncode(clientSecret)));

    /// <summary>
    /// How long a token is used: its <c>expires_in</c> less the skew, so it is renewed before the server rejects it; half its
    /// lifetime when the skew would use all of it; null (until a 401) when the server gave no lifetime.
    /// </summary>
    public static TimeSpan? UsableLifetime(TimeSpan? expiresIn, TimeSpan skew)
    {
        if (expiresIn is not { } lifetime)
        {
            return null;
        }

        return lifetime > skew ? lifetime - skew : lifetime / 2;
    }

    /// <summary>Reads a token endpoint's answer: the token of a successful response, or an <see cref="OAuth2Exception"/> for anything else.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="reason">The reason phrase, or null.</param>
    /// <param name="mediaType">The Content-Type's media type, or null.</param>
    /// <param name="body">The body.</param>
    /// <param name="tokenUrl">The token endpoint, shown in messages without user information.</param>
    /// <param name="secrets">Values that must never appear in a message (the client secret, the refresh token).</param>
    /// <exception cref="OAuth2Exception">The response is an error, not JSON, has no access token, or a token type other than Bearer.</exception>
    public static OAuth2TokenResponse ParseTokenResponse(HttpStatusCode status, string? reason, string? mediaType, byte[] body, string tokenUrl, IReadOnlyList<string?> secrets)
    {
        var endpoint = Redaction.RedactUrl(tokenUrl);
        var statusText = $"{(int)status} {reason ?? status.ToString()}";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            var kind = mediaType is { Length: > 0 } ? "a " + mediaType : "an untyped";
            throw new OAuth2Exception(
                $"The token endpoint {endpoint} answered {statusText} with {kind} body that is not an OAuth 2.0 JSON response.", null, null, null, status, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new OAuth2Exception($"The token endpoint {endpoint} answered {statusText} with JSON that is not an object.", null, null, null, status);
            }

            var error = ReadString(root, "error");
            var isSuccess = (int)status is >= 200 and < 300;
            if (error is not null || !isSuccess)
            {
                throw ErrorResponse(root, error, status, statusText, endpoint, secrets);
            }

            if (ReadString(root, "access_token") is not { Length: > 0 } accessToken)
            {
                throw new OAuth2Exception($"The token endpoint {endpoint} answered {statusText} without an access_token.", null, null, null, status);
            }

            // RFC 6749 §7.1: a client must not use a token whose type it does not understand; this one speaks RFC 6750 only.
            var tokenType = ReadString(root, "token_type");
            if (!string.Equals(tokenType, "Bearer", StringComparison.OrdinalIgnoreCase))
            {
                var shown = tokenType is null ? "no token_type" : $"token_type '{Scrub(Truncate(tokenType), secrets, accessToken)}'";
                throw new OAuth2Exception($"The token endpoint {endpoint} issued a token with {shown}; only Bearer tokens are supported.", null, null, null, status);
            }

            if (!IsHeaderSafe(accessToken))
            {
                throw new OAuth2Exception($"The token endpoint {endpoint} issued an access token with control characters; it cannot be sent in a header.", null, null, null, status);
            }

            var refreshToken = ReadString(root, "refresh_token");
            return new OAuth2TokenResponse(accessToken, ReadExpiresIn(root), refreshToken is { Length: > 0 } && IsHeaderSafe(refreshToken) ? refreshToken : null);
        }
    }

    private static OAuth2Exception ErrorResponse(JsonElement root, string? error, HttpStatusCode status, string statusText, string endpoint, IReadOnlyList<string?> secrets)
    {
        var description = ReadString(root, "error_description");
        var uri = ReadString(root, "error_uri");
        if (error is null)
        {
            return new OAuth2Exception($"The token endpoint {endpoint} answered {statusText} without an OAuth 2.0 error code.", null, null, null, status);
        }

        var shownError = Scrub(Truncate(error), secrets, null);
        var shownDescription = description is null ? null : Scrub(Truncate(description), secrets, null);
        var message = new StringBuilder()
            .Append("The token endpoint ").Append(endpoint).Append(" refused the token request (").Append(statusText).Append("): ").Append(shownError);
        if (shownDescription is not null)
        {
            message.Append(": ").Append(shownDescription);
        }

        if (uri is not null)
        {
            message.Append(" (see ").Append(Scrub(Truncate(uri), secrets, null)).Append(')');
        }

        return new OAuth2Exception(message.ToString(), shownError, shownDescription, uri is null ? null : Scrub(uri, secrets, null), status);
    }

    private static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // A number as RFC 6749 says, or a numeric string as some servers send it; anything else is no lifetime.
    private static TimeSpan? ReadExpiresIn(JsonElement root)
    {
        if (!root.TryGetProperty("expires_in", out var value))
        {
            return null;
        }

        double seconds;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
        {
            seconds = number;
        }
        else if (value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            seconds = parsed;
        }
        else
        {
            return null;
        }

        return !double.IsFinite(seconds) ? null : TimeSpan.FromSeconds(Math.Clamp(seconds, 0, TimeSpan.FromDays(3650).TotalSeconds));
    }

    private static bool IsHeaderSafe(string value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c == 0x7F || c > 0xFF)
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string value) => value.Length <= 500 ? value : value[..500] + "…";

    // A server may echo what it was sent; no secret of the client's reaches a message.
    private static string Scrub(string text, IReadOnlyList<string?> secrets, string? more)
    {
        foreach (var secret in secrets)
        {
            if (secret is { Length: > 0 })
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return more is { Length: > 0 } ? text.Replace(more, "***", StringComparison.Ordinal) : text;
    }
}
