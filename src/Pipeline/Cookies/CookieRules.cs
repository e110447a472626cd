using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
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

    /// <summary>
    /// The moment, in the jar's domain order, at which a request's own cookies entered the call's jar; the first hop
    /// records it for the later ones (see <see cref="AddCookieHeader"/>).
    /// </summary>
    internal static readonly HttpRequestOptionsKey<long> RequestCookiesRankKey = new("Pipeline.Cookies.RequestCookiesRank");

    private static readonly IdnMapping Idn = new();

    private static readonly SearchValues<char> ServerNameForbidden = SearchValues.Create("\r\n\t;=,");

    // RFC 6265bis section 5.6 ignores a Set-Cookie whose name or value has a control character other than HTAB.
    private static readonly SearchValues<char> ControlChars = SearchValues.Create(
        "\0\x01\x02\x03\x04\x05\x06\x07\x08\x0A\x0B\x0C\x0D\x0E\x0F\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F\x7F");

    // The cookies a Cookie header is built from, reused by each thread: no list per request.
    [ThreadStatic]
    private static Pick[]? t_picks;

    /// <summary>
    /// Raised for each cookie a server or a file offered that was not stored, with the reason and the host or domain it
    /// came for: a hook for telemetry to count refusals by reason. Nothing is done when no one listens.
    /// </summary>
    internal static event Action<CookieRefusal, string>? Refused;

    internal static void OnRefused(CookieRefusal reason, string where)
    {
        if (PipelineTelemetry.CookiesRefused.Enabled)
        {
            PipelineTelemetry.CookiesRefused.Add(1, new KeyValuePair<string, object?>("reason", ReasonName(reason)));
        }

        Refused?.Invoke(reason, where);
    }

    /// <summary>The refusal as the <c>reason</c> tag and log text: <c>public_suffix</c>, <c>too_large</c>, <c>foreign_domain</c>, <c>invalid_syntax</c>.</summary>
    internal static string ReasonName(CookieRefusal reason) => reason switch
    {
        CookieRefusal.PublicSuffix => "public_suffix",
        CookieRefusal.TooLarge => "too_large",
        CookieRefusal.ForeignDomain => "foreign_domain",
        _ => "invalid_syntax",
    };

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

        if (name.AsSpan().IndexOfAnyInRange('\u0100', '\uffff') >= 0)
        {
            throw new ArgumentException($"Invalid cookie '{Escape(name)}': a header carries ISO-8859-1 characters only.", nameof(name));
        }

        ValidateValue(name, value);
    }

    /// <summary>Rejects a value that would split or inject into a Cookie header, or that a header cannot carry.</summary>
    public static void ValidateValue(string name, string? value)
    {
        if (value is not null && value.AsSpan().IndexOfAny("\r\n;") >= 0)
        {
            throw new ArgumentException($"Invalid value for cookie '{Escape(name)}': CR, LF and ';' are not allowed.", nameof(value));
        }

        // The Cookie header goes on the wire as ISO-8859-1, as every header (requests fails on anything else when sending).
        if (value is not null && value.AsSpan().IndexOfAnyInRange('\u0100', '\uffff') >= 0)
        {
            throw new ArgumentException($"Invalid cookie '{Escape(name)}': a header carries ISO-8859-1 characters only.", nameof(value));
        }
    }

    /// <summary>
    /// Brings a cookie domain to the form the jar stores and requests are matched in: lower-case, and punycode for an
    /// internationalised name (as <see cref="Uri.IdnHost"/>), a leading dot kept.
    /// </summary>
    /// <returns>The domain, or <see langword="null"/> when it is not a valid internationalised name.</returns>
    public static string? NormalizeDomain(string domain)
    {
        if (domain.Length == 0 || Ascii.IsValid(domain))
        {
            return domain.ToLowerInvariant();
        }

        var dot = domain[0] == '.' ? "." : string.Empty;
        return ToAsciiDomain(domain[dot.Length..]) is { } ascii ? dot + ascii : null;
    }

    /// <summary>
    /// Tells whether a name from a server or a file can be stored: RFC 6265 §5.2 takes everything before the first
    /// <c>=</c>, trimmed, so an inner space is allowed (as browsers and requests keep <c>a b=x</c>); CR, LF, tab,
    /// <c>;</c>, <c>,</c> and a leading <c>$</c> are not, nor what a header cannot carry.
    /// </summary>
    public static bool IsValidServerName(string name) =>
        name.Length > 0
        && name[0] != '$'
        && !char.IsWhiteSpace(name[0])
        && !char.IsWhiteSpace(name[^1])
        && name.AsSpan().IndexOfAny(ServerNameForbidden) < 0
        && name.AsSpan().IndexOfAnyInRange('\u0100', '\uffff') < 0;

    /// <summary>
    /// Parses one Set-Cookie header (RFC 6265 §5.2) received from <paramref name="requestUri"/> and applies the storage
    /// rules of §5.3: the Domain attribute must domain-match the request host, a single-label Domain is refused unless it
    /// is the host itself, and a missing or relative Path takes the default path.
    /// </summary>
    /// <returns>The cookie to store, or <see langword="null"/> when the header is ignored.</returns>
    public static CookieEntry? ParseSetCookie(string header, Uri requestUri, DateTime utcNow)
    {
        var entry = ParseSetCookie(header, requestUri, utcNow, out var refusal);
        if (refusal is { } reason)
        {
            OnRefused(reason, requestUri.IdnHost);
        }

        return entry;
    }

    /// <summary>Parses a Set-Cookie header as <see cref="ParseSetCookie(string, Uri, DateTime)"/>, reporting nothing: the reason a cookie was refused comes back in <paramref name="refusal"/>.</summary>
    public static CookieEntry? ParseSetCookie(string header, Uri requestUri, DateTime utcNow, out CookieRefusal? refusal)
    {
        refusal = null;

        // A control character anywhere (as browsers refuse it): in a name it failed System.Net.Cookie, in a value it would
        // fail every later request to the site, and in Path it would split a line of a saved cookie file.
        if (header.AsSpan().ContainsAny(ControlChars))
        {
            refusal = CookieRefusal.InvalidSyntax;
            return null;
        }

        var parts = header.Split(';');
        var pair = parts[0];
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            refusal = CookieRefusal.InvalidSyntax;
            return null;
        }

        var name = pair[..equals].Trim();
        var value = pair[(equals + 1)..].Trim();

        var host = requestUri.IdnHost.ToLowerInvariant();

        // Names System.Net.Cookie cannot hold (',', a tab, a leading '$') are ignored rather than failing the response.
        if (!IsValidServerName(name) || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            refusal = CookieRefusal.InvalidSyntax;
            return null;
        }

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
                    domainAttribute = attributeValue.TrimStart('.');
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
        else if (ToAsciiDomain(domainAttribute) is not { } ascii)
        {
            refusal = CookieRefusal.ForeignDomain;
            return null;
        }
        else if (ascii == host)
        {
            // A Domain equal to the host: host-only when the host is an IP or a public suffix (§5.3 step 5, which also
            // covers a single label), else a domain cookie.
            domain = IsIpAddress(host) || PublicSuffixList.IsPublicSuffix(host) ? host : "." + host;
        }
        else if (IsIpAddress(host) || !host.EndsWith("." + ascii, StringComparison.Ordinal))
        {
            // Another host's domain, or any Domain on an IP host: ignore the cookie (§5.3 step 6).
            refusal = CookieRefusal.ForeignDomain;
            return null;
        }
        else if (PublicSuffixList.IsPublicSuffix(ascii))
        {
            // "co.uk" from www.example.co.uk would reach every site under co.uk (§5.3 step 5).
            refusal = CookieRefusal.PublicSuffix;
            return null;
        }
        else
        {
            domain = "." + ascii;
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
        if (request.RequestUri is not { } uri)
        {
            return;
        }

        long? requestCookiesRank = null;
        if (requestCookies is { Count: > 0 })
        {
            // requests builds the call's jar once, before the first hop: the request's cookies enter it after the
            // session's domains of that moment and before the domains this call's redirects add. The first hop records
            // that moment in the request options, which every later hop copies.
            if (!redirected)
            {
                requestCookiesRank = jar.Snapshot.NextRank;
                request.Options.Set(RequestCookiesRankKey, requestCookiesRank.Value);
            }
            else if (request.Options.TryGetValue(RequestCookiesRankKey, out var rank))
            {
                requestCookiesRank = rank;
            }
        }

        if (!request.Headers.Contains("Cookie")
            && BuildCookieHeader(jar, requestCookies, uri, time, redirected, requestCookiesRank) is { } header)
        {
            request.Headers.TryAddWithoutValidation("Cookie", header);
        }
    }

    /// <summary>
    /// Builds the Cookie header for a request (RFC 6265 §5.4) in requests' order, http.cookiejar's
    /// <c>_cookies_for_request</c> and <c>_cookie_attrs</c> over the call's merged jar: the matching cookies grouped by
    /// domain in the order each domain first entered the jar, within a domain by path and name as stored, and then a
    /// stable sort by path length, longest first. The request's own cookies are cookies for every host on "/": they go
    /// with the session's cookies for every host, or, when it has none, where the call's jar took them in (after the
    /// session's domains of the first hop, before those the call's redirects added). One replaces a session cookie of
    /// its identity (one set with <c>jar.Set(name, value)</c>) in its place, as requests' <c>merge_cookies</c>; on a
    /// redirect hop the session's value wins, as <c>resolve_redirects</c> merges the session jar over the call's. The
    /// header stops at <see cref="CookieJarLimits.MaxCookiesPerHeader"/> cookies and
    /// <see cref="CookieJarLimits.MaxCookieHeaderLength"/> bytes, in that order.
    /// </summary>
    /// <param name="jar">The session's cookies.</param>
    /// <param name="requestCookies">The request's own cookies, or null.</param>
    /// <param name="uri">The hop's URL.</param>
    /// <param name="time">The clock, read only when a cookie can expire (a read costs about 40 ns; most session cookies cannot).</param>
    /// <param name="redirected">Whether the hop follows a redirect.</param>
    /// <param name="requestCookiesRank">Where the request's cookies entered the call's jar, in the jar's domain order; null for after every domain.</param>
    /// <returns>The header value, or <see langword="null"/> when no cookie applies.</returns>
    public static string? BuildCookieHeader(CookieJar jar, IDictionary<string, string>? requestCookies, Uri uri, TimeProvider time, bool redirected = false, long? requestCookiesRank = null)
    {
        var snapshot = jar.Snapshot;
        var withRequestCookies = requestCookies is { Count: > 0 };
        if (snapshot.IsEmpty && !withRequestCookies)
        {
            return null;
        }

        if (!withRequestCookies && !snapshot.HasDomainGroups)
        {
            // Cookies for every host alone and no request cookies, the common case (a session's jar.Set): at most one
            // match is built without the general path's buffers.
            if (snapshot.EveryHost is not { } only)
            {
                return null;
            }

            if (TryBuildSingle(only, uri, time, jar, out var single))
            {
                return single;
            }
        }

        var picks = default(PickList);
        var context = new MatchContext(uri, time);
        if (snapshot.HasDomainGroups)
        {
            AddIndexed(ref picks, ref context, snapshot, requestCookies, redirected, requestCookiesRank);
        }
        else
        {
            // Cookies for every host alone (what jar.Set makes): one group, the request's cookies with or after it.
            AddCandidate(ref picks, ref context, snapshot.EveryHost is { Entries.Length: > 0 } everyHost ? everyHost : null, withRequestCookies ? requestCookies : null, redirected);
        }

        var header = Write(ref picks, jar.Limits);
        picks.Release();
        return header;
    }

    // The header of a group when at most one of its cookies matches; false as soon as a second does.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryBuildSingle(DomainGroup group, Uri uri, TimeProvider time, CookieJar jar, out string? header)
    {
        header = null;
        Cookie? found = null;
        DateTime? utcNow = null;
        foreach (var stored in group.Entries)
        {
            var entry = stored.Entry;
            var cookie = entry.Cookie;
            if ((entry.CanExpire && entry.IsExpired(utcNow ??= time.GetUtcNow().UtcDateTime))
                || (cookie.Secure && uri.Scheme != Uri.UriSchemeHttps)
                || (cookie.Path != "/" && !PathMatches(cookie.Path, uri.AbsolutePath)))
            {
                continue;
            }

            if (found is not null)
            {
                return false;
            }

            found = cookie;
        }

        if (found is not null && found.Name.Length + 1 + found.Value.Length <= jar.Limits.MaxCookieHeaderLength)
        {
            header = string.Concat(found.Name, "=", found.Value);
        }

        return true;
    }

    /// <summary>
    /// Adds the matching cookies in jar order. Only the groups that can match are read: every host's, the host's own,
    /// and the domain cookies stored under the host and under each domain above it (RFC 6265 domain-match); the jar's
    /// other domains cost nothing.
    /// </summary>
    private static void AddIndexed(ref PickList picks, ref MatchContext context, CookieSnapshot snapshot, IDictionary<string, string>? requestCookies, bool redirected, long? requestCookiesRank)
    {
        var withRequestCookies = requestCookies is { Count: > 0 };
        var buffer = default(CandidateBuffer);
        Span<Candidate> candidates = buffer;
        var count = 0;

        // Sort keys: a domain of rank r sorts at 2r + 1, the request's cookies at 2w, before any domain that entered the
        // jar at or after their moment w (a domain this call's redirects added) and after every earlier one.
        var requestKey = (requestCookiesRank ?? (long.MaxValue / 4)) * 2;
        if (snapshot.EveryHost is { Entries.Length: > 0 } everyHost)
        {
            // The request's cookies join this group: it takes the earlier of its place and theirs.
            var key = (everyHost.Rank * 2) + 1;
            candidates[count++] = new Candidate(everyHost, withRequestCookies ? Math.Min(key, requestKey) : key);
        }
        else if (withRequestCookies)
        {
            candidates[count++] = new Candidate(null, requestKey);
        }

        var uri = context.Uri;
        var host = uri.IdnHost.ToLowerInvariant();
        if (snapshot.TryGetNode(host, out var node))
        {
            Append(ref candidates, ref count, node.HostOnly);
            Append(ref candidates, ref count, node.Domain);
        }

        // A domain cookie matches the subdomains of its domain, never on an IP address.
        if (uri.HostNameType is not (UriHostNameType.IPv4 or UriHostNameType.IPv6))
        {
            for (var dot = host.IndexOf('.'); dot >= 0; dot = host.IndexOf('.', dot + 1))
            {
                if (snapshot.TryGetNode(host.AsSpan(dot + 1), out var parent))
                {
                    Append(ref candidates, ref count, parent.Domain);
                }
            }
        }

        candidates = candidates[..count];
        SortByKey(candidates);
        foreach (var candidate in candidates)
        {
            var everyHostGroup = candidate.Group is null || candidate.Group.Domain.Length == 0;
            AddCandidate(ref picks, ref context, candidate.Group, withRequestCookies && everyHostGroup ? requestCookies : null, redirected);
        }
    }

    // One group in jar order; the request's cookies, when given, go with it (the group of cookies for every host, or none).
    private static void AddCandidate(ref PickList picks, ref MatchContext context, DomainGroup? group, IDictionary<string, string>? requestCookies, bool redirected)
    {
        if (group is not null)
        {
            AddMatches(ref picks, ref context, group, requestCookies, redirected);
        }

        if (requestCookies is not null)
        {
            AddRequestCookies(ref picks, requestCookies, group);
        }
    }

    private static void Append(ref Span<Candidate> candidates, ref int count, DomainGroup? group)
    {
        if (group is null || group.Entries.Length == 0)
        {
            return;
        }

        if (count == candidates.Length)
        {
            // A host of more labels than the inline buffer holds: rare enough to allocate.
            var larger = new Candidate[count * 2];
            candidates.CopyTo(larger);
            candidates = larger;
        }

        candidates[count++] = new Candidate(group, (group.Rank * 2) + 1);
    }

    // Jar order: by the rank each domain entered the jar with (a handful of groups, so an insertion sort).
    private static void SortByKey(Span<Candidate> candidates)
    {
        for (var i = 1; i < candidates.Length; i++)
        {
            var candidate = candidates[i];
            var j = i - 1;
            while (j >= 0 && candidates[j].Key > candidate.Key)
            {
                candidates[j + 1] = candidates[j];
                j--;
            }

            candidates[j + 1] = candidate;
        }
    }

    private static void AddMatches(ref PickList picks, ref MatchContext context, DomainGroup group, IDictionary<string, string>? replacedBy, bool redirected)
    {
        var lastSlot = -1;
        var pathMatches = false;
        foreach (var stored in group.Entries)
        {
            var entry = stored.Entry;
            var cookie = entry.Cookie;

            // requests' merge_cookies: on the first hop a request cookie of this identity (no domain, "/") took this one's
            // place; on a redirect hop the session's cookie is merged back over it and is sent if it matches.
            if (!redirected && replacedBy is not null && cookie.Path == "/" && replacedBy.TryGetValue(cookie.Name, out var requested))
            {
                picks.Add(cookie.Name, requested, 1);
                continue;
            }

            if (stored.PathSlot != lastSlot)
            {
                // Cookies are stored by path, so the path is matched once per path rather than once per cookie.
                lastSlot = stored.PathSlot;
                pathMatches = cookie.Path == "/" || PathMatches(cookie.Path, context.Path);
            }

            if (pathMatches
                && !(entry.CanExpire && entry.IsExpired(context.UtcNow))
                && !(cookie.Secure && context.Uri.Scheme != Uri.UriSchemeHttps))
            {
                picks.Add(cookie.Name, cookie.Value, cookie.Path.Length);
            }
        }
    }

    // The request's cookies that took no session cookie's place come after the session's cookies for every host.
    private static void AddRequestCookies(ref PickList picks, IDictionary<string, string> requestCookies, DomainGroup? everyHost)
    {
        foreach (var (name, value) in requestCookies)
        {
            if (everyHost is null || everyHost.IndexOf(name, "/") < 0)
            {
                picks.Add(name, value, 1);
            }
        }
    }

    /// <summary>
    /// Writes the header: a stable sort by path length, longest first (http.cookiejar's <c>_cookie_attrs</c>, RFC 6265
    /// §5.4 step 2), then the cookies in that order until a limit is reached, as curl stops adding them.
    /// </summary>
    private static string? Write(ref PickList list, CookieJarLimits limits)
    {
        if (list.Count <= 1)
        {
            // One cookie, the common case, needs no buffer.
            var single = list.First;
            return list.Count == 0 || single.Name.Length + 1 + single.Value.Length > limits.MaxCookieHeaderLength
                ? null
                : string.Concat(single.Name, "=", single.Value);
        }

        var picks = list.Items;
        for (var i = 1; i < picks.Length; i++)
        {
            var pick = picks[i];
            var j = i - 1;
            while (j >= 0 && picks[j].PathLength < pick.PathLength)
            {
                picks[j + 1] = picks[j];
                j--;
            }

            picks[j + 1] = pick;
        }

        var length = 0;
        var taken = 0;
        foreach (var pick in picks)
        {
            var size = pick.Name.Length + 1 + pick.Value.Length + (taken > 0 ? 2 : 0);
            if (taken == limits.MaxCookiesPerHeader || length + size > limits.MaxCookieHeaderLength)
            {
                break;
            }

            length += size;
            taken++;
        }

        if (taken <= 1)
        {
            return taken == 0 ? null : string.Concat(picks[0].Name, "=", picks[0].Value);
        }

        var chars = length <= 512 ? stackalloc char[length] : new char[length];
        var at = 0;
        for (var i = 0; i < taken; i++)
        {
            if (i > 0)
            {
                chars[at++] = ';';
                chars[at++] = ' ';
            }

            picks[i].Name.CopyTo(chars[at..]);
            at += picks[i].Name.Length;
            chars[at++] = '=';
            picks[i].Value.CopyTo(chars[at..]);
            at += picks[i].Value.Length;
        }

        return new string(chars);
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

    // A Domain attribute in Unicode is compared in punycode, as the host is (Uri.IdnHost).
    private static string? ToAsciiDomain(string domain)
    {
        if (Ascii.IsValid(domain))
        {
            return domain.ToLowerInvariant();
        }

        try
        {
            return Idn.GetAscii(domain).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private readonly record struct Candidate(DomainGroup? Group, long Key);

    // Every host's group, a host's two and one a label above it: eight cover a host of six labels without allocating.
    [InlineArray(8)]
    private struct CandidateBuffer
    {
        private Candidate _element;
    }

    private readonly record struct Pick(string Name, string Value, int PathLength);

    /// <summary>The matching cookies: the first held inline, more in a buffer the thread reuses.</summary>
    private struct PickList
    {
        private Pick _first;
        private Pick[]? _items;
        private int _count;

        public readonly int Count => _count;

        public readonly Pick First => _first;

        public readonly Span<Pick> Items => _items.AsSpan(0, _count);

        public void Add(string name, string value, int pathLength)
        {
            var pick = new Pick(name, value, pathLength);
            if (_count == 0)
            {
                _first = pick;
                _count = 1;
                return;
            }

            if (_items is null)
            {
                // Taken from the thread while in use, so a nested call could not share it.
                _items = t_picks ?? new Pick[16];
                t_picks = null;
                _items[0] = _first;
            }
            else if (_count == _items.Length)
            {
                Array.Resize(ref _items, _count * 2);
            }

            _items[_count++] = pick;
        }

        /// <summary>Clears the references taken and gives the buffer back, unless it grew past what is worth keeping.</summary>
        public readonly void Release()
        {
            if (_items is not null)
            {
                Array.Clear(_items, 0, _count);
                if (_items.Length <= 1024)
                {
                    t_picks = _items;
                }
            }
        }
    }

    /// <summary>What the matching reads from the request only when a cookie needs it: the path and the clock.</summary>
    private struct MatchContext(Uri uri, TimeProvider time)
    {
        private string? _path;
        private DateTime? _utcNow;

        public readonly Uri Uri => uri;

        public string Path => _path ??= uri.AbsolutePath;

        public DateTime UtcNow => _utcNow ??= time.GetUtcNow().UtcDateTime;
    }
}
