using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline;

/// <summary>
/// HTTP Digest authentication (RFC 7616, requests' <c>HTTPDigestAuth</c>): MD5, SHA (SHA-1), SHA-256 and SHA-512, their
/// <c>-SESS</c> forms, with qop <c>auth</c> or no qop.
/// </summary>
/// <remarks>
/// The first request is sent without credentials; a 401 with a Digest challenge is answered by one new attempt (the
/// 401 goes into the response's <see cref="Response.History"/>; its Set-Cookie is sent with the retry only when the first
/// attempt carried no Cookie header, as requests' <c>handle_401</c> and <c>prepare_cookies</c>). Later requests
/// send the header up front while the nonce is reused, with an incrementing nonce count; a <c>stale=true</c> challenge
/// or a new nonce is answered by one new attempt. A redirect hop sends no header up front and answers the new
/// challenge, as requests (which resets <c>num_401_calls</c> on a redirect). Never more than one retry per request, so a wrong password ends with
/// the 401. One instance may serve concurrent requests.
/// </remarks>
public sealed class DigestAuth : Auth
{
    private readonly Lock _lock = new();
    private DigestChallenge? _challenge;
    private int _nonceCount;

    /// <summary>Initializes a new instance of the <see cref="DigestAuth"/> class.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="password">The password.</param>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> or <paramref name="password"/> is <see langword="null"/>.</exception>
    public DigestAuth(string user, string password)
    {
        AuthArguments.NotNull(user, nameof(DigestAuth), "a user name", nameof(user));
        AuthArguments.NotNull(password, nameof(DigestAuth), "a password", nameof(password));
        User = user;
        Password = password;
    }

    /// <summary>Gets the user name.</summary>
    public string User { get; }

    /// <summary>Gets the password.</summary>
    public string Password { get; }

    /// <summary>Adds the Authorization header when a challenge from an earlier response is known (pre-emptive).</summary>
    /// <param name="request">The outgoing request.</param>
    public override void Apply(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        DigestChallenge? challenge;
        lock (_lock)
        {
            challenge = _challenge;
        }

        if (challenge is not null)
        {
            SetHeader(request, challenge);
        }
    }

    /// <summary>Sends the request, answering a Digest challenge with one new attempt.</summary>
    /// <param name="request">The outgoing request.</param>
    /// <param name="next">Sends a request through the rest of this hop's pipeline.</param>
    /// <param name="cancellationToken">The token to observe.</param>
    /// <returns>The response to the last attempt.</returns>
    public override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(next);
        // Pre-emptive only on a request's first hop: requests prepares the digest header once, so a redirect hop carries
        // none of its own (a header for the old URI and nonce count would be wrong) and answers the new challenge.
        if (!HopState.IsRedirectHop(request))
        {
            ApplyUnlessPrepared(request);
        }

