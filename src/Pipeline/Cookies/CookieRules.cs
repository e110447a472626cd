using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline;

/// <summary>
/// Cookie parsing and matching as RFC 6265 §5 describes it (the rules behind requests' <c>DefaultCookiePolicy</c>).
/// </summary>
internal static class CookieRules
{
    private static readonly string[] DateFormats =
    [
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'", "dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy",
        "ddd, dd-MMM-yyyy HH:mm:ss 'GMT'", "ddd, d MMM yyyy HH:mm:ss 'GMT'", "ddd, dd MMM yy HH:mm:ss 'GMT'",
    ];

    public static bool SameIdentity(Cookie a, Cookie b) =>
        a.Name == b.Name
        && string.Equals(a.Domain, b.Domain, StringComparison.OrdinalIgnoreCase)
        && a.Path == b.Path;

    /// <summary>Rejects names and values that would split or inject into a Cookie header.</summary>
    public static void ValidateNameAndValue(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);

        // System.Net.Cookie refuses a leading '$' (RFC 2965 attribute names) with a CookieException; refuse it here first.
        if (name.AsSpan().IndexOfAny("\r\n;=") >= 0 || name.AsSpan().IndexOfAny(" \t,") >= 0 || name[0] == '$')
        {
            throw new ArgumentException($"Invalid cookie name '{Escape(name)}': CR, LF, ';', '=', ',', whitespace and a leading '$' are not allowed.", nameof(name));
        }

        if (value is not null && value.AsSpan().IndexOfAny("\r\n;") >= 0)
        {
            throw new ArgumentException($"Invalid value for cookie '{name}': CR, LF and ';' are not allowed.", nameof(value));
        }

        // The Cookie header goes on the wire as ISO-8859-1, as every header (requests fails on anything else when sending).
        if (name.AsSpan().IndexOfAnyInRange('\u0100', '\uffff') >= 0 || (value is not null && value.AsSpan().IndexOfAnyInRange('\u0100', '\uffff') >= 0))
        {
            throw new ArgumentException($"Invalid cookie '{Escape(name)}': a header carries ISO-8859-1 characters only.", value is null ? nameof(name) : nameof(value));
        }
    }

    /// <summary>
    /// Parses one Set-Cookie header (RFC 6265 §5.2) received from <paramref name="requestUri"/> and applies the storage
    /// rules of §5.3: the Domain attribute must domain-match the request host, a single-label Domain is refused unless it
    /// is the host itself, and a missing or relative Path takes the default path.
    /// </summary>
    /// <returns>The cookie to store, or <see langword="null"/> when the header is ignored.</returns>
    public static CookieEntry? ParseSetCookie(string header, Uri requestUri, DateTime utcNow)
    {
        var parts = header.Split(';');
        var pair = parts[0];
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return null;
        }

        var name = pair[..equals].Trim();
        var value = pair[(equals + 1)..].Trim();

        // Names System.Net.Cookie cannot hold (whitespace, ',', a leading '$') are ignored rather than failing the response.
        if (name.Length == 0 || name.AsSpan().IndexOfAny("\r\n\t ,") >= 0 || name[0] == '$' || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return null;
        }

        var host = requestUri.IdnHost.ToLowerInvariant();
        string? domainAttribute = null;
        string? path = null;
        DateTime? expires = null;
        DateTime? maxAge = null;
        bool secure = false, httpOnly = false;
        string? sameSite = null;
        for (var i = 1; i < parts.Length; i++)
        {
            var attribute = parts[i];
            var eq = attribute.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? attribute : attribute[..eq]).Trim();
            var attributeValue = eq < 0 ? string.Empty : attribute[(eq + 1)..].Trim();
            switch (key.ToLowerInvariant())
            {
                case "expires":
                    expires = ParseDate(attributeValue) ?? expires;
                    break;
                case "max-age":
                    if (long.TryParse(attributeValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
                    {
                        // RFC 6265 §5.2.2: zero or less means the earliest representable time, i.e. already expired.
                        maxAge = seconds <= 0 ? DateTime.UnixEpoch : utcNow.AddSeconds(Math.Min(seconds, 400L * 24 * 3600 * 100));
                    }

                    break;
                case "domain":
                    domainAttribute = attributeValue.TrimStart('.').ToLowerInvariant();
                    break;
                case "path":
                    path = attributeValue.StartsWith('/') ? attributeValue : null;
                    break;
                case "secure":
                    secure = true;
                    break;
                case "httponly":
                    httpOnly = true;
                    break;
                case "samesite":
                    sameSite = attributeValue;
                    break;
            }
        }

        string domain;
        if (string.IsNullOrEmpty(domainAttribute))
        {
            domain = host;
        }
        else if (domainAttribute == host)
        {
            // A Domain equal to the host: a host-only cookie when it is an IP or a single label, else a domain cookie.
            domain = IsIpAddress(host) || !host.Contains('.', StringComparison.Ordinal) ? host : "." + host;
        }
        else if (!domainAttribute.Contains('.', StringComparison.Ordinal) || IsIpAddress(host) || !host.EndsWith("." + domainAttribute, StringComparison.Ordinal))
        {
            // Another host's domain, a bare TLD such as "com", or any Domain on an IP host: ignore the cookie (§5.3 steps 5-6).
            return null;
        }
        else
        {
            domain = "." + domainAttribute;
        }

        var cookie = new Cookie(name, value, path ?? DefaultPath(requestUri), domain)
        {
            Secure = secure,
            HttpOnly = httpOnly,
        };

        // Max-Age wins over Expires (§5.3 step 3).
        var expiry = maxAge ?? expires;
        if (expiry is { } at)
        {
            cookie.Expires = at <= DateTime.UnixEpoch ? DateTime.UnixEpoch : at;
        }

        return new CookieEntry(cookie, sameSite);
    }

    /// <summary>RFC 6265 §5.1.4 default-path: the request path up to, not including, its last '/'.</summary>
    public static string DefaultPath(Uri uri)
    {
        var path = uri.AbsolutePath;
        if (path.Length == 0 || path[0] != '/')
        {
            return "/";
        }

        var last = path.LastIndexOf('/');
        return last <= 0 ? "/" : path[..last];
    }

    /// <summary>RFC 6265 §5.1.3 domain-match, with requests' rule that an empty domain matches every host.</summary>
    public static bool DomainMatches(string cookieDomain, string host)
    {
        if (cookieDomain.Length == 0)
        {
            return true;
        }

        if (cookieDomain[0] != '.')
        {
            return string.Equals(cookieDomain, host, StringComparison.OrdinalIgnoreCase);
        }

        var bare = cookieDomain.AsSpan(1);
        return host.AsSpan().Equals(bare, StringComparison.OrdinalIgnoreCase)
            || (host.EndsWith(cookieDomain, StringComparison.OrdinalIgnoreCase) && !IsIpAddress(host));
    }

    /// <summary>RFC 6265 §5.1.4 path-match.</summary>
    public static bool PathMatches(string cookiePath, string requestPath)
    {
        if (requestPath.Length == 0)
        {
            requestPath = "/";
        }

        if (string.Equals(cookiePath, requestPath, StringComparison.Ordinal))
        {
            return true;
        }

        return requestPath.StartsWith(cookiePath, StringComparison.Ordinal)
            && (cookiePath.EndsWith('/') || requestPath[cookiePath.Length] == '/');
    }

    /// <summary>Adds the Cookie header built from the jar and the request's cookies, unless the request already has one (requests' <c>prepare_cookies</c>).</summary>
    /// <param name="request">The hop's request.</param>
    /// <param name="jar">The session's cookies.</param>
    /// <param name="requestCookies">The request's own cookies, or null.</param>
    /// <param name="time">The clock, read only when a cookie can expire.</param>
    /// <param name="redirected">Whether the hop follows a redirect (see <see cref="BuildCookieHeader"/>).</param>
    public static void AddCookieHeader(HttpRequestMessage request, CookieJar jar, IDictionary<string, string>? requestCookies, TimeProvider time, bool redirected = false)
    {
        if (request.RequestUri is { } uri && !request.Headers.Contains("Cookie")
            && BuildCookieHeader(jar, requestCookies, uri, time, redirected) is { } header)
        {
            request.Headers.TryAddWithoutValidation("Cookie", header);
        }
    }

    /// <summary>
    /// Builds the Cookie header for a request (RFC 6265 §5.4): matching session cookies, longer paths first, then the
    /// per-request cookies. A request cookie is a cookie for every host on "/", so it replaces only a session cookie of
    /// that same identity (one set with <c>jar.Set(name, value)</c>), in its place, as requests' <c>merge_cookies</c>
    /// does; a cookie a server set under the same name is sent as well, before it. On a redirect hop it is the other way
    /// round: requests' <c>resolve_redirects</c> merges the session jar over the request's cookies, so the session's
    /// value wins.
    /// </summary>
    /// <param name="jar">The session's cookies.</param>
    /// <param name="requestCookies">The request's own cookies, or null.</param>
    /// <param name="uri">The hop's URL.</param>
    /// <param name="time">The clock, read only when a cookie can expire (a read costs about 40 ns; most session cookies cannot).</param>
    /// <param name="redirected">Whether the hop follows a redirect.</param>
    /// <returns>The header value, or <see langword="null"/> when no cookie applies.</returns>
    public static string? BuildCookieHeader(CookieJar jar, IDictionary<string, string>? requestCookies, Uri uri, TimeProvider time, bool redirected = false)
    {
        if (jar.Snapshot.IsEmpty && (requestCookies is null || requestCookies.Count == 0))
        {
            return null;
        }

        // The host and path are taken from the Uri only when a cookie needs them: a cookie set for every host on "/"
        // (requests' jar.set) matches without them, and the Uri computes its parts on first use.
        string? host = null;
        string? path = null;
        Cookie? first = null;
        List<Cookie>? matches = null;
        DateTime? utcNow = null;
        foreach (var entry in jar.Snapshot)
        {
            var cookie = entry.Cookie;
            if ((entry.CanExpire && entry.IsExpired(utcNow ??= time.GetUtcNow().UtcDateTime))
                || (cookie.Secure && uri.Scheme != Uri.UriSchemeHttps)
                || (cookie.Domain.Length > 0 && !DomainMatches(cookie.Domain, host ??= uri.IdnHost.ToLowerInvariant()))
                || (cookie.Path != "/" && !PathMatches(cookie.Path, path ??= uri.AbsolutePath)))
            {
                continue;
            }

            // One matching cookie, the common case, needs no list.
            if (first is null)
            {
                first = cookie;
            }
            else
            {
                (matches ??= [first]).Add(cookie);
            }
        }

        var noRequestCookies = requestCookies is null || requestCookies.Count == 0;
        if (first is null && noRequestCookies)
        {
            return null;
        }

        if (matches is null && noRequestCookies)
        {
            return string.Concat(first!.Name, "=", first.Value);
        }

        matches ??= first is null ? null : [first];
        var builder = new StringBuilder();
        if (matches is not null)
        {
            // Longer paths first, ties in jar order (a stable sort): the jar keeps creation order and a replaced cookie
            // keeps its place, as §5.3 step 11.3 keeps the old creation-time. Cookie.TimeStamp would not: it is the
            // replacement's own time, and equal for cookies created in the same tick.
            SortByPathLengthDescending(matches);
            foreach (var cookie in matches)
            {
                var value = !redirected && requestCookies is not null && IsForEveryHost(cookie) && requestCookies.TryGetValue(cookie.Name, out var requested)
                    ? requested
                    : cookie.Value;
                Append(builder, cookie.Name, value);
            }
        }

        if (requestCookies is not null)
        {
            foreach (var (name, value) in requestCookies)
            {
                // One that took a session cookie's place, or lost to it on a redirect, was written there.
                if (matches is null || !matches.Exists(c => c.Name == name && IsForEveryHost(c)))
                {
                    Append(builder, name, value);
                }
            }
        }

        return builder.ToString();
    }

    // The identity requests gives a request's own cookie (cookiejar_from_dict): no domain, path "/".
    private static bool IsForEveryHost(Cookie cookie) => cookie.Domain.Length == 0 && cookie.Path == "/";

    // A stable insertion sort: a request matches a handful of cookies, and LINQ's OrderBy allocated five objects per request.
    private static void SortByPathLengthDescending(List<Cookie> cookies)
    {
        for (var i = 1; i < cookies.Count; i++)
        {
            var cookie = cookies[i];
            var j = i - 1;
            while (j >= 0 && cookies[j].Path.Length < cookie.Path.Length)
            {
                cookies[j + 1] = cookies[j];
                j--;
            }

            cookies[j + 1] = cookie;
        }
    }

    /// <summary>Validates per-request cookies before anything is sent.</summary>
    public static void ValidateRequestCookies(IDictionary<string, string>? cookies)
    {
        if (cookies is null)
        {
            return;
        }

        foreach (var (name, value) in cookies)
        {
            try
            {
                ValidateNameAndValue(name, value);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidHeaderException(ex.Message, ex);
            }
        }
    }

    private static void Append(StringBuilder builder, string name, string value)
    {
        if (builder.Length > 0)
        {
            builder.Append("; ");
        }

        builder.Append(name).Append('=').Append(value);
    }

    private static bool IsIpAddress(string host) =>
        host.StartsWith('[') || (IPAddress.TryParse(host, out var address) && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6);

    private static DateTime? ParseDate(string value)
    {
        // AllowWhiteSpaces: asctime pads a one-digit day with a space ("Sun Jun  9 10:18:14 2030").
        if (DateTime.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var exact))
        {
            return exact;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var loose) ? loose.UtcDateTime : null;
    }

    private static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