        var sent = HeaderSnapshot.Capture(request.Headers);
        var response = await next(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode is < 400 or >= 500
            || !response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values)
            || DigestChallenge.Find(values) is not { } challenge)
        {
            return response;
        }

        var retry = await AuthRetry.CopyAsync(request, sent, response, cancellationToken).ConfigureAwait(false);
        if (retry is null)
        {
            return response;
        }

        lock (_lock)
        {
            if (_challenge?.Nonce != challenge.Nonce)
            {
                _nonceCount = 0;
            }

            _challenge = challenge;
        }

        // A challenge this scheme cannot answer (an unknown algorithm, auth-int alone) is still retried, without
        // credentials, as requests' handle_401 does (build_digest_header returns None): the server's second 401 is the
        // answer, with the first in History.
        if (!SetHeader(retry, challenge))
        {
            retry.Headers.Remove("Authorization");
        }

        return await AuthRetry.SendAsync(retry, response, next, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the scheme and user name; the password is never shown.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"DigestAuth({User}, ***)";

    /// <summary>requests' <c>build_digest_header</c>, with every <c>-SESS</c> algorithm supported.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "RFC 7616 defines MD5 digests; the server chooses the algorithm.")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "requests' SHA algorithm is SHA-1; the server chooses the algorithm.")]
    internal static string? BuildHeader(
        string user, string password, string method, Uri uri, DigestChallenge challenge, int nonceCount, string cnonce)
    {
        var algorithm = (challenge.Algorithm ?? "MD5").ToUpperInvariant();
        var session = algorithm.EndsWith("-SESS", StringComparison.Ordinal);
        Func<string, string>? hash = (session ? algorithm[..^5] : algorithm) switch
        {
            "MD5" => s => Hex(MD5.HashData(Encoding.UTF8.GetBytes(s))),
            "SHA" => s => Hex(SHA1.HashData(Encoding.UTF8.GetBytes(s))),
            "SHA-256" => s => Hex(SHA256.HashData(Encoding.UTF8.GetBytes(s))),
            "SHA-512" => s => Hex(SHA512.HashData(Encoding.UTF8.GetBytes(s))),
            _ => null,
        };
        if (hash is null)
        {
            return null;
        }

        var path = uri.AbsolutePath.Length == 0 ? "/" : uri.AbsolutePath;
        if (uri.Query.Length > 1)
        {
            path += uri.Query;
        }

        var ha1 = hash($"{user}:{challenge.Realm}:{password}");
        var ha2 = hash($"{method}:{path}");
        var nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
        if (session)
        {
            ha1 = hash($"{ha1}:{challenge.Nonce}:{cnonce}");
        }

        string response;
        var qop = challenge.Qop;
        if (string.IsNullOrEmpty(qop))
        {
            response = hash($"{ha1}:{challenge.Nonce}:{ha2}");
        }
        else if (qop.Split(',').Any(q => q.Trim() == "auth"))
        {
            response = hash($"{ha1}:{challenge.Nonce}:{nc}:{cnonce}:auth:{ha2}");
        }
        else
        {
            // auth-int alone: requests sends no header.
            return null;
        }

        // Every value the server or the caller chose is written as a quoted-string (RFC 9110 section 5.6.4, RFC 7616
        // section 3.4): a realm, nonce or opaque holding '"' cannot close its quotes and add parameters of its own (a
        // second uri= or response=), as it can in requests. The digest above is computed over the values unescaped.
        var header = new StringBuilder("Digest username=");
        AppendQuoted(header, user).Append(", realm=");
        AppendQuoted(header, challenge.Realm).Append(", nonce=");
        AppendQuoted(header, challenge.Nonce).Append(", uri=");
        AppendQuoted(header, path).Append(", response=\"").Append(response).Append('"');
        if (!string.IsNullOrEmpty(challenge.Opaque))
        {
            AppendQuoted(header.Append(", opaque="), challenge.Opaque);
        }

        if (!string.IsNullOrEmpty(challenge.Algorithm))
        {
            AppendQuoted(header.Append(", algorithm="), challenge.Algorithm);
        }

        if (!string.IsNullOrEmpty(qop))
        {
            header.Append(", qop=\"auth\", nc=").Append(nc).Append(", cnonce=");
            AppendQuoted(header, cnonce);
        }

        return header.ToString();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Appends an RFC 9110 quoted-string: <c>"</c> and <c>\</c> escaped with a backslash.</summary>
    private static StringBuilder AppendQuoted(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('"');
    }

    private bool SetHeader(HttpRequestMessage request, DigestChallenge challenge)
    {
        int count;
        lock (_lock)
        {
            // requests' nonce count: it increments while the server keeps the same nonce.
            count = ++_nonceCount;
        }

        var cnonce = Hex(RandomNumberGenerator.GetBytes(8));
        var header = BuildHeader(User, Password, request.Method.Method, request.RequestUri!, challenge, count, cnonce);
        if (header is null)
        {
            return false;
        }

        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        return true;
    }
}
